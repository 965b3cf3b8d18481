# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift trees: the criteria against a brute-force NumPy split search, effect
recovery, honesty, export and bad input."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml._splitting._criterion import _py_log_tables, _py_proxies
from skml.datasets import make_uplift_classification, make_uplift_regression
from skml.uplift import UpliftTreeClassifier, UpliftTreeRegressor, export_text

CLASSIFIER_CRITERIA = ["KL", "ED", "Chi", "CTS", "DDP"]


# ---------------------------------------------------------------- brute force


def _means(n, s, target, n_reg, mst):
    # Regularised group means of a node (target None: the raw means).
    if target is None:
        return np.where(n > 0, s / np.where(n > 0, n, 1), 0.0)
    return np.where(n > mst, (s + n_reg * target) / (n + n_reg), target)


def _kl(p, q):
    if q == 0:
        return 0.0
    q = min(max(q, 1e-6), 1 - 1e-6)
    if p == 0:
        return -np.log(1 - q)
    if p == 1:
        return -np.log(q)
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def _divergence(criterion, m):
    pc = m[0]
    if criterion == "CTS":
        return m.max()
    total = 0.0
    for p in m[1:]:
        d = p - pc
        if criterion == "KL":
            total += _kl(p, pc)
        elif criterion == "ED":
            total += 2 * d * d
        elif criterion == "Chi":
            total += d * d / max(pc, 1e-6) + d * d / max(1 - pc, 1e-6)
        else:
            total += d * d
    return total


def _h(p, q):
    return -p * np.log(q) if q > 0 else 0.0


def _norm(n, n_right):
    # Rzepakowski-Jaroszewicz normalisation (causalml's form), control at 0.
    n_c, n_c_r = n[0], n_right[0]
    n_t, n_t_r = n[1:].sum(), n_right[1:].sum()
    tot = n_t + n_c
    pc_a = n_c_r / (n_c + 0.1)
    out = 0.9 * _h(n_t / tot, n_c / tot) * _kl(n_t_r / (n_t + 0.1), pc_a)
    for g in range(1, len(n)):
        p_g = n_right[g] / (n[g] + 0.1)
        out += 0.1 * _h(n[g] / (n[g] + n_c), n_c / (n[g] + n_c)) * _kl(p_g, pc_a)
        out += n[g] / tot * _h(p_g, p_g)
    return out + n_c / tot * _h(pc_a, pc_a) + 0.5


def _gain(criterion, nN, sN, nL, sL, target, n_reg, mst, normalization):
    mN = _means(nN, sN, target, n_reg, mst)
    nR, sR = nN - nL, sN - sL
    mL = _means(nL, sL, mN, n_reg, mst)
    mR = _means(nR, sR, mN, n_reg, mst)
    pl = nL.sum() / nN.sum()
    if criterion in ("DDP", "squared_effect"):
        d = (mL[1:] - mL[0]) - (mR[1:] - mR[0])
        if criterion == "DDP":
            return abs(d.sum())
        return pl * (1 - pl) * (d * d).sum()
    gain = (
        pl * _divergence(criterion, mL)
        + (1 - pl) * _divergence(criterion, mR)
        - _divergence(criterion, mN)
    )
    if normalization and criterion != "CTS":
        gain /= _norm(nN, nR)
    return gain


def _stats(y, g, rows, n_groups):
    n = np.bincount(g[rows], minlength=n_groups).astype(float)
    s = np.bincount(g[rows], weights=y[rows], minlength=n_groups)
    return n, s


