# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The shared split-finding core of every tree (see DESIGN.md).

Python entry point: :func:`build_tree`. A criterion is a function of the
sufficient statistics of a node; the splitter and the builders only move
statistics around and call the criterion's hooks (``_criterion.pxd``), so the
same core serves classification and regression trees, the trees of gradient
boosting (criterion ``"newton"``) and, later, uplift trees.

Inputs must be validated by the caller: ``X`` float32 (any order; copied to
Fortran order when needed) or a sparse matrix (read as CSC), ``y`` float64 of
shape (n_samples, n_outputs) (class indices ``0..n_classes-1`` for
classification criteria, gradients for ``"newton"``), ``sample_weight`` float64
of shape (n_samples,) and non-negative.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.sparse import csc_matrix, issparse
from scipy.special import xlogy

from skml._splitting._builder import build_best_first, build_depth_first
from skml._splitting._criterion import KINDS, CriterionSource, newton_rows
from skml._splitting._hist import HistBuffers, HistSplitter, map_to_bins
from skml._splitting._pruning import prune_tree, pruning_path
from skml._splitting._splitter import Splitter
from skml._splitting._tree import Tree

__all__ = [
    "CLASSIFICATION_CRITERIA",
    "GRADIENT_CRITERIA",
    "HistBuffers",
    "REGRESSION_CRITERIA",
    "Tree",
    "UPLIFT_CRITERIA",
    "as_sorted_csc",
    "bin_features",
    "build_tree",
    "prune_tree",
    "pruning_path",
    "with_codes_by_feature",
]

# name -> criterion code, from the codes of _criterion.pyx (KINDS).
CLASSIFICATION_CRITERIA = {
    "gini": KINDS["gini"],
    "entropy": KINDS["entropy"],
    "log_loss": KINDS["entropy"],
}
REGRESSION_CRITERIA = {
    "squared_error": KINDS["squared_error"],
    # Deprecated by scikit-learn 1.9 as the same as "squared_error"; the
    # estimators warn.
    "friedman_mse": KINDS["squared_error"],
    "poisson": KINDS["poisson"],
    "absolute_error": KINDS["absolute_error"],
}
# Criteria of gradient boosting: y holds gradients, with hessians beside them.
GRADIENT_CRITERIA = {"newton": KINDS["newton"]}
# Uplift criteria: y holds outcomes, ``treatment`` the group of each sample
# (0 = control); binary outcomes for all but "uplift_reg".
UPLIFT_CRITERIA = {
    name: KINDS[name]
    for name in (
        "uplift_kl",
        "uplift_ed",
        "uplift_chi",
        "uplift_cts",
        "uplift_ddp",
        "uplift_reg",
    )
}
SPLITTERS = {"best": 0, "random": 1, "hist": 0}
# The histogram splitter splits nodes with fewer samples on exact values: there
# a bin can hold several of the node's distinct values (bins are global), which
# costs accuracy in deep trees, and sorting a few hundred samples is cheaper
# than building a histogram of every feature. (Forests of fully grown trees on
# covtype: accuracy of the exact splitter, and a faster fit.)
HIST_EXACT_BELOW = 256
MAX_BINS = 255  # non-missing bins of the histogram splitter; code 255 is missing

RAND_R_MAX = 0x7FFFFFFF


