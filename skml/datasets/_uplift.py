# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift data: generators with the true effect, and loaders of local files.

The generators return the true effect of every row, so that an uplift model's
error (PEHE) can be measured. The loaders read a file the user already has;
nothing is downloaded.
"""

import csv
import os
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, check_random_state

from skml.utils._sklearn import Interval, StrOptions, validate_params


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _design(
    n_samples,
    n_features,
    n_informative,
    n_uplift,
    n_treatments,
    propensity,
    confounding,
    rng,
):
    # Features, the baseline score, the per-group effect scores and treatment.
    X = rng.normal(size=(n_samples, n_features))
    beta = rng.uniform(0.5, 1.5, n_informative) * rng.choice([-1, 1], n_informative)
    base = X[:, :n_informative] @ beta / np.sqrt(n_informative)
    uplift_columns = X[:, n_informative : n_informative + n_uplift]
    scores = np.empty((n_samples, n_treatments))
    for k in range(n_treatments):
        gamma = rng.uniform(0.5, 1.5, n_uplift) * rng.choice([-1, 1], n_uplift)
        # A positive mean effect that varies with the uplift features.
        scores[:, k] = 0.5 + uplift_columns @ gamma / np.sqrt(n_uplift)
    # P(any treatment | x): logistic in the first feature with slope confounding.
    p_treated = _sigmoid(np.log(propensity / (1 - propensity)) + confounding * X[:, 0])
    treated = rng.random_sample(n_samples) < p_treated
    treatment = np.where(treated, 1 + rng.randint(0, n_treatments, n_samples), 0)
    return X, base, scores, treatment


_GENERATOR_PARAMS = {
    "n_samples": [Interval(Integral, 1, None, closed="left")],
    "n_features": [Interval(Integral, 1, None, closed="left")],
    "n_informative": [Interval(Integral, 0, None, closed="left")],
    "n_uplift": [Interval(Integral, 0, None, closed="left")],
    "n_treatments": [Interval(Integral, 1, None, closed="left")],
    "effect_size": [Interval(Real, 0, None, closed="left")],
    "propensity": [Interval(Real, 0, 1, closed="neither")],
    "confounding": [Interval(Real, None, None, closed="neither")],
    "random_state": ["random_state"],
}


def _check_counts(n_features, n_informative, n_uplift):
    if n_informative + n_uplift > n_features:
        raise ValueError(
            f"n_informative + n_uplift ({n_informative} + {n_uplift}) must not "
            f"exceed n_features ({n_features})."
        )


@validate_params(
    {**_GENERATOR_PARAMS, "base_rate": [Interval(Real, 0, 1, closed="neither")]},
    prefer_skip_nested_validation=True,
)
def make_uplift_classification(
    n_samples=1000,
    n_features=10,
    *,
    n_informative=4,
    n_uplift=2,
    n_treatments=1,
    base_rate=0.2,
    effect_size=1.0,
    propensity=0.5,
    confounding=0.0,
    random_state=None,
):
    """Generate a binary-outcome uplift problem with its true effects.

    Features are standard normal. The control log-odds of ``y = 1`` are
    ``logit(base_rate)`` plus a linear function of the first ``n_informative``
    features; treatment group ``k`` adds ``effect_size * (0.5 + g_k(x))`` to
    them, with ``g_k`` linear in the next ``n_uplift`` features, so effects differ
    between rows and between groups. A row is treated with probability
    ``propensity`` (logistic in the first feature with slope ``confounding``:
    ``confounding=0`` is a randomised experiment), and a treated row joins one of
    the ``n_treatments`` groups at random.

    Read more in the :ref:`User Guide <uplift_datasets>`.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows.
    n_features : int, default=10
        Number of features.
    n_informative : int, default=4
        Features that move the control outcome.
    n_uplift : int, default=2
        Features that move the effect.
    n_treatments : int, default=1
        Number of treatment groups (labels ``1..n_treatments``; control is 0).
    base_rate : float, default=0.2
        Probability of ``y = 1`` under control at the mean of the features.
    effect_size : float, default=1.0
        Scale of the treatment's change of the log-odds.
    propensity : float, default=0.5
        Probability of treatment (at ``X[:, 0] = 0`` when confounded).
    confounding : float, default=0.0
        Slope of the treatment log-odds in the first feature.
    random_state : int, RandomState instance or None, default=None
        Seeds the generator.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features.
    y : ndarray of shape (n_samples,)
        Observed 0/1 outcomes.
    treatment : ndarray of shape (n_samples,)
        Group of each row (0 is control).
    effect : ndarray of shape (n_samples,) or (n_samples, n_treatments)
        True effect of each treatment group on ``P(y = 1)``.

    Examples
    --------
    >>> from skml.datasets import make_uplift_classification
    >>> X, y, t, effect = make_uplift_classification(500, random_state=0)
    >>> X.shape, y.mean().round(2), effect.shape
    ((500, 10), np.float64(0.3), (500,))
    """
    _check_counts(n_features, n_informative, n_uplift)
    rng = check_random_state(random_state)
    X, base, scores, treatment = _design(
        n_samples,
        n_features,
        n_informative,
        n_uplift,
        n_treatments,
        propensity,
        confounding,
        rng,
    )
    logit_0 = np.log(base_rate / (1 - base_rate)) + base
    p_0 = _sigmoid(logit_0)
    p = _sigmoid(logit_0[:, None] + effect_size * scores)
    effect = p - p_0[:, None]
    p_observed = np.where(
        treatment == 0, p_0, p[np.arange(n_samples), np.maximum(treatment - 1, 0)]
    )
    y = (rng.random_sample(n_samples) < p_observed).astype(np.float64)
    return X, y, treatment, effect[:, 0] if n_treatments == 1 else effect


@validate_params(
    {**_GENERATOR_PARAMS, "noise": [Interval(Real, 0, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def make_uplift_regression(
    n_samples=1000,
    n_features=10,
    *,
    n_informative=4,
    n_uplift=2,
    n_treatments=1,
    effect_size=1.0,
    noise=1.0,
    propensity=0.5,
    confounding=0.0,
    random_state=None,
):
    """Generate a continuous-outcome uplift problem with its true effects.

    The control outcome is a linear function of the first ``n_informative``
    features; treatment group ``k`` adds ``effect_size * (0.5 + g_k(x))``, with
    ``g_k`` linear in the next ``n_uplift`` features; Gaussian noise of standard
    deviation ``noise`` is added. Treatment is drawn as in
    :func:`make_uplift_classification`.

    Read more in the :ref:`User Guide <uplift_datasets>`.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows.
    n_features : int, default=10
        Number of features.
    n_informative : int, default=4
        Features that move the control outcome.
    n_uplift : int, default=2
        Features that move the effect.
    n_treatments : int, default=1
        Number of treatment groups (labels ``1..n_treatments``; control is 0).
    effect_size : float, default=1.0
        Scale of the effect.
    noise : float, default=1.0
        Standard deviation of the outcome noise.
    propensity : float, default=0.5
        Probability of treatment (at ``X[:, 0] = 0`` when confounded).
    confounding : float, default=0.0
        Slope of the treatment log-odds in the first feature.
    random_state : int, RandomState instance or None, default=None
        Seeds the generator.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features.
    y : ndarray of shape (n_samples,)
        Observed outcomes.
    treatment : ndarray of shape (n_samples,)
        Group of each row (0 is control).
    effect : ndarray of shape (n_samples,) or (n_samples, n_treatments)
        True effect of each treatment group.

    Examples
    --------
    >>> from skml.datasets import make_uplift_regression
    >>> X, y, t, effect = make_uplift_regression(500, n_treatments=2, random_state=0)
    >>> X.shape, effect.shape
    ((500, 10), (500, 2))
    """
    _check_counts(n_features, n_informative, n_uplift)
    rng = check_random_state(random_state)
    X, base, scores, treatment = _design(
        n_samples,
        n_features,
        n_informative,
        n_uplift,
        n_treatments,
        propensity,
        confounding,
        rng,
    )
    effect = effect_size * scores
    observed = np.where(
        treatment == 0, 0.0, effect[np.arange(n_samples), np.maximum(treatment - 1, 0)]
    )
    y = base + observed + noise * rng.normal(size=n_samples)
    return X, y, treatment, effect[:, 0] if n_treatments == 1 else effect


def _read_csv(path, expected):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is not a file; the loaders read a local copy and download nothing."
        )
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or not set(expected) <= set(header):
            raise ValueError(
                f"{path} does not have the expected columns {sorted(expected)}; "
                f"its header is {header}."
            )
        rows = list(reader)
    return header, rows


def _columns(header, rows, names):
    index = {name: header.index(name) for name in names}
    return {name: [row[i] for row in rows] for name, i in index.items()}


def _frame_or_array(columns, numeric, categorical, as_frame):
    # Numeric columns as float; categorical ones as strings (frame) or one-hot.
    if as_frame:
        import pandas as pd

        frame = pd.DataFrame({c: np.asarray(columns[c], dtype=float) for c in numeric})
        for c in categorical:
            frame[c] = pd.Categorical(columns[c])
        return frame[list(columns)], list(columns)
    blocks, names = [], []
    for c in columns:
        if c in numeric:
            blocks.append(np.asarray(columns[c], dtype=float)[:, None])
            names.append(c)
        else:
            values = np.asarray(columns[c])
            levels = np.unique(values)
            blocks.append((values[:, None] == levels[None, :]).astype(float))
            names.extend(f"{c}={level}" for level in levels)
    return np.hstack(blocks), names


_HILLSTROM_NUMERIC = ["recency", "history", "mens", "womens", "newbie"]
_HILLSTROM_CATEGORICAL = ["history_segment", "zip_code", "channel"]
_HILLSTROM_FEATURES = [
    "recency",
    "history_segment",
    "history",
    "mens",
    "womens",
    "zip_code",
    "newbie",
    "channel",
]


@validate_params(
    {
        "path": [str, os.PathLike],
        "outcome": [StrOptions({"visit", "conversion", "spend"})],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_hillstrom(path, *, outcome="visit", as_frame=False):
    """Load the Hillstrom (MineThatData) e-mail campaign from a local CSV file.

    64,000 customers were randomly sent a men's e-mail, a women's e-mail or no
    e-mail; the outcomes are a site visit, a purchase and the amount spent over two
    weeks. The treatment labels are the file's ``segment`` values, with
    ``"No E-Mail"`` the control group.

    Read more in the :ref:`User Guide <uplift_datasets>`.

    Parameters
    ----------
    path : str or path-like
        The CSV file (``hillstrom.csv``, with its header row).
    outcome : {"visit", "conversion", "spend"}, default="visit"
        The outcome returned as ``target``.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame with categorical columns; else as a
        float array with the categorical columns one-hot encoded.

    Returns
    -------
    data : Bunch
        ``data`` (features), ``target`` (the outcome), ``treatment`` (segment
        labels), ``control`` (``"No E-Mail"``), ``feature_names``.

    Examples
    --------
    >>> from skml.datasets import load_hillstrom
    >>> data = load_hillstrom("hillstrom.csv")  # doctest: +SKIP
    >>> data.data.shape, data.control  # doctest: +SKIP
    ((64000, 18), 'No E-Mail')
    """
    header, rows = _read_csv(path, _HILLSTROM_FEATURES + ["segment", outcome])
    columns = _columns(header, rows, _HILLSTROM_FEATURES + ["segment", outcome])
    target = np.asarray(columns.pop(outcome), dtype=float)
    treatment = np.asarray(columns.pop("segment"))
    data, names = _frame_or_array(
        columns, _HILLSTROM_NUMERIC, _HILLSTROM_CATEGORICAL, as_frame
    )
    return Bunch(
        data=data,
        target=target,
        treatment=treatment,
        control="No E-Mail",
        feature_names=names,
    )


_CRITEO_FEATURES = [f"f{i}" for i in range(12)]


@validate_params(
    {
        "path": [str, os.PathLike],
        "outcome": [StrOptions({"visit", "conversion"})],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_criteo(path, *, outcome="visit", as_frame=False):
    """Load the Criteo uplift data set (or a sample of it) from a local CSV file.

    Rows are users of a randomised advertising test: twelve anonymised features
    ``f0..f11``, a 0/1 ``treatment``, and the outcomes ``visit`` and
    ``conversion``; ``exposure`` is not returned.

    Read more in the :ref:`User Guide <uplift_datasets>`.

    Parameters
    ----------
    path : str or path-like
        The CSV file, with its header row.
    outcome : {"visit", "conversion"}, default="visit"
        The outcome returned as ``target``.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame; else as a float array.

    Returns
    -------
    data : Bunch
        ``data`` (features), ``target`` (the outcome), ``treatment`` (0/1),
        ``control`` (0), ``feature_names``.

    Examples
    --------
    >>> from skml.datasets import load_criteo
    >>> data = load_criteo("criteo-uplift-v2.1.csv")  # doctest: +SKIP
    >>> data.feature_names[:3]  # doctest: +SKIP
    ['f0', 'f1', 'f2']
    """
    header, rows = _read_csv(path, _CRITEO_FEATURES + ["treatment", outcome])
    columns = _columns(header, rows, _CRITEO_FEATURES + ["treatment", outcome])
    target = np.asarray(columns.pop(outcome), dtype=float)
    treatment = np.asarray(columns.pop("treatment"), dtype=float).astype(np.intp)
    data, names = _frame_or_array(columns, _CRITEO_FEATURES, [], as_frame)
    return Bunch(
        data=data, target=target, treatment=treatment, control=0, feature_names=names
    )