def _best_split(X, y, g, rows, n_groups, target, params):
    """(gain, feature, threshold, left rows, right rows) of the best split."""
    crit, n_reg, mst, msl, norm = params
    nN, sN = _stats(y, g, rows, n_groups)
    best = (-np.inf, None, None, None, None)
    for f in range(X.shape[1]):
        order = rows[np.argsort(X[rows, f], kind="stable")]
        v = X[order, f]
        for p in range(msl, len(order) - msl + 1):
            if p == 0 or p == len(order) or v[p] == v[p - 1]:
                continue
            nL, sL = _stats(y, g, order[:p], n_groups)
            if (nL < mst).any() or (nN - nL < mst).any():
                continue
            gain = _gain(crit, nN, sN, nL, sL, target, n_reg, mst, norm)
            if gain > best[0]:
                thr = np.float64(v[p - 1]) / 2 + np.float64(v[p]) / 2
                best = (gain, f, thr, order[:p], order[p:])
    return best, _means(nN, sN, target, n_reg, mst)


def _assert_matches_brute_force(est, X, y, g, n_groups, params, depth):
    """Walk the fitted tree and check every node against the brute-force search.

    Each split must reach the brute-force best gain, at a midpoint of consecutive
    distinct values; each leaf must be a node where no admissible split has a
    positive gain (or the depth limit), with the brute-force leaf means. The
    split itself is not compared: between candidates with exactly equal gains,
    the splitter's random feature order decides (as in scikit-learn), while the
    brute force keeps the first.
    """
    tree = est.tree_
    crit, n_reg, mst, msl, norm = params

    def walk(node, rows, target, d):
        (gain, f, _, _, _), means = _best_split(X, y, g, rows, n_groups, target, params)
        nN, sN = _stats(y, g, rows, n_groups)
        if tree.children_left[node] == -1:
            assert d == depth or f is None or not gain > 0
            expected = np.where(nN > 0, sN / np.where(nN > 0, nN, 1), means)
            assert_allclose(
                tree.value[node, 0, :n_groups], expected, rtol=1e-12, atol=1e-12
            )
            return
        assert d < depth and f is not None and gain > 0
        feature, threshold = tree.feature[node], tree.threshold[node]
        values = np.unique(X[rows, feature])
        midpoints = values[:-1] / 2 + values[1:] / 2
        assert np.isclose(midpoints, threshold, rtol=1e-12, atol=1e-12).any()
        go_left = X[rows, feature] <= threshold
        nL, sL = _stats(y, g, rows[go_left], n_groups)
        assert go_left.sum() >= msl and (~go_left).sum() >= msl
        assert (nL >= mst).all() and (nN - nL >= mst).all()
        ours = _gain(crit, nN, sN, nL, sL, target, n_reg, mst, norm)
        assert_allclose(ours, gain, rtol=1e-12, atol=1e-15)
        walk(tree.children_left[node], rows[go_left], means, d + 1)
        walk(tree.children_right[node], rows[~go_left], means, d + 1)

    walk(0, np.arange(len(y)), None, 0)


def _small(seed, n_groups=2, n=90, binary=True):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32).astype(np.float64)
    g = np.arange(n) % n_groups
    rng.shuffle(g)
    score = X[:, 0] + (X[:, 1] > 0) * g + rng.normal(size=n)
    y = (score > 0.3).astype(float) if binary else score
    return X, y, g


# ---------------------------------------------------------------- criteria


@pytest.mark.parametrize("criterion", CLASSIFIER_CRITERIA)
@pytest.mark.parametrize("n_groups", [2, 3])
@pytest.mark.parametrize("normalization", [True, False])
def test_classifier_matches_brute_force(
    criterion, n_groups, normalization, global_random_seed
):
    X, y, g = _small(global_random_seed, n_groups)
    params = (criterion, 5.0, 3, 8, normalization)
    est = UpliftTreeClassifier(
        criterion=criterion,
        max_depth=2,
        min_samples_leaf=8,
        min_samples_treatment=3,
        n_reg=5.0,
        normalization=normalization,
        random_state=global_random_seed,
    ).fit(X, y, treatment=g)
    _assert_matches_brute_force(est, X, y, g, n_groups, params, 2)