def criterion_source(
    criterion,
    y,
    sample_weight,
    n_classes=None,
    *,
    hessians=None,
    l2_regularization=0.0,
    l1_regularization=0.0,
    min_child_weight=0.0,
    monotonic_cst=None,
    treatment=None,
    n_groups=0,
    n_reg=0.0,
    min_samples_treatment=0.0,
    normalization=False,
    log_tables=True,
):
    """Build the per-sample contributions of ``criterion`` for ``y``.

    Classification criteria add each sample's weight to the slot
    ``output * max_n_classes + class``; regression criteria add a dense row per
    sample: ``w * (y, y^2)`` (``w * (y, y log y)`` for Poisson) per output. The
    absolute error takes the targets and their ranks instead. ``"newton"`` adds
    ``w * (g, h)`` per output, ``y`` holding the gradients ``g`` and
    ``hessians`` the ``h`` (same shape); the three regularisation parameters
    and ``monotonic_cst`` are its own (see :func:`build_tree`). Uplift criteria
    add ``w * (1, y)`` (``w * (1, y, y^2)`` for ``"uplift_reg"``) at the slots
    of the sample's group ``treatment`` (0 = control, of ``n_groups``).
    """
    n_samples, n_outputs = y.shape
    if criterion in UPLIFT_CRITERIA:
        stride = 3 if criterion == "uplift_reg" else 2
        rows = np.zeros((n_samples, n_groups, stride))
        index = np.arange(n_samples)
        rows[index, treatment, 0] = sample_weight
        rows[index, treatment, 1] = sample_weight * y[:, 0]
        if stride == 3:
            rows[index, treatment, 2] = sample_weight * y[:, 0] ** 2
        return CriterionSource(
            UPLIFT_CRITERIA[criterion],
            sample_weight,
            1,
            n_groups * stride,
            stride,
            rows=rows.reshape(n_samples, n_groups * stride),
            control=0,
            n_groups=n_groups,
            n_reg=n_reg,
            min_samples_treatment=min_samples_treatment,
            normalization=normalization,
            log_tables=log_tables,
        )
    if criterion in GRADIENT_CRITERIA:
        return CriterionSource(
            GRADIENT_CRITERIA[criterion],
            sample_weight,
            n_outputs,
            2 * n_outputs,
            2,
            rows=newton_rows(
                np.asarray(y, dtype=np.float64),
                np.asarray(hessians, dtype=np.float64),
                np.ascontiguousarray(sample_weight, dtype=np.float64),
            ),
            l2=l2_regularization,
            l1=l1_regularization,
            min_child_weight=min_child_weight,
            monotonic_cst=monotonic_cst,
        )
    if criterion not in CLASSIFICATION_CRITERIA and criterion not in (
        REGRESSION_CRITERIA
    ):
        known = sorted(
            {
                *CLASSIFICATION_CRITERIA,
                *REGRESSION_CRITERIA,
                *GRADIENT_CRITERIA,
                *UPLIFT_CRITERIA,
            }
        )
        raise ValueError(f"Unknown criterion {criterion!r}; expected one of {known}.")
    if criterion in CLASSIFICATION_CRITERIA:
        n_classes = np.asarray(n_classes, dtype=np.intp)
        stride = int(n_classes.max())
        slots = y.astype(np.intp)
        slots += stride * np.arange(n_outputs, dtype=np.intp)
        return CriterionSource(
            CLASSIFICATION_CRITERIA[criterion],
            sample_weight,
            n_outputs,
            n_outputs * stride,
            stride,
            n_classes=n_classes,
            slots=np.ascontiguousarray(slots),
        )
    if criterion == "absolute_error":
        # Not additive: the splitter ranks the targets node by node, from their
        # global ranks (ties broken by sample index).
        ranks = np.empty((n_samples, n_outputs), dtype=np.intp)
        for o in range(n_outputs):
            ranks[np.argsort(y[:, o], kind="stable"), o] = np.arange(n_samples)
        return CriterionSource(
            REGRESSION_CRITERIA[criterion],
            sample_weight,
            n_outputs,
            2 * n_outputs,
            2,
            rows=np.ascontiguousarray(y),
            ranks=ranks,
        )
    rows = np.empty((n_samples, n_outputs, 2))
    rows[:, :, 0] = y * sample_weight[:, None]
    if criterion == "poisson":
        rows[:, :, 1] = xlogy(y, y) * sample_weight[:, None]
    else:
        rows[:, :, 1] = y * rows[:, :, 0]
    return CriterionSource(
        REGRESSION_CRITERIA[criterion],
        sample_weight,
        n_outputs,
        2 * n_outputs,
        2,
        rows=rows.reshape(n_samples, 2 * n_outputs),
    )


def as_sorted_csc(X):
    """``X`` as a float32 CSC matrix with sorted row indices, as the splitters
    read sparse data (``_columns.CSCColumns``); no copy when it already is
    one."""
    X = csc_matrix(X, dtype=np.float32)
    if not X.has_sorted_indices:
        X = X.copy()
        X.sort_indices()
    return X


def _dense_part(X, n_features):
    # The dense X a splitter holds: none (no rows) for sparse or unread X.
    if X is None or issparse(X):
        return np.empty((0, n_features), dtype=np.float32, order="F")
    return X


