# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The gradient-boosting criterion ("newton") against a NumPy reference: the
split search over every feature and threshold, and whole trees grown depth
first and best first."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml._splitting import build_tree, criterion_source
from skml._splitting._criterion import KINDS, CriterionSource, _py_node_impurity

# --------------------------------------------------------------------------
# NumPy reference


def soft_threshold(g, l1):
    return np.sign(g) * np.maximum(np.abs(g) - l1, 0.0)


def score(g, h, w, l1, l2):
    """T(G)^2 / (H + l2) summed over outputs, for the weighted sums."""
    G = (w[:, None] * g).sum(axis=0)
    H = (w[:, None] * h).sum(axis=0)
    return float(np.sum(soft_threshold(G, l1) ** 2 / (H + l2)))


def leaf_value(g, h, w, l1, l2):
    G = (w[:, None] * g).sum(axis=0)
    H = (w[:, None] * h).sum(axis=0)
    return -soft_threshold(G, l1) / (H + l2)


def candidate_splits(x):
    """Every (go_left mask, threshold, missing_go_to_left) of one feature:
    thresholds midway between consecutive distinct non-missing values, missing
    values on either side, and the missing values alone on the right."""
    missing = np.isnan(x)
    values = np.unique(x[~missing]).astype(np.float64)
    for a, b in zip(values[:-1], values[1:]):
        t = a / 2.0 + b / 2.0
        yield (x <= t) & ~missing, t, False
        if missing.any():
            yield (x <= t) | missing, t, True
    if missing.any() and len(values):
        yield ~missing, np.inf, False


def best_split(X, g, h, w, *, l1=0.0, l2=0.0, min_child_weight=0.0, msl=1):
    """(gain, feature, threshold, go_left) of the best admissible split, or
    None; ties go to the lowest feature, then the first candidate."""
    parent = score(g, h, w, l1, l2)
    best = None
    for f in range(X.shape[1]):
        for left, t, _ in candidate_splits(X[:, f]):
            right = ~left
            if left.sum() < msl or right.sum() < msl:
                continue
            hl = (w[left, None] * h[left]).sum(axis=0)
            hr = (w[right, None] * h[right]).sum(axis=0)
            if (hl < min_child_weight).any() or (hr < min_child_weight).any():
                continue
            gain = (
                score(g[left], h[left], w[left], l1, l2)
                + score(g[right], h[right], w[right], l1, l2)
                - parent
            )
            if best is None or gain > best[0]:
                best = (gain, f, t, left)
    return best


def reference_leaves(X, g, h, w, *, max_depth=None, max_leaves=None, **params):
    """Leaves of the tree grown on (g, h): lists of sample indices, grown depth
    first to ``max_depth`` or best first to ``max_leaves``; a node is split when
    its best split has a positive gain."""
    max_depth = np.inf if max_depth is None else max_depth

    def split_of(rows, depth):
        if depth >= max_depth or len(rows) < 2:
            return None
        found = best_split(X[rows], g[rows], h[rows], w[rows], **params)
        if found is None or not found[0] > 0:
            return None
        return found[0], rows[found[3]], rows[~found[3]]

    root = np.arange(len(w))
    if max_leaves is None:
        leaves = []

        def grow(rows, depth):
            found = split_of(rows, depth)
            if found is None:
                leaves.append(rows)
            else:
                grow(found[1], depth + 1)
                grow(found[2], depth + 1)

        grow(root, 0)
        return leaves
    frontier = [(root, 0, split_of(root, 0))]
    leaves = []
    while frontier and len(leaves) + len(frontier) < max_leaves:
        splittable = [i for i, node in enumerate(frontier) if node[2] is not None]
        if not splittable:
            break
        i = max(splittable, key=lambda i: frontier[i][2][0])
        rows, depth, (_, left, right) = frontier.pop(i)
        for child in (left, right):
            frontier.append((child, depth + 1, split_of(child, depth + 1)))
    return leaves + [node[0] for node in frontier]


# --------------------------------------------------------------------------
# Helpers


PARAMS = [
    dict(),
    dict(l2=1.0),
    dict(l1=0.5, l2=0.3),
    dict(l2=0.5, min_child_weight=4.0),
]


