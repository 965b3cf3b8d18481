# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Categorical features of the gradient-boosting estimators.

A categorical feature's values are category codes: integers in
``[0, max_bins)``, NaN for missing, or a pandas ``category`` column, whose
codes are used (its categories are remembered at fit and matched by value at
predict time). The code is the feature's bin: a tree splits it by a set of
categories (``build_tree(categorical=...)``). At predict time a value that is
no category seen at fit (an unknown pandas category, an unseen or invalid
code) is treated as missing.
"""

from numbers import Integral

import numpy as np

from skml._splitting import MAX_BINS as MISSING_BIN  # bin 255: missing


def _is_pandas_categorical(dtype):
    # Without importing pandas: its CategoricalDtype is named "category".
    return getattr(dtype, "name", None) == "category"


def _pandas_categorical_columns(X):
    # Positions of the pandas category columns of X (none for other inputs).
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(X, "columns"):
        return []
    return [i for i, dtype in enumerate(dtypes) if _is_pandas_categorical(dtype)]


def resolve_categorical_features(categorical_features, X):
    """The ``categorical_features`` parameter as a boolean mask over the
    columns of the raw ``X`` (before validation), or None for none.

    Accepts None, ``"from_dtype"`` (the pandas category columns), integer
    indices, a boolean mask or feature names (X must be a DataFrame then).
    """
    n_features = X.shape[1]
    if categorical_features is None:
        return None
    if isinstance(categorical_features, str):
        if categorical_features != "from_dtype":
            raise ValueError(
                "categorical_features must be None, 'from_dtype', an array of "
                f"indices, a boolean mask or feature names; got "
                f"{categorical_features!r}."
            )
        mask = np.zeros(n_features, dtype=bool)
        mask[_pandas_categorical_columns(X)] = True
        return mask if mask.any() else None
    values = np.asarray(categorical_features)
    if values.ndim != 1:
        raise ValueError(f"categorical_features must be 1-D; got shape {values.shape}.")
    mask = np.zeros(n_features, dtype=bool)
    if values.size == 0:
        return None
    if values.dtype == bool:
        if values.shape[0] != n_features:
            raise ValueError(
                f"categorical_features is a boolean mask of length "
                f"{values.shape[0]}, but X has {n_features} features."
            )
        mask[:] = values
    elif values.dtype.kind in "OUS":
        columns = getattr(X, "columns", None)
        if columns is None:
            raise ValueError(
                "categorical_features holds feature names, but X has no "
                "feature names (pass a pandas DataFrame, or use indices)."
            )
        names = [str(name) for name in columns]
        position = {name: i for i, name in enumerate(names)}
        unknown = [name for name in values.tolist() if str(name) not in position]
        if unknown:
            raise ValueError(
                f"categorical_features names features that X does not have: {unknown}."
            )
        for name in values.tolist():
            mask[position[str(name)]] = True
    elif values.dtype.kind in "iu" or all(
        isinstance(v, Integral) for v in values.tolist()
    ):
        indices = values.astype(np.int64)
        bad = indices[(indices < 0) | (indices >= n_features)]
        if bad.size:
            raise ValueError(
                f"categorical_features has indices out of range [0, "
                f"{n_features}): {bad.tolist()}."
            )
        if np.unique(indices).size != indices.size:
            raise ValueError(
                f"categorical_features has duplicate indices: {indices.tolist()}."
            )
        mask[indices] = True
    else:
        raise ValueError(
            "categorical_features must be None, 'from_dtype', an array of "
            "indices, a boolean mask or feature names; got dtype "
            f"{values.dtype}."
        )
    return mask if mask.any() else None


def check_undeclared_categories(X, mask):
    """Clear error for a pandas category column of non-numeric categories that
    ``mask`` leaves numeric (its values cannot be converted to floats)."""
    undeclared = [
        f
        for f in _pandas_categorical_columns(X)
        if (mask is None or not mask[f])
        and X.iloc[:, f].cat.categories.dtype.kind not in "biuf"
    ]
    if undeclared:
        names = [str(X.columns[f]) for f in undeclared]
        raise ValueError(
            f"Columns {names} are pandas category columns of non-numeric "
            "categories, but categorical_features does not declare them "
            "categorical; add them to categorical_features (or use its default, "
            "'from_dtype')."
        )


def pandas_codes(X, mask, categories=None):
    """X with its categorical pandas columns replaced by their float codes
    (NaN for missing, and at predict time for categories not in
    ``categories``), and the categories of each feature (a list, None where
    the column is no pandas category; None when X is no DataFrame).
    ``categories`` None: fitting; else those of the fit."""
    if mask is None or not hasattr(X, "columns"):
        return X, categories
    fitting = categories is None
    if fitting:
        categories = [None] * X.shape[1]
    elif len(categories) != X.shape[1]:
        return X, categories  # validate_data reports the wrong width
    replaced = {}
    for f in np.flatnonzero(mask):
        column = X.iloc[:, f]
        known = categories[f]
        if fitting:
            if not _is_pandas_categorical(column.dtype):
                continue
            known = categories[f] = column.cat.categories
            codes = column.cat.codes.to_numpy()
        elif known is None:
            continue
        elif _is_pandas_categorical(column.dtype) and column.cat.categories.equals(
            known
        ):
            codes = column.cat.codes.to_numpy()
        else:
            # Matched by value: unknown categories get code -1 (missing).
            codes = known.get_indexer(column.to_numpy())
        values = codes.astype(np.float64)
        values[codes < 0] = np.nan
        replaced[f] = values
    if not replaced:
        return X, categories
    X = X.copy(deep=False)
    for f, values in replaced.items():
        X.isetitem(f, values)
    return X, categories


def check_codes(X, mask, max_bins):
    """Clear errors for values of the categorical features of the validated
    float ``X`` that are no code in ``[0, max_bins)``."""
    for f in np.flatnonzero(mask):
        values = X[:, f]
        values = values[~np.isnan(values)]
        bad = (values < 0) | (values >= max_bins) | (values != np.floor(values))
        if bad.any():
            raise ValueError(
                f"Categorical feature {f} has values that are no category code: "
                f"codes must be integers in [0, max_bins={max_bins}) (or NaN for "
                f"missing); got {values[bad][:5].tolist()}. Encode the categories "
                f"as 0..k-1 (OrdinalEncoder) or pass a pandas category column "
                f"of at most max_bins categories."
            )


def seen_categories(X, mask):
    """The categories seen in each categorical feature of ``X`` (checked by
    check_codes): a boolean array of length the largest code plus one (1 for
    a feature of missing values only), by feature index."""
    known = {}
    for f in np.flatnonzero(mask):
        values = X[:, f]
        codes = values[~np.isnan(values)].astype(np.intp)
        seen = np.zeros(codes.max() + 1 if codes.size else 1, dtype=bool)
        seen[codes] = True
        known[f] = seen
    return known


def check_n_categories(categories, max_bins):
    """Clear error for a pandas category column of more than max_bins
    categories."""
    for f, values in enumerate(categories or []):
        if values is not None and len(values) > max_bins:
            raise ValueError(
                f"Categorical feature {f} has {len(values)} categories, more than "
                f"max_bins={max_bins}."
            )


def unknown_to_missing(X, known):
    """A copy of the validated float ``X`` in which every categorical value
    that is no category seen at fit is NaN (the missing direction)."""
    if not known:
        return X
    X = X.copy()
    for f, seen in known.items():
        values = X[:, f]
        valid = (values >= 0) & (values < seen.shape[0])
        valid[valid] = values[valid] == np.floor(values[valid])
        valid[valid] = seen[values[valid].astype(np.intp)]
        values[~valid] = np.nan
    return X


def bin_categorical(bins, X, known):
    """Overwrite the bins of the categorical features (``known``: their seen
    categories) in the output of ``bin_features`` for ``X``: the code is the
    bin, ``MISSING_BIN`` for NaN, as many bins as the largest code plus one."""
    codes, thresholds, n_bins = bins
    for f, seen in known.items():
        values = X[:, f]
        missing = np.isnan(values)
        column = np.where(missing, MISSING_BIN, np.nan_to_num(values)).astype(np.uint8)
        codes[:, f] = column
        n_bins[f] = seen.shape[0]
        thresholds[f, :] = np.inf
        thresholds[f, : seen.shape[0] - 1] = np.arange(seen.shape[0] - 1) + 0.5
    return codes, thresholds, n_bins