def _set_csc(split_finder, X):
    # Have the splitter read sparse X (as_sorted_csc) column by column.
    if X.nnz >= 2**31:
        raise ValueError(
            "build_tree handles sparse X with fewer than 2**31 stored values."
        )
    split_finder.set_csc(
        X.data,
        X.indices.astype(np.int32, copy=False),
        X.indptr.astype(np.intp, copy=False),
        X.shape[0],
    )


def _dense_column(X, f):
    # Feature f of a dense or CSC matrix as a float64 vector.
    if not issparse(X):
        return np.asarray(X[:, f], dtype=np.float64)
    column = np.zeros(X.shape[0])
    start, stop = X.indptr[f], X.indptr[f + 1]
    column[X.indices[start:stop]] = X.data[start:stop]
    return column


def bin_features(X, max_bins=MAX_BINS, subsample=200_000, seed=0, n_threads=1):
    """Bin each feature into at most ``max_bins`` (<= 255) intervals.

    Thresholds are the midpoints between consecutive distinct values when there
    are at most ``max_bins`` of them, else quantiles of (a subsample of) the
    values, as ``np.percentile(values, q, method="averaged_inverted_cdf")``
    computes them (scikit-learn's HistGradientBoosting rule). A
    value ``x`` goes to bin ``b`` when ``thresholds[b - 1] < x <=
    thresholds[b]``; NaN goes to bin 255. Dense ``X`` is mapped on
    ``n_threads`` threads.

    Returns
    -------
    codes : ndarray of shape (n_samples, n_features), uint8, C-contiguous
    thresholds : ndarray of shape (n_features, 255), float64
        Upper edge of each bin (the last bin of a feature has none: +inf).
    n_bins : ndarray of shape (n_features,), intp
        Non-missing bins of each feature.
    """
    n_samples, n_features = X.shape
    rng = np.random.RandomState(seed)
    codes = np.empty((n_samples, n_features), dtype=np.uint8)
    thresholds = np.full((n_features, MAX_BINS), np.inf)
    n_bins = np.empty(n_features, dtype=np.intp)
    rows = None
    if n_samples > subsample:
        rows = np.sort(rng.choice(n_samples, subsample, replace=False))
    sparse = issparse(X)
    if sparse:
        X = as_sorted_csc(X)
        sample = None
    else:
        if X.dtype not in (np.float32, np.float64):
            X = np.asarray(X, dtype=np.float64)
        sample = X if rows is None else X[rows]

    def feature_edges(f):
        # Sorted in X's dtype (float32 sorts twice as fast), edges in float64.
        if sparse:
            values = _dense_column(X, f)
            values = values if rows is None else values[rows]
        else:
            values = sample[:, f]
        values = np.sort(values[~np.isnan(values)])
        return _bin_edges(values, max_bins)

    if n_threads > 1 and n_features > 1:
        # NumPy's sort releases the GIL: features are sorted side by side.
        with ThreadPoolExecutor(min(n_threads, n_features)) as pool:
            all_edges = list(pool.map(feature_edges, range(n_features)))
    else:
        all_edges = [feature_edges(f) for f in range(n_features)]
    for f, edges in enumerate(all_edges):
        n_bins[f] = len(edges) + 1
        thresholds[f, : len(edges)] = edges
        if sparse:
            column = _dense_column(X, f)
            code = np.searchsorted(edges, column, side="left")
            code[np.isnan(column)] = MAX_BINS
            codes[:, f] = code
    if not sparse:
        map_to_bins(X, thresholds, n_bins, codes, n_threads)
    return codes, thresholds, n_bins


def _bin_edges(sorted_values, max_bins):
    # Upper bin edges (float64) of one feature from its sorted non-NaN values:
    # midpoints of consecutive distinct values when there are at most max_bins
    # of them, else the quantiles 1/max_bins .. 1 - 1/max_bins.
    if not len(sorted_values):
        return np.empty(0)
    new = np.empty(len(sorted_values), dtype=bool)
    new[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=new[1:])
    distinct = sorted_values[new].astype(np.float64)
    if len(distinct) <= max_bins:
        return (distinct[:-1] + distinct[1:]) / 2
    # The quantiles as NumPy's percentile divides them.
    quantiles = np.linspace(0, 100, max_bins + 1)[1:-1] / 100
    return np.unique(_averaged_inverted_cdf(sorted_values, quantiles))