@pytest.mark.parametrize("n_groups", [2, 3])
def test_regressor_matches_brute_force(n_groups, global_random_seed):
    X, y, g = _small(global_random_seed, n_groups, binary=False)
    params = ("squared_effect", 4.0, 2, 6, False)
    est = UpliftTreeRegressor(
        max_depth=2,
        min_samples_leaf=6,
        min_samples_treatment=2,
        n_reg=4.0,
        random_state=global_random_seed,
    ).fit(X, y, treatment=g)
    _assert_matches_brute_force(est, X, y, g, n_groups, params, 2)


@pytest.mark.parametrize("criterion", ["KL", "ED", "DDP"])
def test_hist_splitter_matches_exact_on_few_values(criterion, global_random_seed):
    # With fewer distinct values than bins, the histogram splitter sees every
    # threshold the exact one does.
    rng = np.random.RandomState(global_random_seed)
    X = rng.randint(0, 20, size=(600, 4)).astype(float)
    g = rng.randint(0, 2, 600)
    y = ((X[:, 0] > 9) * g + rng.uniform(size=600) > 0.7).astype(float)
    params = dict(criterion=criterion, max_depth=3, min_samples_leaf=20, random_state=0)
    exact = UpliftTreeClassifier(splitter="best", **params).fit(X, y, treatment=g)
    hist = UpliftTreeClassifier(splitter="hist", **params).fit(X, y, treatment=g)
    assert_array_equal(exact.tree_.feature, hist.tree_.feature)
    assert_allclose(exact.tree_.threshold, hist.tree_.threshold)
    assert_allclose(exact.predict(X), hist.predict(X))


# ---------------------------------------------------------------- behaviour


@pytest.mark.parametrize("criterion", CLASSIFIER_CRITERIA)
def test_classifier_recovers_effect(criterion, global_random_seed):
    X, y, t, tau = make_uplift_classification(
        n_samples=4000, random_state=global_random_seed
    )
    est = UpliftTreeClassifier(criterion=criterion, random_state=0)
    pred = est.fit(X, y, treatment=t).predict(X)
    assert np.corrcoef(pred, tau)[0, 1] > 0.3


def test_regressor_recovers_effect(global_random_seed):
    X, y, t, tau = make_uplift_regression(
        n_samples=4000, n_treatments=2, random_state=global_random_seed
    )
    pred = UpliftTreeRegressor(random_state=0).fit(X, y, treatment=t).predict(X)
    assert pred.shape == (4000, 2)
    for k in range(2):
        assert np.corrcoef(pred[:, k], tau[:, k])[0, 1] > 0.6


def test_predict_is_treated_minus_control_leaf_mean(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=1500, n_treatments=2, random_state=global_random_seed
    )
    est = UpliftTreeClassifier(max_depth=2, random_state=0).fit(X, y, treatment=t)
    leaves = est.apply(X)
    outcomes = est.predict_outcomes(X)
    for leaf in np.unique(leaves):
        rows = leaves == leaf
        for k in range(3):
            assert_allclose(outcomes[rows, k], y[rows & (t == k)].mean())
    assert_allclose(est.predict(X), outcomes[:, 1:] - outcomes[:, :1])


def test_honesty_estimates_leaves_on_other_rows(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=2000, random_state=global_random_seed
    )
    est = UpliftTreeClassifier(
        max_depth=2, honesty=True, estimation_fraction=0.4, random_state=0
    ).fit(X, y, treatment=t)
    value = est.tree_.value[:, 0, :]
    # The root's weights are those of the estimation part: 40% of each group.
    for k in range(2):
        assert value[0, 4 + k] == pytest.approx(0.4 * np.sum(t == k), abs=2)
    # The structure was grown on the other 60% of the rows.
    assert est.tree_.weighted_n_node_samples[0] == pytest.approx(0.6 * 2000, abs=4)
    plain = UpliftTreeClassifier(max_depth=2, random_state=0).fit(X, y, treatment=t)
    assert not np.allclose(est.predict(X), plain.predict(X))


