# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""NearestNeighbors and the shared neighbour queries, against scikit-learn."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn import neighbors as sk_neighbors

from skml.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

ALGORITHMS = ["brute", "kd_tree", "ball_tree"]
METRICS = [
    ("euclidean", 2),
    ("manhattan", 2),
    ("chebyshev", 2),
    ("minkowski", 1),
    ("minkowski", 2),
    ("minkowski", 3.5),
]


def _reference_kneighbors(X, Y, k, metric="euclidean", p=2):
    """Stable brute-force neighbours: ties ordered by index."""
    kwargs = {"p": p} if metric == "minkowski" else {}
    metric = {"manhattan": "cityblock"}.get(metric, metric)
    D = cdist(X, Y, metric=metric, **kwargs)
    ind = np.argsort(D, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(D, ind, axis=1), ind


def _data(seed, n_samples=200, n_features=5, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)).astype(dtype)
    Q = rng.standard_normal((40, n_features)).astype(dtype)
    return X, Q


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("metric, p", METRICS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kneighbors_match_sklearn(algorithm, metric, p, dtype, global_random_seed):
    X, Q = _data(global_random_seed, dtype=dtype)
    params = dict(n_neighbors=6, algorithm=algorithm, metric=metric, p=p)
    ours = NearestNeighbors(**params).fit(X)
    ref = sk_neighbors.NearestNeighbors(**params).fit(X)
    dist, ind = ours.kneighbors(Q)
    ref_dist, ref_ind = ref.kneighbors(Q)
    assert ind.dtype == np.intp and dist.dtype == np.float64
    assert_array_equal(ind, ref_ind)
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    assert_allclose(dist, ref_dist, rtol=rtol, atol=1e-6 if dtype == np.float32 else 0)
    assert_array_equal(ours.kneighbors(Q, return_distance=False), ind)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_kneighbors_cosine_and_aliases(algorithm, global_random_seed):
    X, Q = _data(global_random_seed)
    ref_dist, ref_ind = _reference_kneighbors(Q, X, 4, "cosine")
    nn = NearestNeighbors(n_neighbors=4, metric="cosine").fit(X)
    assert nn._fit_method == "brute"
    dist, ind = nn.kneighbors(Q)
    assert_array_equal(ind, ref_ind)
    assert_allclose(dist, ref_dist, atol=1e-12)
    for alias, canonical in [
        ("l1", "manhattan"),
        ("cityblock", "manhattan"),
        ("l2", "euclidean"),
    ]:
        nn = NearestNeighbors(n_neighbors=4, metric=alias, algorithm=algorithm)
        nn.fit(X)
        assert nn.effective_metric_ == canonical
        ref_dist, ref_ind = _reference_kneighbors(Q, X, 4, canonical)
        dist, ind = nn.kneighbors(Q)
        assert_array_equal(ind, ref_ind)
        assert_allclose(dist, ref_dist, rtol=1e-10)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev"])
def test_kneighbors_duplicates_break_ties_by_index(
    algorithm, metric, global_random_seed
):
    rng = np.random.default_rng(global_random_seed)
    # Few distinct points on an integer grid, many exact duplicates and ties.
    base = rng.integers(0, 3, size=(15, 3)).astype(np.float64)
    X = base[rng.integers(0, 15, size=120)]
    Q = base[rng.integers(0, 15, size=30)] + rng.integers(0, 2, size=(30, 3))
    nn = NearestNeighbors(n_neighbors=7, algorithm=algorithm, metric=metric).fit(X)
    dist, ind = nn.kneighbors(Q)
    ref_dist, ref_ind = _reference_kneighbors(Q, X, 7, metric)
    assert_array_equal(ind, ref_ind)
    assert_allclose(dist, ref_dist, rtol=1e-12)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_kneighbors_none_excludes_each_point(algorithm, global_random_seed):
    X, _ = _data(global_random_seed)
    ours = NearestNeighbors(n_neighbors=5, algorithm=algorithm).fit(X)
    ref = sk_neighbors.NearestNeighbors(n_neighbors=5, algorithm=algorithm).fit(X)
    dist, ind = ours.kneighbors()
    ref_dist, ref_ind = ref.kneighbors()
    assert ind.shape == (X.shape[0], 5)
    assert not np.any(ind == np.arange(X.shape[0])[:, None])
    assert_array_equal(ind, ref_ind)
    assert_allclose(dist, ref_dist, rtol=1e-10)
    # Passing the training data explicitly counts each point as its own neighbour.
    assert_array_equal(
        ours.kneighbors(X, 1, return_distance=False).ravel(), np.arange(X.shape[0])
    )


def test_kneighbors_none_with_duplicates():
    # Three copies of one point: the duplicates with smaller index crowd the
    # point out of its own list, and its first neighbour is dropped instead.
    X = np.array([[0.0], [0.0], [0.0], [5.0], [9.0]])
    nn = NearestNeighbors(n_neighbors=2, algorithm="brute").fit(X)
    ref = sk_neighbors.NearestNeighbors(n_neighbors=2, algorithm="brute").fit(X)
    dist, ind = nn.kneighbors()
    assert_array_equal(ind[:3], [[1, 2], [0, 2], [0, 1]])
    assert_allclose(dist, ref.kneighbors()[0])


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("mode", ["connectivity", "distance"])
def test_kneighbors_graph_matches_sklearn(algorithm, mode, global_random_seed):
    X, Q = _data(global_random_seed, n_samples=60)
    ours = NearestNeighbors(n_neighbors=3, algorithm=algorithm).fit(X)
    ref = sk_neighbors.NearestNeighbors(n_neighbors=3, algorithm=algorithm).fit(X)
    for query in (Q, None):
        graph = ours.kneighbors_graph(query, mode=mode)
        assert sp.issparse(graph) and graph.format == "csr"
        assert_allclose(
            graph.toarray(), ref.kneighbors_graph(query, mode=mode).toarray()
        )
    graph = ours.kneighbors_graph(Q, n_neighbors=5, mode=mode)
    assert_allclose(
        graph.toarray(), ref.kneighbors_graph(Q, n_neighbors=5, mode=mode).toarray()
    )


def _assert_radius_equal(result, expected, sort=True):
    (dist, ind), (ref_dist, ref_ind) = result, expected
    assert dist.dtype == object and ind.dtype == object
    assert len(ind) == len(ref_ind)
    for d, i, rd, ri in zip(dist, ind, ref_dist, ref_ind):
        if not sort:
            order, ref_order = np.argsort(i), np.argsort(ri)
            d, i, rd, ri = d[order], i[order], rd[ref_order], ri[ref_order]
        assert_array_equal(i, ri)
        assert_allclose(d, rd, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("metric, p", METRICS)
def test_radius_neighbors_match_sklearn(algorithm, metric, p, global_random_seed):
    X, Q = _data(global_random_seed)
    params = dict(radius=1.6, algorithm=algorithm, metric=metric, p=p)
    ours = NearestNeighbors(**params).fit(X)
    ref = sk_neighbors.NearestNeighbors(**params).fit(X)
    for sort in (True, False):
        _assert_radius_equal(
            ours.radius_neighbors(Q, sort_results=sort),
            ref.radius_neighbors(Q, sort_results=sort),
            sort=sort,
        )
    _assert_radius_equal(ours.radius_neighbors(), ref.radius_neighbors(), sort=False)
    _assert_radius_equal(
        ours.radius_neighbors(Q, radius=0.8),
        ref.radius_neighbors(Q, radius=0.8),
        sort=False,
    )
    ind = ours.radius_neighbors(Q, return_distance=False)
    for i, ri in zip(ind, ref.radius_neighbors(Q, return_distance=False)):
        assert_array_equal(np.sort(i), np.sort(ri))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("mode", ["connectivity", "distance"])
def test_radius_neighbors_graph_matches_sklearn(algorithm, mode, global_random_seed):
    X, Q = _data(global_random_seed, n_samples=80)
    ours = NearestNeighbors(radius=1.5, algorithm=algorithm).fit(X)
    ref = sk_neighbors.NearestNeighbors(radius=1.5, algorithm=algorithm).fit(X)
    for query in (Q, None):
        graph = ours.radius_neighbors_graph(query, mode=mode)
        assert sp.issparse(graph) and graph.shape == (
            (X if query is None else Q).shape[0],
            X.shape[0],
        )
        assert_allclose(
            graph.toarray(), ref.radius_neighbors_graph(query, mode=mode).toarray()
        )


def test_radius_neighbors_empty_and_cosine(global_random_seed):
    X, Q = _data(global_random_seed)
    # Reference: no query lies within 1e-3 of a training point.
    assert cdist(Q, X).min() > 1e-3
    nn = NearestNeighbors(radius=1e-3).fit(X)
    dist, ind = nn.radius_neighbors(Q)
    assert all(len(i) == 0 for i in ind) and all(len(d) == 0 for d in dist)
    assert nn.radius_neighbors_graph(Q).nnz == 0
    ours = NearestNeighbors(radius=0.3, metric="cosine").fit(X)
    ref = sk_neighbors.NearestNeighbors(radius=0.3, metric="cosine").fit(X)
    expected = ref.radius_neighbors(Q, sort_results=True)
    assert sum(len(i) for i in expected[1]) > 0  # not vacuous
    _assert_radius_equal(ours.radius_neighbors(Q, sort_results=True), expected)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_sparse_input_equals_dense(metric, global_random_seed):
    # References: brute force (cdist) and scikit-learn on the same sparse input,
    # not only skml's own dense path.
    X = sp.random(150, 40, density=0.2, format="csr", random_state=global_random_seed)
    Q = sp.random(
        30, 40, density=0.2, format="csr", random_state=global_random_seed + 1
    )
    radius = 0.9 if metric == "cosine" else 2.0
    params = dict(n_neighbors=4, radius=radius, metric=metric)
    sparse_nn = NearestNeighbors(**params).fit(X)
    dense_nn = NearestNeighbors(algorithm="brute", **params).fit(X.toarray())
    ref_nn = sk_neighbors.NearestNeighbors(**params).fit(X)
    assert sparse_nn._fit_method == "brute" and sp.issparse(sparse_nn._fit_X)
    dist, ind = sparse_nn.kneighbors(Q)
    ref_dist, ref_ind = _reference_kneighbors(Q.toarray(), X.toarray(), 4, metric)
    assert_array_equal(ind, ref_ind)
    assert_allclose(dist, ref_dist, atol=1e-7)
    for other_dist, other_ind in (
        dense_nn.kneighbors(Q.toarray()),
        ref_nn.kneighbors(Q),
    ):
        assert_array_equal(ind, other_ind)
        assert_allclose(dist, other_dist, atol=1e-7)
    dist, ind = sparse_nn.radius_neighbors(Q, sort_results=True)
    ref_dist, ref_ind = ref_nn.radius_neighbors(Q, sort_results=True)
    assert sum(len(i) for i in ref_ind) > 0  # not vacuous
    assert len(ind) == len(ref_ind)
    for d, i, rd, ri in zip(dist, ind, ref_dist, ref_ind):
        assert_array_equal(i, ri)
        assert_allclose(d, rd, atol=1e-7)
    graph = sparse_nn.kneighbors_graph(Q, mode="distance")
    assert_allclose(
        graph.toarray(),
        ref_nn.kneighbors_graph(Q, mode="distance").toarray(),
        atol=1e-7,
    )
    y = np.arange(150) % 3
    ours = KNeighborsClassifier(n_neighbors=3, metric=metric).fit(X, y)
    ref = sk_neighbors.KNeighborsClassifier(n_neighbors=3, metric=metric).fit(X, y)
    assert_array_equal(ours.predict(Q), ref.predict(Q))
    assert_allclose(ours.predict_proba(Q), ref.predict_proba(Q))


def test_sparse_radius_euclidean_equals_dense(global_random_seed):
    X = sp.random(150, 40, density=0.2, format="csr", random_state=global_random_seed)
    Q = sp.random(
        30, 40, density=0.2, format="csr", random_state=global_random_seed + 1
    )
    # Brute-force reference: the pairs within the radius, sorted by distance
    # (ties by index).
    D = cdist(Q.toarray(), X.toarray())
    ref_ind = [np.argsort(row, kind="stable")[: np.sum(row <= 1.1)] for row in D]
    ref_dist = [row[i] for row, i in zip(D, ref_ind)]
    assert sum(len(i) for i in ref_ind) > 0  # not vacuous
    dist, ind = (
        NearestNeighbors(radius=1.1).fit(X).radius_neighbors(Q, sort_results=True)
    )
    assert len(ind) == len(ref_ind)
    for d, i, rd, ri in zip(dist, ind, ref_dist, ref_ind):
        assert_array_equal(i, ri)
        assert_allclose(d, rd, atol=1e-7)


def test_sparse_unsupported_metric_and_tree_warning():
    X = sp.random(30, 5, density=0.5, format="csr", random_state=0)
    with pytest.raises(ValueError, match="not supported for sparse input"):
        NearestNeighbors(metric="manhattan").fit(X)
    with pytest.warns(UserWarning, match="brute force"):
        nn = NearestNeighbors(algorithm="kd_tree").fit(X)
    assert nn._fit_method == "brute"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_results_do_not_depend_on_n_jobs(algorithm, global_random_seed):
    X, Q = _data(global_random_seed, n_samples=3000)
    results = []
    for n_jobs in (1, 2, -1):
        nn = NearestNeighbors(
            n_neighbors=5, radius=1.0, algorithm=algorithm, n_jobs=n_jobs
        ).fit(X)
        results.append((nn.kneighbors(Q), nn.radius_neighbors(Q, sort_results=True)))
    for (dist, ind), (rdist, rind) in results[1:]:
        assert_array_equal(ind, results[0][0][1])
        assert_array_equal(dist, results[0][0][0])
        for a, b in zip(rind, results[0][1][1]):
            assert_array_equal(a, b)
        for a, b in zip(rdist, results[0][1][0]):
            assert_array_equal(a, b)


@pytest.mark.parametrize(
    "n_features, params, expected",
    [
        (16, {}, "brute"),
        (3, {"n_neighbors": 50}, "brute"),
        (3, {"n_neighbors": 49}, "kd_tree"),
        (3, {"metric": "cosine"}, "brute"),
        (3, {"metric": "manhattan"}, "kd_tree"),
        (3, {"metric": "chebyshev"}, "kd_tree"),
        (3, {"p": 3}, "kd_tree"),
        (3, {}, "kd_tree"),
    ],
)
def test_auto_algorithm_policy(n_features, params, expected):
    X = np.random.default_rng(0).standard_normal((100, n_features))
    ref = sk_neighbors.NearestNeighbors(**params).fit(X)
    assert ref._fit_method == expected  # the policy is scikit-learn's
    assert NearestNeighbors(**params).fit(X)._fit_method == expected


def test_effective_metric():
    X = np.eye(4)
    for p, metric, params in [
        (1, "manhattan", {}),
        (2, "euclidean", {}),
        (np.inf, "chebyshev", {}),
        (3, "minkowski", {"p": 3}),
    ]:
        ref = sk_neighbors.NearestNeighbors(p=p).fit(X)
        ref_params = {
            k: v for k, v in ref.effective_metric_params_.items() if v is not None
        }
        assert (ref.effective_metric_, ref_params) == (metric, params)
        nn = NearestNeighbors(p=p).fit(X)
        assert nn.effective_metric_ == metric
        assert nn.effective_metric_params_ == params
    nn = NearestNeighbors(metric="l2").fit(X)
    assert nn.effective_metric_ == "euclidean" and nn.n_samples_fit_ == 4


@pytest.mark.parametrize(
    "Estimator", [NearestNeighbors, KNeighborsClassifier, KNeighborsRegressor]
)
def test_bad_input_errors(Estimator):
    X = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 1, 0, 1, 0, 1])
    est = Estimator(n_neighbors=3).fit(X, y)
    with pytest.raises(ValueError, match=r"n_neighbors = 7, n_samples_fit = 6"):
        est.kneighbors(X, n_neighbors=7)
    with pytest.raises(ValueError, match=r"n_neighbors = 6, n_samples_fit = 6"):
        est.kneighbors(n_neighbors=6)
    with pytest.raises(ValueError, match="n_neighbors > 0"):
        est.kneighbors(X, n_neighbors=0)
    with pytest.raises(TypeError, match="n_neighbors must be an int"):
        est.kneighbors(X, n_neighbors=2.5)
    with pytest.raises(ValueError, match="'n_neighbors' parameter of"):
        Estimator(n_neighbors=0).fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        Estimator().fit(np.where(X == 3, np.nan, X), y)
    with pytest.raises(ValueError, match="infinity"):
        est.kneighbors(np.where(X == 3, np.inf, X))
    with pytest.raises(ValueError, match="'metric' parameter of"):
        Estimator(metric="mahalanobis").fit(X, y)
    with pytest.raises(ValueError, match="not valid for algorithm='kd_tree'"):
        Estimator(metric="cosine", algorithm="kd_tree").fit(X, y)
    with pytest.raises(ValueError, match="metric_params"):
        Estimator(metric_params={"w": 1}).fit(X, y)
    with pytest.raises(ValueError, match=r"'p' parameter of .* range \[1.0, inf\]"):
        Estimator(p=0.5).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.kneighbors(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Unsupported mode"):
        est.kneighbors_graph(X, mode="weights")


def test_radius_errors():
    X = np.arange(12, dtype=float).reshape(6, 2)
    with pytest.raises(ValueError, match="radius"):
        NearestNeighbors(radius=0.0).fit(X)
    with pytest.raises(ValueError, match="radius"):
        NearestNeighbors(radius=-1.0).fit(X)
    nn = NearestNeighbors().fit(X)
    with pytest.raises(ValueError, match="radius must be finite"):
        nn.radius_neighbors(X, radius=-1.0)
    with pytest.raises(ValueError, match="return_distance must be True"):
        nn.radius_neighbors(X, return_distance=False, sort_results=True)
    clf = KNeighborsClassifier(n_neighbors=2).fit(X, [0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="radius must be given"):
        clf.radius_neighbors(X)
    _, ind = clf.radius_neighbors(X, radius=3.0)
    assert_array_equal(ind[0], [0, 1])


def test_mixed_dtypes_and_integers(global_random_seed):
    X, Q = _data(global_random_seed)
    nn32 = NearestNeighbors(n_neighbors=3).fit(X.astype(np.float32))
    nn64 = NearestNeighbors(n_neighbors=3).fit(X)
    assert nn32._fit_X.dtype == np.float32
    # Reference: brute force on the float32 values, computed in float64.
    X32, Q32 = (A.astype(np.float32).astype(np.float64) for A in (X, Q))
    _, ref_ind = _reference_kneighbors(Q32, X32, 3)
    assert_array_equal(nn32.kneighbors(Q)[1], ref_ind)
    assert_array_equal(nn64.kneighbors(Q.astype(np.float32))[1], ref_ind)
    Xi = np.random.default_rng(global_random_seed).integers(0, 50, size=(40, 3))
    nn = NearestNeighbors(n_neighbors=3).fit(Xi)
    assert nn._fit_X.dtype == np.float64
    _, ref_ind = _reference_kneighbors(Xi[:5].astype(float), Xi.astype(float), 3)
    assert_array_equal(nn.kneighbors(Xi[:5])[1], ref_ind)


def test_feature_names(global_random_seed):
    pd = pytest.importorskip("pandas")
    X, Q = _data(global_random_seed)
    cols = [f"f{i}" for i in range(X.shape[1])]
    nn = NearestNeighbors(n_neighbors=2).fit(pd.DataFrame(X, columns=cols))
    assert_array_equal(nn.feature_names_in_, cols)
    assert nn.n_features_in_ == X.shape[1]
    plain = NearestNeighbors(n_neighbors=2).fit(X)
    assert not hasattr(plain, "feature_names_in_")
    assert_array_equal(
        nn.kneighbors(pd.DataFrame(Q, columns=cols))[1], plain.kneighbors(Q)[1]
    )


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_nearest_neighbors_persistence_round_trip(algorithm, global_random_seed):
    # tests/test_persistence.py compares predict-like outputs; NearestNeighbors has
    # none, so its queries are compared here.
    import copy
    import pickle

    X, Q = _data(global_random_seed)
    nn = NearestNeighbors(n_neighbors=4, radius=1.2, algorithm=algorithm).fit(X)
    restored = [pickle.loads(pickle.dumps(nn)), copy.deepcopy(nn)]
    skops_io = pytest.importorskip("skops.io")
    data = skops_io.dumps(nn)
    restored.append(
        skops_io.loads(data, trusted=skops_io.get_untrusted_types(data=data))
    )
    dist, ind = nn.kneighbors(Q)
    rdist, rind = nn.radius_neighbors(Q, sort_results=True)
    for other in restored:
        assert other._fit_method == nn._fit_method
        d, i = other.kneighbors(Q)
        assert_array_equal(i, ind)
        assert_array_equal(d, dist)
        d, i = other.radius_neighbors(Q, sort_results=True)
        for a, b in zip(i, rind):
            assert_array_equal(a, b)
        for a, b in zip(d, rdist):
            assert_array_equal(a, b)