def _averaged_inverted_cdf(sorted_values, quantiles):
    # np.percentile(values, 100 * quantiles, method="averaged_inverted_cdf")
    # from the sorted values, with NumPy 2's arithmetic: the value of rank
    # ceil(n q), or the mean of ranks n q and n q + 1 when n q is whole (lerp at
    # t = 1/2 as b - (b - a) / 2). scikit-learn's HGB bins with this rule
    # (since 1.8), so both boosters split on the same edges; a full sort is
    # several times cheaper than the partitions np.percentile runs for 254
    # ranks.
    n = len(sorted_values)
    virtual = n * quantiles - 1
    below = np.floor(virtual)
    whole = virtual == below
    below = np.clip(below.astype(np.intp), 0, n - 1)
    a = sorted_values[below].astype(np.float64)
    b = sorted_values[np.minimum(below + 1, n - 1)].astype(np.float64)
    return np.where(whole, b - (b - a) * 0.5, b)


def _monotonic_cst(monotonic_cst, n_features, n_outputs):
    # The monotonic constraints as int32 (n_features,), None if none is set.
    if monotonic_cst is None:
        return None
    cst = np.asarray(monotonic_cst)
    if cst.shape != (n_features,):
        raise ValueError(
            f"monotonic_cst has shape {cst.shape}; expected ({n_features},), one "
            "constraint per feature."
        )
    if cst.dtype.kind not in "iuf" or not np.isin(cst, (-1, 0, 1)).all():
        raise ValueError(
            f"monotonic_cst must hold only -1, 0 or 1; got {np.unique(cst)!r}."
        )
    if not cst.any():
        return None  # the unconstrained tree, bit for bit
    if n_outputs != 1:
        raise ValueError("monotonic_cst needs a single output (one gradient column).")
    return np.ascontiguousarray(cst, dtype=np.int32)


def _newton_params(
    criterion,
    y,
    sample_weight,
    hessians,
    l2,
    l1,
    min_child_weight,
    monotonic_cst=None,
    n_features=0,
):
    # The "newton" arguments of criterion_source, checked; {} for other criteria.
    if criterion not in GRADIENT_CRITERIA:
        if hessians is not None:
            raise ValueError(f"hessians are for criterion='newton', not {criterion!r}.")
        if monotonic_cst is not None:
            raise ValueError(
                f"monotonic_cst is for criterion='newton', not {criterion!r}."
            )
        return {}
    if hessians is None:
        raise ValueError("criterion='newton' needs hessians.")
    hessians = np.asarray(hessians, dtype=np.float64)
    if hessians.ndim == 1:
        hessians = hessians.reshape(-1, 1)
    if hessians.shape != y.shape:
        raise ValueError(
            f"hessians have shape {hessians.shape}; the gradients (y) have {y.shape}."
        )
    for name, value in (
        ("l2_regularization", l2),
        ("l1_regularization", l1),
        ("min_child_weight", min_child_weight),
    ):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be finite and >= 0; got {value!r}.")
    # Checked once per tree of a booster: min and max (NaN propagates through
    # them) read the arrays without the copies of masks and isfinite.
    used = sample_weight != 0
    if used.all():
        used_h, used_g = hessians, y
    else:
        used_h, used_g = hessians[used], y[used]
    if len(used_h):
        low_h = used_h.min()
        if not (
            np.isfinite(low_h)
            and np.isfinite(used_h.max())
            and np.isfinite(used_g.min())
            and np.isfinite(used_g.max())
        ):
            raise ValueError("Gradients and hessians must be finite.")
        if low_h < 0 or (l2 == 0 and low_h == 0):
            raise ValueError(
                "Hessians must be >= 0, and > 0 where sample_weight is when "
                "l2_regularization is 0 (a node's value divides by H + l2)."
            )
    return {
        "hessians": hessians,
        "l2_regularization": float(l2),
        "l1_regularization": float(l1),
        "min_child_weight": float(min_child_weight),
        "monotonic_cst": _monotonic_cst(monotonic_cst, n_features, y.shape[1]),
    }