def _data(rng, n=40, n_features=3, n_outputs=1, missing=False, integer=False):
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    if integer:
        X = np.round(X * 3).astype(np.float32)
    if missing:
        X[rng.rand(*X.shape) < 0.2] = np.nan
    g = rng.normal(size=(n, n_outputs)) + X[:, :1].astype(float)
    g[np.isnan(g)] = 1.5
    h = rng.uniform(0.2, 1.5, size=(n, n_outputs))
    w = rng.uniform(0.5, 2.0, size=n)
    return X, g, h, w


def _build(X, g, h, w, params, **kwargs):
    return build_tree(
        X,
        g,
        w,
        criterion="newton",
        hessians=h,
        l2_regularization=params.get("l2", 0.0),
        l1_regularization=params.get("l1", 0.0),
        min_child_weight=params.get("min_child_weight", 0.0),
        **kwargs,
    )


def _sides(tree, node, X):
    x = X[:, tree.feature[node]]
    return np.where(
        np.isnan(x), bool(tree.missing_go_to_left[node]), x <= tree.threshold[node]
    )


def _leaf_sets(tree, X):
    leaves = tree.apply(np.ascontiguousarray(X))
    return {frozenset(np.flatnonzero(leaves == leaf)) for leaf in np.unique(leaves)}


# --------------------------------------------------------------------------
# Tests


def test_newton_code_is_exported_once():
    assert KINDS["newton"] not in {KINDS[k] for k in KINDS if k != "newton"}, (
        "one code per criterion"
    )
    from skml._splitting import GRADIENT_CRITERIA

    assert GRADIENT_CRITERIA == {"newton": KINDS["newton"]}