def test_honesty_leaf_means_are_estimation_means(global_random_seed):
    X, y, t, _ = make_uplift_regression(n_samples=1200, random_state=global_random_seed)
    est = UpliftTreeRegressor(
        max_depth=2, min_samples_leaf=50, honesty=True, random_state=1
    ).fit(X, y, treatment=t)
    value = est.tree_.value[:, 0, :]
    total_weight = value[0, 4:6].sum()
    assert 0.45 * 1200 <= total_weight <= 0.55 * 1200
    # Every leaf: its means times its weights sum to the estimation part's
    # outcome totals, which the root holds too.
    leaves = np.flatnonzero(est.tree_.children_left == -1)
    for k in range(2):
        assert_allclose(
            (value[leaves, k] * value[leaves, 4 + k]).sum(),
            value[0, k] * value[0, 4 + k],
        )


def test_missing_values_go_to_a_side(global_random_seed):
    X, y, t, tau = make_uplift_classification(
        n_samples=3000, random_state=global_random_seed
    )
    X = X.copy()
    X[::5, :3] = np.nan
    for splitter in ("best", "hist"):
        est = UpliftTreeClassifier(splitter=splitter, random_state=0)
        pred = est.fit(X, y, treatment=t).predict(X)
        assert np.all(np.isfinite(pred))


def test_feature_importances_non_negative(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=2000, random_state=global_random_seed
    )
    imp = (
        UpliftTreeClassifier(random_state=0).fit(X, y, treatment=t).feature_importances_
    )
    assert np.all(imp >= 0) and imp.sum() == pytest.approx(1.0)


def test_pickle_round_trip(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=1000, random_state=global_random_seed
    )
    est = UpliftTreeClassifier(max_depth=2, random_state=0).fit(X, y, treatment=t)
    restored = pickle.loads(pickle.dumps(est))
    assert_array_equal(restored.predict(X), est.predict(X))


def test_export_text():
    X, y, t, _ = make_uplift_classification(n_samples=1000, random_state=0)
    est = UpliftTreeClassifier(max_depth=1, random_state=0).fit(X, y, treatment=t)
    f, thr = est.tree_.feature[0], est.tree_.threshold[0]
    means = est.tree_.value[:, 0, :2]
    text = export_text(est, feature_names=[f"x{i}" for i in range(X.shape[1])])
    lines = text.splitlines()
    assert lines[0] == f"|--- x{f} <= {thr:.2f}"
    assert lines[1] == f"|   |--- uplift: {means[1, 1] - means[1, 0]:.2f}"
    assert lines[2] == f"|--- x{f} >  {thr:.2f}"
    assert "control: " in export_text(est, show_groups=True)
    assert "truncated branch of depth 2" in export_text(est, max_depth=0)
    with pytest.raises(ValueError, match="feature_names"):
        export_text(est, feature_names=["a"])


def test_continuous_outcome_with_classifier_criterion():
    X, y, t, _ = make_uplift_regression(n_samples=300, random_state=0)
    with pytest.raises(ValueError, match="binary.*UpliftTreeRegressor"):
        UpliftTreeClassifier().fit(X, y, treatment=t)


def test_group_without_samples():
    X, y, t, _ = make_uplift_classification(
        n_samples=300, n_treatments=2, random_state=0
    )
    weight = np.where(t == 2, 0.0, 1.0)
    with pytest.raises(ValueError, match="group.*2.*no samples"):
        UpliftTreeClassifier().fit(X, y, treatment=t, sample_weight=weight)


def test_honesty_needs_rows_of_every_group_in_both_parts():
    X, y, t, _ = make_uplift_classification(n_samples=300, random_state=0)
    t = np.zeros(300, dtype=int)
    t[0] = 1
    with pytest.raises(ValueError, match="no samples in the"):
        UpliftTreeClassifier(honesty=True).fit(X, y, treatment=t)