def _uplift_params(
    criterion, y, treatment, n_reg, min_samples_treatment, normalization
):
    # The uplift arguments of criterion_source, checked; {} for other criteria.
    if criterion not in UPLIFT_CRITERIA:
        if treatment is not None:
            raise ValueError(f"treatment is for uplift criteria, not {criterion!r}.")
        return {}
    if treatment is None:
        raise ValueError(f"criterion={criterion!r} needs treatment.")
    treatment = np.asarray(treatment, dtype=np.intp)
    if treatment.shape != (y.shape[0],) or y.shape[1] != 1:
        raise ValueError("Uplift criteria need one outcome and a group per sample.")
    if treatment.min() < 0:
        raise ValueError("treatment codes must be >= 0 (0 = control).")
    n_groups = int(treatment.max()) + 1
    if n_groups < 2:
        raise ValueError("Uplift criteria need a control and a treatment group.")
    for name, value in (
        ("n_reg", n_reg),
        ("min_samples_treatment", min_samples_treatment),
    ):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be finite and >= 0; got {value!r}.")
    if criterion != "uplift_reg" and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"criterion={criterion!r} needs a binary (0/1) outcome.")
    return {
        "treatment": treatment,
        "n_groups": n_groups,
        "n_reg": float(n_reg),
        "min_samples_treatment": float(min_samples_treatment),
        "normalization": bool(normalization),
    }


def _feature_groups(interaction_cst, n_features):
    # Interaction groups as (n_features, n_words) uint64 bitsets: bit g of row
    # f is set when group g holds feature f. Features in no group form one
    # more group. None: no constraint.
    if interaction_cst is None:
        return None
    member = np.zeros((len(interaction_cst) + 1, n_features), dtype=bool)
    for g, group in enumerate(interaction_cst):
        index = np.asarray(list(group), dtype=np.intp)
        if index.size and (index.min() < 0 or index.max() >= n_features):
            raise ValueError(
                f"interaction_cst group {g} has feature indices outside "
                f"[0, {n_features - 1}]: {sorted(group)!r}."
            )
        member[g, index] = True
    member[-1] = ~member[:-1].any(axis=0)
    if not member[-1].any():
        member = member[:-1]
    n_groups = len(member)
    n_words = max(1, -(-n_groups // 64))
    padded = np.zeros((n_words * 64, n_features), dtype=np.uint64)
    padded[:n_groups] = member
    bits = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))
    # Distinct powers of two: their sum is their bitwise or.
    words = (padded.reshape(n_words, 64, n_features) * bits[None, :, None]).sum(
        axis=1, dtype=np.uint64
    )
    return np.ascontiguousarray(words.T)


# Criteria whose categories have an order with an optimal cut
# (crit_category_key).
CATEGORICAL_CRITERIA = ("newton", "squared_error", "friedman_mse", "poisson")


def _categorical_mask(categorical, criterion, splitter, bins, n_outputs,
                      n_features):
    # build_tree's ``categorical``, checked: a uint8 mask, or None for none.
    if categorical is None:
        return None
    mask = np.asarray(categorical)
    if mask.dtype != bool or mask.shape != (n_features,):
        raise ValueError(
            f"categorical must be a boolean mask of shape ({n_features},); got "
            f"dtype {mask.dtype} and shape {mask.shape}."
        )
    if not mask.any():
        return None
    if splitter != "hist" or bins is None:
        raise ValueError(
            "categorical features need splitter='hist' and their category "
            "codes in bins."
        )
    if criterion not in CATEGORICAL_CRITERIA or n_outputs != 1:
        raise ValueError(
            f"categorical splits need one of the criteria {CATEGORICAL_CRITERIA} "
            f"with one output; got criterion={criterion!r} with {n_outputs} "
            "outputs."
        )
    return mask.astype(np.uint8)


def with_codes_by_feature(bins):
    """``bins`` (the output of :func:`bin_features`) followed by the codes
    transposed, C-contiguous (n_features, n_samples).

    The histogram splitter partitions a node on one feature's codes, read from
    this copy; passed to :func:`build_tree`, it is made once for many trees
    instead of once per tree. It costs ``n_samples * n_features`` bytes.
    """
    codes, thresholds, n_bins = bins[:3]
    return codes, thresholds, n_bins, np.ascontiguousarray(codes.T)