def test_criterion_source_rejects_unknown_kind():
    w = np.ones(3)
    with pytest.raises(ValueError, match="Unknown criterion code"):
        CriterionSource(max(KINDS.values()) + 1, w, 1, 2, 2, rows=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="needs `rows`"):
        CriterionSource(KINDS["newton"], w, 1, 2, 2)
    with pytest.raises(ValueError, match="Unknown criterion"):
        build_tree(np.zeros((3, 1), np.float32), np.zeros(3), w, criterion="nope")


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("params", PARAMS)
def test_newton_node_value_and_impurity(n_outputs, params, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    _, g, h, w = _data(rng, n=30, n_outputs=n_outputs)
    source = criterion_source(
        "newton",
        g,
        w,
        hessians=h,
        l2_regularization=params.get("l2", 0.0),
        l1_regularization=params.get("l1", 0.0),
    )
    assert_array_equal(source.n_values, np.ones(n_outputs))
    samples = np.flatnonzero(rng.rand(30) < 0.6).astype(np.intp)
    l1, l2 = params.get("l1", 0.0), params.get("l2", 0.0)
    impurity, wn, value = _py_node_impurity(source, samples)
    gs, hs, ws = g[samples], h[samples], w[samples]
    assert_allclose(wn, ws.sum())
    assert_allclose(value, leaf_value(gs, hs, ws, l1, l2), rtol=1e-12)
    assert_allclose(impurity, -score(gs, hs, ws, l1, l2), rtol=1e-12)


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize("splitter", ["best", "hist"])
def test_newton_root_split_matches_brute_force(
    params, missing, splitter, global_random_seed
):
    # The hist splitter on integer features (one bin per value, every node on
    # histograms) has the candidates of the exact splitter; its thresholds are
    # the bin edges, midway between consecutive values as well.
    rng = np.random.RandomState(global_random_seed)
    X, g, h, w = _data(rng, missing=missing, integer=splitter == "hist")
    kwargs = dict(max_depth=1, min_samples_leaf=2)
    if splitter == "hist":
        kwargs.update(splitter="hist", hist_exact_below=0)
    tree = _build(X, g, h, w, params, **kwargs)
    expected = best_split(X, g, h, w, msl=2, **params)
    if expected is None or not expected[0] > 0:
        assert tree.node_count == 1
        return
    gain, feature, threshold, go_left = expected
    assert tree.node_count == 3
    left, right = tree.children_left[0], tree.children_right[0]
    imp = tree.impurity
    # Gain = S_left + S_right - S_parent, the impurity being -S.
    assert_allclose(imp[0] - imp[left] - imp[right], gain, rtol=1e-9, atol=1e-12)
    assert tree.feature[0] == feature
    assert_allclose(tree.threshold[0], threshold, rtol=1e-6)
    # Samples go where the tree says, NaN to the side of the best gain.
    assert_array_equal(_sides(tree, 0, X), go_left)
    l1, l2 = params.get("l1", 0.0), params.get("l2", 0.0)
    for child, mask in ((left, go_left), (right, ~go_left)):
        value = leaf_value(g[mask], h[mask], w[mask], l1, l2)
        assert_allclose(tree.value[child, :, 0], value, rtol=1e-9, atol=1e-12)
        assert_allclose(tree.weighted_n_node_samples[child], w[mask].sum())


def test_newton_min_child_weight_binds(global_random_seed):
    # A bound on the children's hessian sums that the unconstrained best split
    # violates: the constrained search gives another split.
    rng = np.random.RandomState(global_random_seed)
    X, g, h, w = _data(rng, n=60)
    free = best_split(X, g, h, w)
    H = (w[:, None] * h).sum()
    h_small = min(
        (w[free[3], None] * h[free[3]]).sum(), (w[~free[3], None] * h[~free[3]]).sum()
    )
    mcw = h_small * 1.01 + 1e-9
    params = dict(min_child_weight=mcw)
    tree = _build(X, g, h, w, params, max_depth=1)
    expected = best_split(X, g, h, w, **params)
    if expected is None or not expected[0] > 0:
        assert tree.node_count == 1 and mcw > 0.45 * H
        return
    go_left = _sides(tree, 0, X)
    assert_array_equal(go_left, expected[3])
    for mask in (go_left, ~go_left):
        assert (w[mask, None] * h[mask]).sum() >= mcw


def test_newton_large_l1_makes_a_single_leaf_of_value_zero(global_random_seed):
    # |G| <= l1 in every node: every soft-thresholded sum, hence every gain and
    # value, is zero, and no split of zero gain is made.
    rng = np.random.RandomState(global_random_seed)
    X, g, h, w = _data(rng)
    l1 = np.abs(w[:, None] * g).sum() + 1.0
    tree = _build(X, g, h, w, dict(l1=l1))
    assert tree.node_count == 1
    assert tree.value[0, 0, 0] == 0.0


@pytest.mark.parametrize("params", PARAMS[:3])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_newton_depth_first_tree_matches_reference(
    params, n_outputs, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, g, h, w = _data(rng, n=60, n_features=3, n_outputs=n_outputs, missing=True)
    tree = _build(X, g, h, w, params, max_depth=3, seed=global_random_seed)
    leaves = reference_leaves(X, g, h, w, max_depth=3, **params)
    assert _leaf_sets(tree, X) == {frozenset(rows) for rows in leaves}
    l1, l2 = params.get("l1", 0.0), params.get("l2", 0.0)
    leaf_ids = tree.apply(np.ascontiguousarray(X))
    for rows in leaves:
        assert_allclose(
            tree.value[leaf_ids[rows[0]], :, 0],
            leaf_value(g[rows], h[rows], w[rows], l1, l2),
            rtol=1e-9,
            atol=1e-12,
        )


@pytest.mark.parametrize("splitter", ["best", "hist"])
@pytest.mark.parametrize("max_leaf_nodes", [2, 5, 9])
def test_newton_best_first_tree_matches_reference(
    splitter, max_leaf_nodes, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, g, h, w = _data(rng, n=80, n_features=3, integer=splitter == "hist")
    params = dict(l2=0.5)
    kwargs = dict(max_leaf_nodes=max_leaf_nodes, seed=global_random_seed)
    if splitter == "hist":
        kwargs.update(splitter="hist", hist_exact_below=0)
    tree = _build(X, g, h, w, params, **kwargs)
    leaves = reference_leaves(X, g, h, w, max_leaves=max_leaf_nodes, **params)
    assert _leaf_sets(tree, X) == {frozenset(rows) for rows in leaves}


def test_newton_hist_grows_the_exact_tree(global_random_seed):
    # Every value has its bin: the same candidate partitions, so the same tree.
    rng = np.random.RandomState(global_random_seed)
    X, g, h, w = _data(rng, n=300, n_features=4, integer=True, missing=True)
    g, h, w = np.round(g * 4), np.round(h * 4) + 1, np.round(w)  # exact sums
    kwargs = dict(max_leaf_nodes=20, seed=global_random_seed)
    exact = _build(X, g, h, w, dict(l2=1.0), **kwargs)
    hist = _build(
        X, g, h, w, dict(l2=1.0), splitter="hist", hist_exact_below=0, **kwargs
    )
    assert _leaf_sets(hist, X) == _leaf_sets(exact, X)
    assert_array_equal(hist.feature, exact.feature)
    assert_allclose(hist.value, exact.value)


def test_newton_rejects_bad_inputs():
    X = np.zeros((4, 1), np.float32)
    g, h, w = np.ones(4), np.ones(4), np.ones(4)
    with pytest.raises(ValueError, match="needs hessians"):
        build_tree(X, g, w, criterion="newton")
    with pytest.raises(ValueError, match="not 'squared_error'"):
        build_tree(X, g, w, criterion="squared_error", hessians=h)
    with pytest.raises(ValueError, match="shape"):
        build_tree(X, g, w, criterion="newton", hessians=np.ones((4, 2)))
    with pytest.raises(ValueError, match="Hessians must be"):
        build_tree(X, g, w, criterion="newton", hessians=-h)
    with pytest.raises(ValueError, match="Hessians must be"):
        build_tree(X, g, w, criterion="newton", hessians=0 * h)
    # With l2 > 0, zero hessians are allowed.
    build_tree(X, g, w, criterion="newton", hessians=0 * h, l2_regularization=1.0)
    with pytest.raises(ValueError, match="l2_regularization"):
        build_tree(X, g, w, criterion="newton", hessians=h, l2_regularization=-1.0)
    with pytest.raises(ValueError, match="finite"):
        build_tree(X, np.full(4, np.nan), w, criterion="newton", hessians=h)


def _brute_force_monotone_root(X, g, h, cst, msl):
    # Best admissible root split under monotonic constraints (no penalty, the
    # root's bounds infinite, so nothing is clipped): (gain, feature, pos in
    # sorted order) of the largest S_left + S_right - S_parent among splits
    # whose left value -G_L / H_L is <= (cst +1) or >= (cst -1) the right's.
    G, H = g.sum(), h.sum()
    best = None
    for f in range(X.shape[1]):
        order = np.argsort(X[:, f], kind="stable")
        x, gs, hs = X[order, f], np.cumsum(g[order]), np.cumsum(h[order])
        for p in range(msl, len(x) - msl + 1):
            if x[p - 1] == x[p]:
                continue
            gl, hl = gs[p - 1], hs[p - 1]
            vl, vr = -gl / hl, -(G - gl) / (H - hl)
            if (cst[f] > 0 and vl > vr) or (cst[f] < 0 and vl < vr):
                continue
            gain = gl**2 / hl + (G - gl) ** 2 / (H - hl) - G**2 / H
            if best is None or gain > best[0]:
                best = (gain, f, (x[p - 1] + x[p]) / 2)
    return best


@pytest.mark.parametrize("splitter", ["best", "hist"])
def test_newton_monotonic_root_split_matches_brute_force(splitter, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X = rng.randint(0, 30, size=(200, 3)).astype(np.float32)
    g = rng.normal(size=200) + 0.5 * np.sin(X[:, 0])
    h = rng.uniform(0.5, 1.5, size=200)
    cst = np.array([1, -1, 0])
    kwargs = dict(splitter="hist", hist_exact_below=0) if splitter == "hist" else {}
    tree = build_tree(
        X,
        g,
        np.ones(200),
        criterion="newton",
        hessians=h,
        monotonic_cst=cst,
        max_depth=1,
        min_samples_leaf=5,
        **kwargs,
    )
    gain, feature, threshold = _brute_force_monotone_root(X, g, h, cst, 5)
    assert tree.feature[0] == feature
    assert_allclose(tree.threshold[0], threshold, rtol=1e-6)
    imp = tree.impurity
    left, right = tree.children_left[0], tree.children_right[0]
    assert_allclose(imp[0] - imp[left] - imp[right], gain, rtol=1e-9)


@pytest.mark.parametrize("splitter", ["best", "random", "hist"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 16])
def test_newton_monotonic_trees_are_monotone(
    splitter, max_leaf_nodes, global_random_seed
):
    # Every splitter and both builders: the tree's value is monotone in the
    # constrained features (brute force over a grid of each feature).
    rng = np.random.RandomState(global_random_seed)
    X = rng.uniform(-1, 1, size=(500, 3)).astype(np.float32)
    g = -(X[:, 0] - X[:, 1] + np.sin(8 * X[:, 0]) + rng.normal(size=500))
    h = np.ones(500)
    cst = [1, -1, 0]
    tree = build_tree(
        X,
        g,
        np.ones(500),
        criterion="newton",
        splitter=splitter,
        hessians=h,
        monotonic_cst=cst,
        max_depth=6,
        max_leaf_nodes=max_leaf_nodes,
        min_samples_leaf=3,
        l2_regularization=1.0,
    )
    assert tree.node_count > 7
    grid = np.linspace(-1.5, 1.5, 50, dtype=np.float32)
    for feature, sign in ((0, 1), (1, -1)):
        rows = np.repeat(X[:30], len(grid), axis=0)
        rows[:, feature] = np.tile(grid, 30)
        values = tree.predict(rows)[:, 0, 0].reshape(30, len(grid))
        assert np.all(np.diff(values, axis=1) * sign >= 0)


def test_newton_monotonic_cst_bad_input():
    X = np.zeros((4, 2), np.float32)
    g, h, w = np.arange(4.0), np.ones(4), np.ones(4)
    with pytest.raises(ValueError, match="one constraint per feature"):
        build_tree(X, g, w, criterion="newton", hessians=h, monotonic_cst=[1])
    with pytest.raises(ValueError, match="only -1, 0 or 1"):
        build_tree(X, g, w, criterion="newton", hessians=h, monotonic_cst=[3, 0])
    with pytest.raises(ValueError, match="is for criterion='newton'"):
        build_tree(X, g, w, criterion="squared_error", monotonic_cst=[1, 0])
    with pytest.raises(ValueError, match="single output"):
        build_tree(
            X,
            np.ones((4, 2)),
            w,
            criterion="newton",
            hessians=np.ones((4, 2)),
            monotonic_cst=[1, 0],
        )


@pytest.mark.parametrize("max_leaf_nodes", [5, 9])
def test_newton_unit_hessians_compact_histograms_match_reference(
    max_leaf_nodes, global_random_seed
):
    # Unit hessians and weights (the squared, absolute, huber and quantile
    # losses without sample weights): histograms keep (G, count) only, with
    # the hessian sum and the weight read as the count.
    rng = np.random.RandomState(global_random_seed)
    X, g, h, w = _data(rng, n=80, n_features=3, integer=True, missing=True)
    h, w = np.ones_like(h), np.ones_like(w)
    params = dict(l2=0.5, min_child_weight=3.0)
    tree = _build(
        X,
        g,
        h,
        w,
        params,
        max_leaf_nodes=max_leaf_nodes,
        splitter="hist",
        hist_exact_below=0,
        seed=global_random_seed,
    )
    leaves = reference_leaves(X, g, h, w, max_leaves=max_leaf_nodes, **params)
    assert _leaf_sets(tree, X) == {frozenset(rows) for rows in leaves}


@pytest.mark.parametrize("n_threads", [1, 2])
def test_newton_compact_histograms_grow_the_full_layout_tree(
    monkeypatch, n_threads, global_random_seed
):
    # Doubling every hessian, l2 and min_child_weight halves every proxy and
    # node value exactly (powers of two), so the tree of hessians 2 (full
    # histograms of four values per bin) is the tree of hessians 1 (compact
    # histograms of two) with values halved: the compact layout changes
    # nothing but the memory.
    import skml._splitting as splitting
    from skml._splitting._hist import HistSplitter

    made = []

    class RecordedHistSplitter(HistSplitter):
        def set_bins(self, *args, **kwargs):
            made.append(self)
            super().set_bins(*args, **kwargs)

    monkeypatch.setattr(splitting, "HistSplitter", RecordedHistSplitter)
    rng = np.random.RandomState(global_random_seed)
    X, g, _, _ = _data(rng, n=3000, n_features=5, missing=True)
    ones = np.ones((len(X), 1))
    kwargs = dict(
        splitter="hist",
        max_leaf_nodes=25,
        min_samples_leaf=7,
        n_threads=n_threads,
        seed=global_random_seed,
    )
    compact = _build(
        X, g, ones, ones[:, 0], dict(l2=0.5, min_child_weight=4.0), **kwargs
    )
    full = _build(
        X, g, 2 * ones, ones[:, 0], dict(l2=1.0, min_child_weight=8.0), **kwargs
    )
    for name in (
        "children_left",
        "children_right",
        "feature",
        "threshold",
        "missing_go_to_left",
        "n_node_samples",
    ):
        assert_array_equal(getattr(compact, name), getattr(full, name))
    assert compact.node_count > 20
    assert_array_equal(compact.value, 2 * full.value)
    # Bytes per histogram buffer: two values per bin, then four.
    bins = [s._py_pool_stats()[1] for s in made]
    assert bins[0] * 2 == bins[1]
