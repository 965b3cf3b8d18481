# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""NumPy references for the split-finding core: impurities and a brute-force
split search."""

import numpy as np
from scipy.special import xlogy


def impurity(criterion, y, w, n_classes=None):
    """Impurity of a node (closed form), averaged over outputs."""
    y = np.asarray(y, dtype=float).reshape(len(w), -1)
    wn = w.sum()
    values = []
    for o in range(y.shape[1]):
        if criterion in ("gini", "entropy", "log_loss"):
            counts = np.bincount(y[:, o].astype(int), weights=w, minlength=n_classes[o])
            p = counts / wn
            if criterion == "gini":
                values.append(1.0 - np.sum(p**2))
            else:
                p = p[p > 0]
                values.append(-np.sum(p * np.log2(p)))
        elif criterion == "poisson":
            mean = np.sum(w * y[:, o]) / wn
            values.append(np.sum(w * xlogy(y[:, o], y[:, o] / mean)) / wn)
        else:
            mean = np.sum(w * y[:, o]) / wn
            values.append(np.sum(w * (y[:, o] - mean) ** 2) / wn)
    return float(np.mean(values))


def best_split_improvement(
    criterion, X, y, w, n_classes=None, min_samples_leaf=1, min_weight_leaf=0.0
):
    """Largest weighted impurity decrease over every split of the root.

    Tries every feature, every threshold between consecutive distinct
    non-missing values, with missing values (NaN) on either side, and the split
    of the missing values alone on the right. Returns -inf if no split is valid.
    """
    n, n_features = X.shape
    keep = w != 0
    X, y, w = X[keep], np.asarray(y, dtype=float)[keep], w[keep]
    wn = w.sum()
    parent = impurity(criterion, y, w, n_classes)
    best = -np.inf
    for f in range(n_features):
        x = X[:, f]
        missing = np.isnan(x)
        values = np.unique(x[~missing])
        masks = [x <= t for t in values[:-1]]
        if missing.any():
            masks.append(~missing)  # non-missing left, missing right
            masks = masks + [(x <= t) | missing for t in values[:-1]]
        for left in masks:
            right = ~left
            if left.sum() < min_samples_leaf or right.sum() < min_samples_leaf:
                continue
            wl, wr = w[left].sum(), w[right].sum()
            if wl < min_weight_leaf or wr < min_weight_leaf or wl == 0 or wr == 0:
                continue
            if criterion == "poisson" and (
                np.sum(w[left] * y[left]) <= 0 or np.sum(w[right] * y[right]) <= 0
            ):
                continue
            imp_l = impurity(criterion, y[left], w[left], n_classes)
            imp_r = impurity(criterion, y[right], w[right], n_classes)
            best = max(best, parent - wl / wn * imp_l - wr / wn * imp_r)
    return best


# --------------------------------------------------------------------------
# Tests


import pytest  # noqa: E402
from numpy.testing import assert_allclose, assert_array_equal  # noqa: E402
from scipy.stats import kstest  # noqa: E402

from skml._splitting import build_tree, criterion_source  # noqa: E402
from skml._splitting._criterion import _py_node_impurity  # noqa: E402
from skml._splitting._partitioner import _py_sort_by_feature  # noqa: E402

CLASSIFICATION = ["gini", "entropy"]
REGRESSION = ["squared_error", "friedman_mse", "poisson"]


def _data(criterion, rng, n=40, n_features=3, n_outputs=1, n_classes=3):
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    if criterion in CLASSIFICATION:
        y = rng.randint(n_classes, size=(n, n_outputs)).astype(float)
        classes = np.array([len(np.unique(y[:, o])) for o in range(n_outputs)])
        for o in range(n_outputs):  # encode to 0..k-1
            y[:, o] = np.unique(y[:, o], return_inverse=True)[1]
        return X, y, classes
    y = rng.poisson(3.0, size=(n, n_outputs)).astype(float) + rng.rand(n, n_outputs)
    return X, y, None


def _root_improvement(tree):
    w = tree.weighted_n_node_samples
    imp = tree.impurity
    left, right = tree.children_left[0], tree.children_right[0]
    return (w[0] * imp[0] - w[left] * imp[left] - w[right] * imp[right]) / w[0]


@pytest.mark.parametrize("criterion", CLASSIFICATION + REGRESSION)
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_criterion_impurity_matches_closed_form(
    criterion, n_outputs, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _data(criterion, rng, n=30, n_outputs=n_outputs)
    w = rng.rand(30) + 0.1
    source = criterion_source(criterion, y, w, n_classes)
    samples = np.flatnonzero(rng.rand(30) < 0.6).astype(np.intp)
    value_expected = impurity(criterion, y[samples], w[samples], n_classes)
    got, wn, value = _py_node_impurity(source, samples)
    assert_allclose(got, value_expected, rtol=1e-12, atol=1e-12)
    assert_allclose(wn, w[samples].sum())
    if criterion in CLASSIFICATION:
        stride = n_classes.max()
        for o in range(n_outputs):
            counts = np.bincount(
                y[samples, o].astype(int), weights=w[samples], minlength=stride
            )
            assert_allclose(value[o * stride : (o + 1) * stride], counts / wn)
    else:
        assert_allclose(value, np.average(y[samples], axis=0, weights=w[samples]))


@pytest.mark.parametrize("criterion", CLASSIFICATION + REGRESSION)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("min_samples_leaf", [1, 4])
def test_best_split_matches_brute_force(
    criterion, weighted, min_samples_leaf, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _data(criterion, rng)
    w = rng.randint(0, 4, size=len(y)).astype(float) if weighted else np.ones(len(y))
    tree = build_tree(
        X,
        y,
        w,
        criterion=criterion,
        n_classes=n_classes,
        max_depth=1,
        min_samples_leaf=min_samples_leaf,
    )
    expected = best_split_improvement(
        criterion, X, y, w, n_classes, min_samples_leaf=min_samples_leaf
    )
    assert tree.node_count == 3
    assert_allclose(_root_improvement(tree), expected, rtol=1e-9, atol=1e-12)
    # The stored child impurities are those of the samples sent to each side.
    go_left = X[:, tree.feature[0]] <= tree.threshold[0]
    for child, mask in (
        (tree.children_left[0], go_left),
        (tree.children_right[0], ~go_left),
    ):
        mask = mask & (w != 0)
        assert tree.n_node_samples[child] == mask.sum()
        assert_allclose(tree.weighted_n_node_samples[child], w[mask].sum())
        assert_allclose(
            tree.impurity[child],
            impurity(criterion, y[mask], w[mask], n_classes),
            rtol=1e-9,
            atol=1e-12,
        )


@pytest.mark.parametrize("criterion", ["gini", "squared_error"])
def test_best_split_min_weight_leaf_matches_brute_force(criterion, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _data(criterion, rng)
    w = rng.rand(len(y)) * 3
    min_weight_leaf = 0.3 * w.sum()
    tree = build_tree(
        X,
        y,
        w,
        criterion=criterion,
        n_classes=n_classes,
        max_depth=1,
        min_weight_leaf=min_weight_leaf,
    )
    expected = best_split_improvement(
        criterion, X, y, w, n_classes, min_weight_leaf=min_weight_leaf
    )
    assert_allclose(_root_improvement(tree), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("criterion", CLASSIFICATION + REGRESSION)
def test_best_split_with_missing_values_matches_brute_force(
    criterion, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _data(criterion, rng)
    X[rng.rand(*X.shape) < 0.2] = np.nan
    w = rng.rand(len(y)) + 0.5
    tree = build_tree(X, y, w, criterion=criterion, n_classes=n_classes, max_depth=1)
    expected = best_split_improvement(criterion, X, y, w, n_classes)
    assert_allclose(_root_improvement(tree), expected, rtol=1e-9, atol=1e-12)
    # Samples are sent where the tree says, NaN included.
    x = X[:, tree.feature[0]]
    go_left = np.where(
        np.isnan(x), bool(tree.missing_go_to_left[0]), x <= tree.threshold[0]
    )
    assert tree.n_node_samples[tree.children_left[0]] == go_left.sum()


def test_missing_values_alone_on_the_right():
    # Only the missingness of feature 0 explains y.
    X = np.array([[0.0], [1.0], [2.0], [np.nan], [np.nan], [3.0]], dtype=np.float32)
    y = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [0.0]])
    tree = build_tree(X, y, np.ones(6), criterion="gini", n_classes=[2])
    assert tree.node_count == 3
    assert tree.threshold[0] == np.inf
    assert not tree.missing_go_to_left[0]
    leaves = tree.apply(np.array([[np.nan], [5.0]], dtype=np.float32))
    assert_allclose(tree.value[leaves, 0, 1], [1.0, 0.0])


@pytest.mark.parametrize("n", [0, 1, 5, 47, 48, 200, 3000])
def test_sort_by_feature(n, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    column = rng.normal(size=n + 10).astype(np.float32)
    column[rng.rand(n + 10) < 0.1] = np.nan
    column[rng.rand(n + 10) < 0.1] = -0.0
    column[:3] = [np.inf, -np.inf, 0.0][: min(3, n + 10)]
    samples = rng.permutation(n + 10)[:n].astype(np.intp)
    original = samples.copy()
    values, n_missing = _py_sort_by_feature(column, samples)
    assert sorted(samples) == sorted(original)
    assert_array_equal(values, column[samples])
    assert n_missing == np.isnan(column[original]).sum()
    finite = values[: n - n_missing]
    assert np.all(np.diff(finite) >= 0)
    assert np.isnan(values[n - n_missing :]).all()


@pytest.mark.parametrize("criterion", CLASSIFICATION + REGRESSION)
def test_random_split_is_one_of_the_candidates(criterion, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _data(criterion, rng)
    tree = build_tree(
        X,
        y,
        np.ones(len(y)),
        criterion=criterion,
        splitter="random",
        n_classes=n_classes,
        max_depth=1,
        seed=global_random_seed,
    )
    f, t = tree.feature[0], tree.threshold[0]
    assert X[:, f].min() <= t < X[:, f].max()
    # Its improvement cannot beat the best split's.
    best = best_split_improvement(criterion, X, y, np.ones(len(y)), n_classes)
    assert _root_improvement(tree) <= best + 1e-12


@pytest.mark.parametrize("criterion", ["gini", "squared_error"])
def test_random_split_improvement_is_that_of_its_threshold(
    criterion, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _data(criterion, rng)
    w = rng.rand(len(y)) + 0.5
    tree = build_tree(
        X,
        y,
        w,
        criterion=criterion,
        splitter="random",
        n_classes=n_classes,
        max_depth=1,
        seed=global_random_seed,
    )
    f, t = tree.feature[0], tree.threshold[0]
    left = X[:, f] <= t
    wl, wr = w[left].sum() / w.sum(), w[~left].sum() / w.sum()
    expected = (
        impurity(criterion, y, w, n_classes)
        - wl * impurity(criterion, y[left], w[left], n_classes)
        - wr * impurity(criterion, y[~left], w[~left], n_classes)
    )
    assert_allclose(_root_improvement(tree), expected, rtol=1e-9, atol=1e-12)


def test_random_split_threshold_is_uniform_between_min_and_max(global_random_seed):
    # One feature: the threshold is drawn uniformly on [min, max) of the node
    # (not the best split: that would be one fixed threshold).
    rng = np.random.RandomState(global_random_seed)
    X = rng.rand(50, 1).astype(np.float32)
    y = rng.rand(50, 1)
    lo, hi = float(X.min()), float(X.max())
    seeds = global_random_seed * 300 + np.arange(300)
    t = np.array(
        [
            build_tree(
                X,
                y,
                np.ones(50),
                criterion="squared_error",
                splitter="random",
                max_depth=1,
                seed=s,
            ).threshold[0]
            for s in seeds
        ]
    )
    assert kstest((t - lo) / (hi - lo), "uniform").pvalue > 1e-3


# Histogram split finder ---------------------------------------------------


def _integer_data(criterion, rng, n=60, n_features=4, missing=False):
    X, y, n_classes = _data(criterion, rng, n=n, n_features=n_features)
    X = np.round(X * 3).astype(np.float32)  # few distinct values: one bin each
    if missing:
        X[rng.rand(*X.shape) < 0.2] = np.nan
    return X, y, n_classes


@pytest.mark.parametrize("criterion", CLASSIFICATION + REGRESSION)
@pytest.mark.parametrize("missing", [False, True])
def test_hist_split_matches_brute_force(criterion, missing, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _integer_data(criterion, rng, missing=missing)
    w = rng.randint(0, 4, size=len(y)).astype(float)
    tree = build_tree(
        X,
        y,
        w,
        criterion=criterion,
        splitter="hist",
        hist_exact_below=0,  # histograms at every node
        n_classes=n_classes,
        max_depth=1,
        min_samples_leaf=2,
    )
    expected = best_split_improvement(criterion, X, y, w, n_classes, min_samples_leaf=2)
    assert_allclose(_root_improvement(tree), expected, rtol=1e-9, atol=1e-12)


def test_bin_features(global_random_seed):
    from skml._splitting import bin_features

    rng = np.random.RandomState(global_random_seed)
    X = np.column_stack(
        [rng.normal(size=1000), rng.randint(5, size=1000), np.full(1000, 2.0)]
    ).astype(np.float32)
    X[rng.rand(1000) < 0.1, 0] = np.nan
    codes, thresholds, n_bins = bin_features(X, max_bins=255)
    assert codes.dtype == np.uint8 and codes.flags.c_contiguous
    assert n_bins[0] == 255 and n_bins[1] == 5 and n_bins[2] == 1
    missing = np.isnan(X[:, 0])
    assert_array_equal(codes[missing, 0], 255)
    for f in range(3):
        x, c = X[~np.isnan(X[:, f]), f], codes[~np.isnan(X[:, f]), f]
        edges = thresholds[f, : n_bins[f] - 1]
        assert np.all(np.diff(edges) > 0)
        # x <= edges[b] exactly when code <= b.
        for b in range(n_bins[f] - 1):
            assert_array_equal(x <= edges[b], c <= b)
    # The documented edges: midpoints of the distinct values when there are at
    # most 255 of them, else the 1/255 .. 254/255 quantiles (averaged inverted CDF,
    # the rule of scikit-learn's HGB).
    assert_array_equal(thresholds[1, :4], [0.5, 1.5, 2.5, 3.5])
    quantiles = np.percentile(
        X[~missing, 0].astype(np.float64),
        np.linspace(0, 100, 256)[1:-1],
        method="averaged_inverted_cdf",
    )
    assert_allclose(thresholds[0, :254], quantiles, rtol=1e-12)
    assert np.all(np.isinf(thresholds[0, 254:]))
    # Quantile bins hold 1/255 of the values each (up to rounding of ranks).
    counts = np.bincount(codes[~missing, 0], minlength=255)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_bin_features_codes_match_searchsorted(dtype, order, global_random_seed):
    # The compiled mapping against NumPy's searchsorted on the float64 values,
    # for any layout, dtype and thread count; the edges against np.percentile
    # and the midpoints of the distinct values.
    from skml._splitting import bin_features

    rng = np.random.RandomState(global_random_seed)
    n = 3001
    X = np.column_stack(
        [
            rng.normal(size=n),
            rng.exponential(size=n) ** 3,
            rng.randint(7, size=n),
            np.round(rng.normal(size=n), 1),
            np.full(n, np.nan),
            np.full(n, -1.5),
        ]
    )
    X[rng.rand(n, 6) < 0.05] = np.nan
    X = np.asarray(X, dtype=dtype, order=order)
    codes, thresholds, n_bins = bin_features(X, n_threads=2)
    codes_1, thresholds_1, n_bins_1 = bin_features(X, n_threads=1)
    assert_array_equal(codes, codes_1)
    assert_array_equal(thresholds, thresholds_1)
    assert_array_equal(n_bins, n_bins_1)
    for f in range(X.shape[1]):
        column = X[:, f].astype(np.float64)
        edges = thresholds[f, : n_bins[f] - 1]
        values = column[~np.isnan(column)]
        distinct = np.unique(values)
        if len(distinct) > 255:
            expected = np.percentile(
                values, np.linspace(0, 100, 256)[1:-1], method="averaged_inverted_cdf"
            )
            assert_allclose(edges, np.unique(expected), rtol=1e-12)
        else:
            assert_array_equal(edges, (distinct[1:] + distinct[:-1]) / 2)
        expected_codes = np.searchsorted(edges, column, side="left")
        expected_codes[np.isnan(column)] = 255
        assert_array_equal(codes[:, f], expected_codes)


@pytest.mark.parametrize("criterion", ["gini", "entropy", "squared_error"])
def test_hist_grows_the_exact_tree_when_every_value_has_its_bin(
    criterion, global_random_seed
):
    # With at most 255 distinct values per feature, the candidate partitions
    # are those of the exact splitter; only the thresholds differ (bin edges).
    rng = np.random.RandomState(global_random_seed)
    X, y, n_classes = _integer_data(criterion, rng, n=300, n_features=5)
    if criterion == "squared_error":
        y = np.round(y)  # exact sums: ties resolve alike
    kwargs = dict(criterion=criterion, n_classes=n_classes, seed=global_random_seed)
    exact = build_tree(X, y, np.ones(len(y)), **kwargs)
    hist = build_tree(
        X, y, np.ones(len(y)), splitter="hist", hist_exact_below=0, **kwargs
    )
    assert hist.node_count == exact.node_count
    for name in ("children_left", "feature", "n_node_samples"):
        assert_array_equal(getattr(hist, name), getattr(exact, name))
    assert_allclose(hist.value, exact.value)
    Xc = np.ascontiguousarray(X)
    assert_array_equal(hist.apply(Xc), exact.apply(Xc))


def _subtraction_data(criterion, rng, n=2000):
    X, y, n_classes = _data(criterion, rng, n=n, n_features=6)
    X[rng.rand(*X.shape) < 0.05] = np.nan
    # Integer targets and weights: sums are exact in either order, so no
    # near-tie between candidate splits can resolve differently. Weight-zero
    # samples are left out of the tree.
    y = np.round(y)
    w = rng.randint(0, 3, size=len(y)).astype(float)
    return X, y, w, n_classes


def _assert_same_tree(a, b):
    assert a.node_count == b.node_count
    for name in (
        "children_left",
        "children_right",
        "feature",
        "threshold",
        "missing_go_to_left",
        "n_node_samples",
    ):
        assert_array_equal(getattr(a, name), getattr(b, name))
    assert_allclose(a.impurity, b.impurity)
    assert_allclose(a.value, b.value)


@pytest.mark.parametrize("criterion", ["gini", "entropy", "squared_error", "poisson"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 2, 3, 17, 100, 100_000])
def test_hist_subtraction_gives_the_same_tree(
    criterion, max_leaf_nodes, global_random_seed
):
    # Depth first (None) and best first; 100_000 is more leaves than the data
    # allows, so every frontier node is split or found a leaf.
    rng = np.random.RandomState(global_random_seed)
    X, y, w, n_classes = _subtraction_data(criterion, rng)
    kwargs = dict(
        criterion=criterion,
        splitter="hist",
        hist_exact_below=0,  # histograms at every node
        n_classes=n_classes,
        max_depth=8 if max_leaf_nodes is None else None,
        max_leaf_nodes=max_leaf_nodes,
        min_samples_leaf=3,
    )
    a = build_tree(X, y, w, **kwargs)
    b = build_tree(X, y, w, subtract_histograms=False, **kwargs)
    _assert_same_tree(a, b)
    if max_leaf_nodes is not None:
        assert a.n_leaves <= max_leaf_nodes
        if max_leaf_nodes == 100_000:
            assert a.n_leaves < max_leaf_nodes


@pytest.mark.parametrize("criterion", ["gini", "squared_error"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 5, 40])
@pytest.mark.parametrize("budget", [None, 1, 4])
def test_hist_subtraction_pool_is_bounded_and_released(
    monkeypatch, criterion, max_leaf_nodes, budget, global_random_seed
):
    # The histogram pool holds one buffer per pending node (best first: at most
    # the frontier plus one), never more than the budget allows (``budget``
    # buffers; 1 is raised to the minimum of 2, evicting all the time), and
    # holds nothing once the tree is grown. Evictions do not change the tree.
    import skml._splitting as splitting
    from skml._splitting._hist import HistSplitter

    made = []

    class RecordedHistSplitter(HistSplitter):
        def set_bins(self, codes, thresholds, n_bins, subtract, **kwargs):
            made.append(self)
            super().set_bins(codes, thresholds, n_bins, subtract, **kwargs)
            if budget is not None:  # again, now that the buffer size is known
                slot_bytes = self._py_pool_stats()[1]
                super().set_bins(
                    codes,
                    thresholds,
                    n_bins,
                    subtract,
                    max_pool_bytes=budget * slot_bytes,
                    **kwargs,
                )

    rng = np.random.RandomState(global_random_seed)
    X, y, w, n_classes = _subtraction_data(criterion, rng)
    kwargs = dict(
        criterion=criterion,
        splitter="hist",
        hist_exact_below=0,  # histograms at every node
        n_classes=n_classes,
        max_depth=8 if max_leaf_nodes is None else None,
        max_leaf_nodes=max_leaf_nodes,
    )
    expected = build_tree(X, y, w, subtract_histograms=False, **kwargs)
    monkeypatch.setattr(splitting, "HistSplitter", RecordedHistSplitter)
    tree = build_tree(X, y, w, **kwargs)
    _assert_same_tree(tree, expected)
    n_slots, slot_bytes, kept = made[0]._py_pool_stats()
    assert kept == 0
    if max_leaf_nodes is None:
        # Depth first: the right children pending on the path, plus one.
        assert n_slots <= 8 + 1
    else:
        assert n_slots <= max_leaf_nodes + 1
    if budget is not None:
        assert n_slots <= max(budget, 2)


def test_hist_shared_codes_by_feature(global_random_seed):
    # The transposed codes of with_codes_by_feature, shared by many trees, are
    # what the partition reads: the same trees as codes transposed per tree;
    # wrong-shaped ones are refused.
    from skml._splitting import bin_features, with_codes_by_feature
    from skml._splitting._hist import HistSplitter

    rng = np.random.RandomState(global_random_seed)
    X, y, w, n_classes = _subtraction_data("squared_error", rng)
    bins = bin_features(X)
    shared = with_codes_by_feature(bins)
    assert shared[3].flags.c_contiguous
    assert_array_equal(shared[3], bins[0].T)
    kwargs = dict(criterion="squared_error", splitter="hist", max_leaf_nodes=20)
    for seed in range(3):
        _assert_same_tree(
            build_tree(X, y, w, bins=shared, seed=seed, **kwargs),
            build_tree(X, y, w, bins=bins, seed=seed, **kwargs),
        )
    source = criterion_source("squared_error", y, w)
    samples = np.arange(len(X))
    splitter = HistSplitter(source, np.asfortranarray(X), samples, 0, 6, 1, 0.0, 0)
    with pytest.raises(ValueError, match="codes_by_feature must be codes.T"):
        wrong = np.ascontiguousarray(shared[3][:, :-1])
        splitter.set_bins(*bins, True, codes_by_feature=wrong)
    # A refused argument of the constructor is an error, not a crash in the
    # release of the half-made splitter.
    with pytest.raises(ValueError, match="Fortran contiguous"):
        HistSplitter(source, np.ascontiguousarray(X), samples, 0, 6, 1, 0.0, 0)


def test_hist_buffers_are_reused_across_trees(global_random_seed):
    # Trees grown one after another with one HistBuffers take their histogram
    # buffers from it and give them back: the same trees as with their own
    # buffers, and no more buffers kept than one tree uses. Trees of other
    # histogram sizes (fewer, then more features) take what is large enough.
    from skml._splitting import HistBuffers, bin_features

    rng = np.random.RandomState(global_random_seed)
    X, y, w, n_classes = _subtraction_data("squared_error", rng)
    kwargs = dict(criterion="squared_error", splitter="hist", max_leaf_nodes=20)
    buffers = HistBuffers()
    kept = []
    for n_features in (6, 6, 3, 6):
        Xf = np.asfortranarray(X[:, :n_features])
        bins = bin_features(Xf)
        for seed in range(2):
            expected = build_tree(Xf, y, w, bins=bins, seed=seed, **kwargs)
            tree = build_tree(
                Xf, y, w, bins=bins, seed=seed, hist_buffers=buffers, **kwargs
            )
            _assert_same_tree(tree, expected)
            kept.append(len(buffers))
    assert kept[0] > 0
    # The pool of one tree: at most the frontier plus one (best first).
    assert max(kept) <= 20 + 1
    # Trees of the same size reuse what the first kept.
    assert kept[1] == kept[0]


# Histogram splitter with exact splits of small nodes ------------------------


@pytest.mark.parametrize("criterion", ["gini", "squared_error"])
@pytest.mark.parametrize("sparse", [False, True])
def test_hist_with_every_node_exact_is_the_exact_tree(
    criterion, sparse, global_random_seed
):
    import scipy.sparse as sp

    rng = np.random.RandomState(global_random_seed)
    X, y, w, n_classes = _subtraction_data(criterion, rng, n=500)
    X = sp.csc_matrix(np.nan_to_num(X)) if sparse else X
    kwargs = dict(criterion=criterion, n_classes=n_classes, seed=global_random_seed)
    exact = build_tree(X, y, w, **kwargs)
    hist = build_tree(X, y, w, splitter="hist", hist_exact_below=10**6, **kwargs)
    _assert_same_tree(hist, exact)


@pytest.mark.parametrize("criterion", ["gini", "squared_error"])
def test_hist_splits_small_nodes_exactly(criterion, global_random_seed):
    # Below hist_exact_below samples a node gets the brute-force best split of
    # its own samples; above, its threshold is a bin edge.
    from skml._splitting import bin_features

    rng = np.random.RandomState(global_random_seed)
    X, y, w, n_classes = _subtraction_data(criterion, rng, n=600)
    X = np.round(X, 2).astype(np.float32)  # ties: bins hold several values
    codes, edges, n_bins = bin_features(X, max_bins=16)
    tree = build_tree(
        X,
        y,
        w,
        criterion=criterion,
        n_classes=n_classes,
        splitter="hist",
        bins=(codes, edges, n_bins),
        hist_exact_below=120,
        max_depth=6,
    )
    paths = tree.decision_path(X).tocsc()
    n_small = 0
    for node in range(tree.node_count):
        if tree.children_left[node] < 0:
            continue
        f, t = tree.feature[node], tree.threshold[node]
        if tree.n_node_samples[node] >= 120:
            assert t in set(edges[f, : n_bins[f] - 1]) or t == np.inf
            continue
        n_small += 1
        rows = paths[:, node].nonzero()[0]
        rows = rows[w[rows] != 0]
        Xn, yn, wn = X[rows], y[rows], w[rows]
        left, right = tree.children_left[node], tree.children_right[node]
        got = (
            tree.impurity[node]
            - tree.weighted_n_node_samples[left] / wn.sum() * tree.impurity[left]
            - tree.weighted_n_node_samples[right] / wn.sum() * tree.impurity[right]
        )
        expected = best_split_improvement(criterion, Xn, yn, wn, n_classes)
        assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    assert n_small > 0