def build_tree(
    X,
    y,
    sample_weight,
    *,
    criterion,
    splitter="best",
    n_classes=None,
    max_depth=None,
    min_samples_split=2,
    min_samples_leaf=1,
    min_weight_leaf=0.0,
    max_features=None,
    max_leaf_nodes=None,
    min_impurity_decrease=0.0,
    seed=0,
    subtract_histograms=True,
    bins=None,
    hist_exact_below=HIST_EXACT_BELOW,
    hessians=None,
    l2_regularization=0.0,
    l1_regularization=0.0,
    min_child_weight=0.0,
    monotonic_cst=None,
    n_threads=1,
    treatment=None,
    n_reg=0.0,
    min_samples_treatment=0.0,
    normalization=False,
    sample_leaf=None,
    interaction_cst=None,
    log_tables=True,
    categorical=None,
    cat_smooth=0.0,
    cat_min_support=1,
    hist_buffers=None,
    hist_ties_to_lowest_feature=False,
):
    """Grow a decision tree on validated data and return its :class:`Tree`.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features), float32
        Training data; NaN marks a missing value. A sparse matrix is read as
        CSC (see :func:`as_sorted_csc`) without densifying it.
    y : ndarray of shape (n_samples, n_outputs), float64
        Targets; class indices for classification criteria; the gradients of
        the loss at the current predictions for ``"newton"``.
    sample_weight : ndarray of shape (n_samples,), float64
        Non-negative weights; samples of weight zero are left out of the tree
        (a bootstrap is a vector of counts). For ``"newton"`` they multiply the
        gradients and hessians.
    criterion : str
        A key of ``CLASSIFICATION_CRITERIA``, ``REGRESSION_CRITERIA``,
        ``GRADIENT_CRITERIA`` or ``UPLIFT_CRITERIA``. ``"newton"`` grows a
        tree of gradient boosting: a node's value is the Newton step
        ``-T(G) / (H + l2_regularization)`` of its weighted sums of gradients
        ``G`` and hessians ``H`` (per output), with
        ``T(G) = sign(G) max(|G| - l1_regularization, 0)``; a split's gain is
        ``S_left + S_right - S_parent``, with
        ``S = T(G)^2 / (H + l2_regularization)`` summed over outputs (the
        un-halved gain of XGBoost and LightGBM); the node's impurity is
        ``-S``. The learning rate
        is the booster's to apply.
    splitter : {"best", "random", "hist"}, default="best"
        Split finder: exact best or random thresholds, or best thresholds on
        histograms of features binned by :func:`bin_features`.
    n_classes : ndarray of shape (n_outputs,), default=None
        Classes per output (classification criteria only).
    max_depth : int, default=None
        Deepest allowed node; ``None`` for no limit.
    min_samples_split, min_samples_leaf : int
        Resolved integer stopping rules.
    min_weight_leaf : float, default=0.0
        Least total weight in a leaf.
    max_features : int, default=None
        Features drawn per node; ``None`` for all.
    max_leaf_nodes : int, default=None
        Grow best first with at most this many leaves.
    min_impurity_decrease : float, default=0.0
        Least weighted impurity decrease of a split. For ``"newton"``, the gain
        a split must exceed (XGBoost's ``gamma``, LightGBM's
        ``min_gain_to_split``).
    seed : int, default=0
        Seed of the feature and threshold draws, in ``[0, 2**31 - 1)``.
    subtract_histograms : bool, default=True
        With ``splitter="hist"``, get the larger child's histogram as parent
        minus smaller child (False: build every histogram from the samples; for
        tests).
    bins : tuple, default=None
        With ``splitter="hist"``: the output of :func:`bin_features` for ``X``,
        computed once and shared by many trees (forests), or that of
        :func:`with_codes_by_feature`, which also shares the transposed codes;
        None bins ``X`` here.
    hist_exact_below : int, default=HIST_EXACT_BELOW
        With ``splitter="hist"`` and dense ``X``, nodes with fewer samples are
        split by the exact best splitter (0: never).
    hessians : ndarray of shape (n_samples, n_outputs), default=None
        ``"newton"`` only (required): the hessians of the loss, non-negative,
        and positive where ``sample_weight`` is when ``l2_regularization`` is
        zero (so that no node has ``H + l2_regularization == 0``).
    l2_regularization, l1_regularization : float, default=0.0
        ``"newton"`` only: the L2 (lambda) and L1 (alpha) penalties of the
        node values.
    min_child_weight : float, default=0.0
        ``"newton"`` only: least hessian sum of a child, in every output.
    monotonic_cst : array-like of shape (n_features,), default=None
        ``"newton"`` with one output only: -1, 0 or 1 per feature, for a tree
        whose value decreases, is unconstrained, or increases along the
        feature (as scikit-learn's HistGradientBoosting: node values are
        clipped to bounds cut at the midpoint of each constrained split; see
        ``_criterion.pxd``). None or all zeros: no constraint.
    n_threads : int, default=1
        With ``splitter="hist"``: OpenMP threads that fill the histograms and
        scan the features of a node (see
        :func:`skml.utils._openmp.effective_n_threads`). The tree is the same
        for any value. Forests, which grow one tree per thread, keep 1.
    treatment : ndarray of shape (n_samples,), intp, default=None
        Uplift criteria only (required): the group of each sample, 0 for
        control and ``1..K`` for the treatment groups, each group present. The
        node value holds, per group, the outcome mean, its regularised mean and
        the group's weight (see ``_criterion.pxd``, "Uplift criteria").
    n_reg : float, default=0.0
        Uplift only: weight of the parent's regularised group means in a
        node's (Rzepakowski and Jaroszewicz's regularisation).
    min_samples_treatment : float, default=0.0
        Uplift only: least weight of every group in a child; a group of no
        more weight in a node takes its parent's mean.
    normalization : bool, default=False
        Uplift ``"uplift_kl"``, ``"uplift_ed"``, ``"uplift_chi"`` only: divide
        a split's gain by Rzepakowski and Jaroszewicz's normalisation.
    sample_leaf : ndarray of shape (n_samples,), intp, default=None
        Output (C-contiguous): set to the leaf (node id) of every sample of
        nonzero weight; other entries are left as they are. Gradient boosting
        updates its predictions from it without traversing the tree.
    interaction_cst : sequence of sequences of int, default=None
        Interaction constraints, as scikit-learn's HistGradientBoosting: groups
        of feature indices (features in no group form one more group). A node
        may split on feature ``f`` only if some group holds ``f`` and every
        feature split on above the node; the root may split on any. With
        ``max_features``, a node draws that many features among its allowed
        ones. None: no constraint (the same tree as one group of all
        features).
    log_tables : bool, default=True
        Uplift only: when every weight is an integer, read the criterion's
        logarithms from tables (see ``_criterion.pxd``, "Log tables"); False
        computes them (for tests). The gains agree to rounding.
    categorical : array-like of bool of shape (n_features,), default=None
        With ``splitter="hist"`` and ``bins``: the features whose bin codes are
        category codes (``0..n_bins - 1``; see the gradient boosting
        estimators' binning). A split on one sends a set of categories left,
        the best cut of the node's categories ordered by mean target (Newton:
        by ``G / (H + l2_regularization)``). For squared error, and Newton
        without L2 penalty, that is the best of all subsets (Fisher 1958);
        with a penalty (or ``cat_smooth``) it is LightGBM's and scikit-learn's
        approximation of it. At predict time an integer code whose bit is
        clear goes right; values that are no code (NaN, negative, fractional,
        255 or more) go the way of the missing values. Criteria ``"newton"``,
        ``"squared_error"``, ``"friedman_mse"`` and ``"poisson"``, one output.
    cat_smooth : float, default=0.0
        Categorical splits: added to the denominator of the category keys
        (``G / (H + l2_regularization + cat_smooth)``, or the sum of the
        targets over the weight plus ``cat_smooth``), as LightGBM's
        ``cat_smooth``: small categories are ordered nearer the middle. 0
        gives the best subset.
    cat_min_support : int, default=1
        Categorical splits: categories with fewer samples in a node are not
        ordered there; they go right.
    hist_buffers : HistBuffers, default=None
        With ``splitter="hist"``: where the histogram buffers come from and go
        back to, so that trees grown one after another (boosting) reuse them
        instead of faulting in fresh memory for each. None: the tree's own.
    hist_ties_to_lowest_feature : bool, default=False
        With ``splitter="hist"``: when the best splits of several drawn
        features have the same score (they cut the node's samples the same
        way), split on the lowest feature index rather than the first drawn,
        as scikit-learn's HistGradientBoosting, LightGBM and XGBoost do. The
        tree then depends on ``seed`` only through the features drawn.

    Returns
    -------
    tree : Tree
        The fitted tree.
    """
    n_samples, n_features = X.shape
    if int(n_threads) != n_threads or n_threads < 1:
        raise ValueError(f"n_threads must be an integer >= 1; got {n_threads!r}.")
    if n_samples >= 2**32:
        raise ValueError("build_tree handles fewer than 2**32 samples.")
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    sample_weight = np.ascontiguousarray(sample_weight, dtype=np.float64)
    n_outputs = y.shape[1]
    newton = _newton_params(
        criterion,
        y,
        sample_weight,
        hessians,
        l2_regularization,
        l1_regularization,
        min_child_weight,
        monotonic_cst,
        n_features,
    )
    uplift = _uplift_params(
        criterion, y, treatment, n_reg, min_samples_treatment, normalization
    )
    if uplift:
        uplift["log_tables"] = log_tables
    source = criterion_source(
        criterion, y, sample_weight, n_classes, **newton, **uplift
    )
    categorical = _categorical_mask(categorical, criterion, splitter, bins,
                                    n_outputs, n_features)
    if not (cat_smooth >= 0.0 and int(cat_min_support) == cat_min_support >= 1):
        raise ValueError(
            "cat_smooth must be >= 0 and cat_min_support an integer >= 1; got "
            f"{cat_smooth!r} and {cat_min_support!r}."
        )
    if categorical is not None:
        if monotonic_cst is not None and np.any(
            np.asarray(monotonic_cst)[categorical.astype(bool)] != 0
        ):
            raise ValueError("a categorical feature cannot have a monotonic "
                             "constraint.")
        # The exact splitter has no categorical splits.
        hist_exact_below = 0
    samples = np.flatnonzero(sample_weight != 0.0).astype(np.intp, copy=False)
    # The node value is as wide as the criterion declares.
    tree = Tree(n_features, source.n_values, n_outputs)
    max_features = n_features if max_features is None else max_features
    if hist_ties_to_lowest_feature and splitter != "hist":
        raise ValueError(
            f"hist_ties_to_lowest_feature is for splitter='hist', not {splitter!r}."
        )
    if splitter == "hist":
        if criterion == "absolute_error":
            raise ValueError(
                "criterion='absolute_error' needs exact target order within a "
                "node; use splitter='best' or 'random', not 'hist'."
            )
        if bins is None:
            bins = bin_features(X, seed=seed)
        codes, thresholds, n_bins = bins[:3]
        sparse = issparse(X)
        if sparse:
            X = as_sorted_csc(X)
        elif not hist_exact_below:
            X = None  # not read
        elif not X.flags.f_contiguous or X.dtype != np.float32:
            X = np.asfortranarray(X, dtype=np.float32)
        split_finder = HistSplitter(
            source,
            _dense_part(X, n_features),
            samples,
            0,
            max_features,
            min_samples_leaf,
            min_weight_leaf,
            seed,
        )
        split_finder.set_bins(
            codes,
            thresholds,
            n_bins,
            subtract_histograms,
            exact_below=hist_exact_below,
            n_threads=n_threads,
            categorical=categorical,
            cat_smooth=cat_smooth,
            cat_min_support=cat_min_support,
            codes_by_feature=bins[3] if len(bins) > 3 else None,
            buffers=hist_buffers,
            ties_to_lowest_feature=hist_ties_to_lowest_feature,
        )
        if sparse:
            _set_csc(split_finder, X)
    else:
        sparse = issparse(X)
        if sparse:
            X = as_sorted_csc(X)
        elif not X.flags.f_contiguous or X.dtype != np.float32:
            X = np.asfortranarray(X, dtype=np.float32)
        split_finder = Splitter(
            source,
            _dense_part(X, n_features),
            samples,
            SPLITTERS[splitter],
            max_features,
            min_samples_leaf,
            min_weight_leaf,
            seed,
        )
        if sparse:
            _set_csc(split_finder, X)
    feature_groups = _feature_groups(interaction_cst, n_features)
    max_depth = np.iinfo(np.int32).max if max_depth is None else max_depth
    min_samples_split = max(min_samples_split, 2 * min_samples_leaf)
    if max_leaf_nodes is None:
        build_depth_first(
            tree,
            split_finder,
            min_samples_split,
            min_samples_leaf,
            min_weight_leaf,
            max_depth,
            min_impurity_decrease,
            sample_leaf,
            feature_groups,
        )
    else:
        build_best_first(
            tree,
            split_finder,
            min_samples_split,
            min_samples_leaf,
            min_weight_leaf,
            max_depth,
            min_impurity_decrease,
            max_leaf_nodes,
            sample_leaf,
            feature_groups,
        )
    return tree