def test_tree_of_wrong_value_width_raises_on_predict():
    from skml._splitting import Tree

    X, y, t, _ = make_uplift_classification(n_samples=500, random_state=0)
    est = UpliftTreeClassifier(max_depth=1, random_state=0).fit(X, y, treatment=t)
    state = est.tree_.__getstate__()
    state["n_classes"] = np.array([2])
    state["value"] = state["value"][:, :, :2].copy()
    tree = Tree(state["n_features"], state["n_classes"], 1)
    tree.__setstate__(state)
    est.tree_ = tree
    with pytest.raises(ValueError, match="node values have shape"):
        est.predict(X)


# ---------------------------------------------------------------- log tables


def _node_stats(y, g, n_groups, weight=None):
    w = np.ones_like(y) if weight is None else weight
    n = np.bincount(g, weights=w, minlength=n_groups)
    s = np.bincount(g, weights=w * y, minlength=n_groups)
    return n, s


@pytest.mark.parametrize("n_groups", [2, 3])
def test_log_tables_equal_numpy_log(n_groups, global_random_seed):
    # Every entry of the global and per-node tables is np.log of its argument
    # to a few units in the last place.
    from skml._splitting import criterion_source

    rng = np.random.RandomState(global_random_seed)
    n = 300
    y = (rng.uniform(size=n) < 0.4).astype(float).reshape(-1, 1)
    g = rng.randint(0, n_groups, n)
    w = rng.randint(0, 4, n).astype(float)
    source = criterion_source(
        "uplift_kl", y, w, treatment=g, n_groups=n_groups, n_reg=7.0
    )
    samples = np.flatnonzero(w > 0)[: n // 2]
    tables = _py_log_tables(source, samples)
    k = np.arange(int(w.sum()) + 1, dtype=float)
    with np.errstate(divide="ignore"):
        assert_allclose(tables["log_int"], np.log(k), rtol=1e-15)
    assert_allclose(tables["log_int01"], np.log(k + 0.1), rtol=1e-15)
    assert_allclose(tables["log_intr"], np.log(k + 7.0), rtol=1e-15)
    nN, sN = _node_stats(y[samples, 0], g[samples], n_groups, w[samples])
    means = sN / nN  # the root's means are the raw ones
    assert_allclose(tables["means"], means, rtol=1e-15)
    for grp in range(n_groups):
        ks = np.arange(int(sN[grp]) + 1, dtype=float)
        kf = np.arange(int(nN[grp] - sN[grp]) + 1, dtype=float)
        with np.errstate(divide="ignore"):
            expect_a = np.log(ks + 7.0 * means[grp])
            expect_b = np.log(kf + (7.0 - 7.0 * means[grp]))
        assert_allclose(tables["log_a"][grp, : ks.shape[0]], expect_a, rtol=1e-15)
        assert_allclose(tables["log_b"][grp, : kf.shape[0]], expect_b, rtol=1e-15)


def test_log_tables_only_for_integer_weights():
    from skml._splitting import criterion_source

    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    g = np.array([0, 0, 1, 1])
    for w, expected in ((np.ones(4), True), (np.array([1, 2, 0, 3.0]), True)):
        source = criterion_source("uplift_ed", y, w, treatment=g, n_groups=2)
        assert source.log_tables is expected
    for w in (np.full(4, 0.5), np.array([1, 2, 0, 3.5])):
        source = criterion_source("uplift_kl", y, w, treatment=g, n_groups=2)
        assert not source.log_tables
    source = criterion_source(
        "uplift_kl", y, np.ones(4), treatment=g, n_groups=2, log_tables=False
    )
    assert not source.log_tables


@pytest.mark.parametrize("criterion", ["KL", "ED", "Chi"])
@pytest.mark.parametrize("n_groups", [2, 3])
def test_classifier_without_log_tables_matches_brute_force(
    criterion, n_groups, global_random_seed
):
    # Weights of 1/2 (no tables) with n_reg and min_samples_treatment halved
    # give the unit-weight means and gains (halving is exact): the brute force
    # of unit weights holds (without normalisation, whose +0.1 smoothing is
    # not scaled).
    X, y, g = _small(global_random_seed, n_groups)
    params = (criterion, 5.0, 3, 8, False)
    est = UpliftTreeClassifier(
        criterion=criterion,
        max_depth=2,
        min_samples_leaf=8,
        min_samples_treatment=1.5,
        n_reg=2.5,
        normalization=False,
        random_state=global_random_seed,
    ).fit(X, y, treatment=g, sample_weight=np.full(y.shape[0], 0.5))
    _assert_matches_brute_force(est, X, y, g, n_groups, params, 2)


@pytest.mark.parametrize("criterion", ["KL", "ED", "Chi"])
@pytest.mark.parametrize("normalization", [True, False])
def test_log_tables_grow_the_tree_of_computed_logs(
    criterion, normalization, global_random_seed
):
    # The same tree with and without log tables (bootstrap-like integer
    # weights): same splits and values; the children's divergences (their
    # impurities) differ by the rounding of the tables' logarithms, a few
    # units in the last place of values near log(n): below 1e-14.
    from skml._splitting import build_tree
    from skml.uplift._tree import _CLASSIFIER_CRITERIA

    X, y, t, _ = make_uplift_classification(
        n_samples=3000, n_treatments=2, random_state=global_random_seed
    )
    w = np.random.RandomState(global_random_seed).poisson(1.0, y.shape[0])
    trees = [
        build_tree(
            X.astype(np.float32),
            y.reshape(-1, 1).astype(float),
            w.astype(float),
            criterion=_CLASSIFIER_CRITERIA[criterion],
            max_depth=4,
            min_samples_leaf=50,
            max_features=3,
            seed=global_random_seed,
            treatment=t,
            n_reg=10.0,
            min_samples_treatment=10.0,
            normalization=normalization,
            log_tables=log_tables,
        )
        for log_tables in (True, False)
    ]
    assert_array_equal(trees[0].feature, trees[1].feature)
    assert_array_equal(trees[0].threshold, trees[1].threshold)
    assert_allclose(trees[0].impurity, trees[1].impurity, rtol=1e-12, atol=1e-14)
    assert_allclose(trees[0].value, trees[1].value, rtol=1e-12)


@pytest.mark.parametrize("criterion", ["uplift_kl", "uplift_ed", "uplift_chi"])
@pytest.mark.parametrize("log_tables", [True, False])
def test_proxy_above_skips_only_candidates_below_the_best(
    criterion, log_tables, global_random_seed
):
    # crit_proxy_above is crit_proxy, or -inf where crit_proxy <= best: the
    # exact sweep keeps the same candidates.
    from skml._splitting import criterion_source

    rng = np.random.RandomState(global_random_seed)
    n = 400
    y = (rng.uniform(size=n) < 0.5).astype(float).reshape(-1, 1)
    g = rng.randint(0, 2, n)
    source = criterion_source(
        criterion,
        y,
        np.ones(n),
        treatment=g,
        n_groups=2,
        n_reg=10.0,
        min_samples_treatment=5.0,
        normalization=True,
        log_tables=log_tables,
    )
    order = rng.permutation(n)
    parent = np.zeros(4)
    np.add.at(parent, 2 * g, 1.0)
    np.add.at(parent, 2 * g + 1, y[:, 0])
    lefts = np.zeros((n - 41, 4))
    for i, p in enumerate(range(20, n - 21)):
        rows = order[:p]
        np.add.at(lefts[i], 2 * g[rows], 1.0)
        np.add.at(lefts[i], 2 * g[rows] + 1, y[rows, 0])
    proxies = _py_proxies(source, parent, lefts, -np.inf)[:, 0]
    skipped = 0
    for best in (-np.inf, 0.0, *np.quantile(proxies, [0.1, 0.5, 0.9])):
        both = _py_proxies(source, parent, lefts, best)
        assert_array_equal(both[:, 0], proxies)
        kept = both[:, 1] > -np.inf
        assert_array_equal(both[kept, 1], proxies[kept])
        assert (proxies[~kept] <= best).all()
        skipped += (~kept).sum()
        if best == -np.inf:
            assert kept.all()
    assert skipped > 0  # the bound does skip some
