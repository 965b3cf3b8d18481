# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.neighbors.KDTree and BallTree, against brute force and scikit-learn.

Indices are compared with a brute-force reference (scipy's cdist and a stable
argsort: ties by smaller index); distances also with scikit-learn's trees, which
may order ties differently.
"""

import copy
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn import neighbors as sk_neighbors
from threadpoolctl import threadpool_limits

from skml.neighbors import BallTree, KDTree
from skml.utils._openmp import effective_n_threads

TREES = [KDTree, BallTree]
METRICS = [
    ("euclidean", {}),
    ("manhattan", {}),
    ("chebyshev", {}),
    ("minkowski", {"p": 3}),
    ("minkowski", {}),
]
_CDIST = {"manhattan": "cityblock"}


def _sk_tree(tree_cls):
    return getattr(sk_neighbors, tree_cls.__name__)


def _data(seed, n_samples=60, n_features=4, n_queries=15, dtype=np.float64):
    """Training rows with duplicates, and queries that include training rows."""
    rng = np.random.default_rng(seed)
    X = rng.random((n_samples, n_features))
    X[n_samples // 2 : n_samples // 2 + 5] = X[3]  # a block of duplicates
    X[-1] = X[0]
    Q = rng.random((n_queries, n_features))
    Q[:3] = X[[0, 3, 7]]
    return X.astype(dtype), Q.astype(dtype)


def _brute(Q, X, metric, kwargs):
    D = cdist(
        np.asarray(Q, dtype=np.float64),
        np.asarray(X, dtype=np.float64),
        _CDIST.get(metric, metric),
        **kwargs,
    )
    return D, np.argsort(D, axis=1, kind="stable")


@pytest.mark.parametrize("tree_cls", TREES)
@pytest.mark.parametrize("metric, kwargs", METRICS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("leaf_size", [1, 2, 40])
def test_tree_query_matches_brute_force_and_sklearn(
    tree_cls, metric, kwargs, dtype, leaf_size, global_random_seed
):
    X, Q = _data(global_random_seed, dtype=dtype)
    tree = tree_cls(X, leaf_size=leaf_size, metric=metric, **kwargs)
    sk_tree = _sk_tree(tree_cls)(
        X.astype(np.float64), leaf_size=leaf_size, metric=metric, **kwargs
    )
    D, order = _brute(Q, X, metric, kwargs)
    for k in [1, 5, X.shape[0]]:
        dist, ind = tree.query(Q, k=k)
        assert dist.shape == ind.shape == (Q.shape[0], k)
        assert ind.dtype == np.intp and dist.dtype == np.float64
        assert_array_equal(ind, order[:, :k])
        assert_allclose(dist, np.take_along_axis(D, order[:, :k], axis=1))
        sk_dist, _ = sk_tree.query(Q, k=k)
        assert_allclose(dist, sk_dist, rtol=1e-12)


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_query_ties_ordered_by_index(tree_cls):
    # A grid: many points at exactly the same distance from the queries.
    g = np.arange(6.0)
    X = np.array([[a, b] for a in g for b in g])
    X = np.vstack([X, X[::-1]])  # every point twice
    Q = np.array([[2.5, 2.5], [0.0, 0.0], [3.0, 2.0]])
    for metric in ["euclidean", "manhattan", "chebyshev"]:
        D, order = _brute(Q, X, metric, {})
        for leaf_size in [1, 3, 40]:
            tree = tree_cls(X, leaf_size=leaf_size, metric=metric)
            for k in [1, 4, 7, 20, X.shape[0]]:
                dist, ind = tree.query(Q, k=k)
                assert_array_equal(ind, order[:, :k])
                assert_allclose(dist, np.take_along_axis(D, order[:, :k], 1))


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_query_larger_data_matches_sklearn(tree_cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((3000, 3))
    Q = rng.standard_normal((200, 3))
    dist, ind = tree_cls(X).query(Q, k=7)
    sk_dist, sk_ind = _sk_tree(tree_cls)(X).query(Q, k=7)
    assert_allclose(dist, sk_dist, rtol=1e-12)
    assert_array_equal(ind, sk_ind)  # continuous data: no ties


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_query_return_distance_false(tree_cls, global_random_seed):
    X, Q = _data(global_random_seed)
    D, order = _brute(Q, X, "euclidean", {})
    tree = tree_cls(X, leaf_size=5)
    ind = tree.query(Q, k=3, return_distance=False)
    assert_array_equal(ind, order[:, :3])
    # dualtree / breadth_first / sort_results are accepted; results are the same.
    dist, ind2 = tree.query(Q, k=3, dualtree=True, breadth_first=True)
    assert_array_equal(ind2, order[:, :3])
    assert_allclose(dist, np.take_along_axis(D, order[:, :3], axis=1))
    assert_array_equal(tree.query(Q, k=3, sort_results=False)[1], ind)


@pytest.mark.parametrize("tree_cls", TREES)
@pytest.mark.parametrize("metric, kwargs", METRICS)
def test_tree_query_radius_matches_brute_force(
    tree_cls, metric, kwargs, global_random_seed
):
    X, Q = _data(global_random_seed, n_samples=80)
    D, _ = _brute(Q, X, metric, kwargs)
    rng = np.random.default_rng(global_random_seed)
    rows, cols = np.nonzero(D >= 0)  # every (query, training point) pair
    for leaf_size in [1, 40]:
        tree = tree_cls(X, leaf_size=leaf_size, metric=metric, **kwargs)
        for r in [0.0, 0.3, rng.uniform(0.1, 0.6, Q.shape[0]), 10.0]:
            within = D <= np.reshape(r, (-1, 1))
            counts = tree.query_radius(Q, r, count_only=True)
            assert_array_equal(counts, within.sum(axis=1))
            ind = tree.query_radius(Q, r)
            assert ind.dtype == object and ind.shape == (Q.shape[0],)
            assert_array_equal([len(i) for i in ind], counts)
            found = np.zeros_like(within)
            found[np.repeat(np.arange(Q.shape[0]), counts), np.concatenate(ind)] = 1
            assert_array_equal(found, within)
            ind, dist = tree.query_radius(Q, r, return_distance=True)
            assert_allclose(
                np.concatenate(dist), D[within.nonzero()[0], np.concatenate(ind)]
            )
            ind, dist = tree.query_radius(Q, r, return_distance=True, sort_results=True)
            # Expected order: by distance, ties by index (lexsort: last key first).
            order = np.lexsort((cols, D.ravel(), rows))
            order = order[within.ravel()[order]]
            assert_array_equal(np.concatenate(ind), cols[order])
            assert_allclose(np.concatenate(dist), D.ravel()[order])


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_query_radius_matches_sklearn(tree_cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((1000, 3))
    Q = rng.standard_normal((50, 3))
    tree, sk_tree = tree_cls(X), _sk_tree(tree_cls)(X)
    assert_array_equal(
        tree.query_radius(Q, 0.5, count_only=True),
        sk_tree.query_radius(Q, 0.5, count_only=True),
    )
    ind, dist = tree.query_radius(Q, 0.5, return_distance=True, sort_results=True)
    sk_ind, sk_dist = sk_tree.query_radius(
        Q, 0.5, return_distance=True, sort_results=True
    )
    for i in range(Q.shape[0]):
        assert_array_equal(ind[i], sk_ind[i])
        assert_allclose(dist[i], sk_dist[i], rtol=1e-12)


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_two_point_correlation(tree_cls, global_random_seed):
    X, Q = _data(global_random_seed)
    r = np.array([0.0, 0.2, 0.5, 1.0])
    D, _ = _brute(Q, X, "euclidean", {})
    expected = [(D <= ri).sum() for ri in r]
    tree = tree_cls(X, leaf_size=4)
    assert_array_equal(tree.two_point_correlation(Q, r), expected)
    assert_array_equal(
        tree.two_point_correlation(Q, r),
        _sk_tree(tree_cls)(X, leaf_size=4).two_point_correlation(Q, r),
    )


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_n_jobs_identical_results(tree_cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.random((500, 3))
    X[100:150] = X[0]
    Q = rng.random((101, 3))
    tree = tree_cls(X, leaf_size=8)
    dist1, ind1 = tree.query(Q, k=9, n_jobs=1)
    for n_jobs in [2, 3, -1, None]:
        dist, ind = tree.query(Q, k=9, n_jobs=n_jobs)
        assert_array_equal(dist, dist1)
        assert_array_equal(ind, ind1)
    ind1, dist1 = tree.query_radius(Q, 0.2, return_distance=True, n_jobs=1)
    ind2, dist2 = tree.query_radius(Q, 0.2, return_distance=True, n_jobs=2)
    for a, b, c, d in zip(ind1, ind2, dist1, dist2):
        assert_array_equal(a, b)
        assert_array_equal(c, d)


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_pickle_and_deepcopy_round_trip(tree_cls, global_random_seed):
    X, Q = _data(global_random_seed)
    tree = tree_cls(X, leaf_size=3, metric="minkowski", p=3)
    dist, ind = tree.query(Q, k=5)
    radius = tree.query_radius(Q, 0.4, count_only=True)
    for copied in [pickle.loads(pickle.dumps(tree)), copy.deepcopy(tree)]:
        assert type(copied) is tree_cls
        assert copied.metric == "minkowski" and copied.p == 3.0
        assert copied.leaf_size == 3
        for a, b in zip(copied.get_arrays(), tree.get_arrays()):
            assert_array_equal(a, b)
        dist2, ind2 = copied.query(Q, k=5)
        assert_array_equal(dist2, dist)
        assert_array_equal(ind2, ind)
        assert_array_equal(copied.query_radius(Q, 0.4, count_only=True), radius)


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_skops_round_trip(tree_cls, global_random_seed):
    sio = pytest.importorskip("skops.io")
    X, Q = _data(global_random_seed)
    tree = tree_cls(X, leaf_size=4)
    dumped = sio.dumps(tree)
    restored = sio.loads(dumped, trusted=sio.get_untrusted_types(data=dumped))
    for a, b in zip(restored.query(Q, k=4), tree.query(Q, k=4)):
        assert_array_equal(a, b)


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_get_arrays_structure(tree_cls, global_random_seed):
    X, _ = _data(global_random_seed, n_samples=200, n_features=3)
    tree = tree_cls(X, leaf_size=10)
    data, idx, nodes, bounds = tree.get_arrays()
    assert_array_equal(data, X)
    assert_array_equal(np.sort(idx), np.arange(X.shape[0]))
    sk_nodes = _sk_tree(tree_cls)(X, leaf_size=10).get_arrays()[2]
    assert nodes.shape == sk_nodes.shape  # same number of nodes as scikit-learn
    assert_array_equal(nodes["idx_start"], sk_nodes["idx_start"])
    assert_array_equal(nodes["idx_end"], sk_nodes["idx_end"])
    assert_array_equal(nodes["is_leaf"], sk_nodes["is_leaf"])
    leaves = nodes[nodes["is_leaf"] == 1]
    sizes = leaves["idx_end"] - leaves["idx_start"]
    assert np.all((sizes >= 10) & (sizes < 20))  # leaf_size to 2 * leaf_size
    for i, node in enumerate(nodes):
        rows = X[idx[node["idx_start"] : node["idx_end"]]]
        if tree_cls is KDTree:
            assert bounds.shape == (2, nodes.shape[0], 3)
            assert np.all(rows >= bounds[0, i]) and np.all(rows <= bounds[1, i])
        else:
            assert bounds.shape == (1, nodes.shape[0], 3)
            assert_allclose(bounds[0, i], rows.mean(axis=0))
            radius = np.sqrt(((rows - bounds[0, i]) ** 2).sum(axis=1)).max()
            assert_allclose(node["radius"], radius)


@pytest.mark.parametrize("tree_cls", TREES)
@pytest.mark.parametrize("n_distinct", [2, 7, 10_000])
def test_tree_split_at_median_of_widest_dimension(
    tree_cls, n_distinct, global_random_seed
):
    # Large enough for the sampling step of the selection; few distinct values
    # give many ties.
    rng = np.random.default_rng(global_random_seed)
    X = rng.integers(n_distinct, size=(3000, 3)).astype(np.float64)
    X[:, 1] *= 3.0
    _, idx, nodes, _ = tree_cls(X, leaf_size=20).get_arrays()
    for i, node in enumerate(nodes):
        if node["is_leaf"]:
            continue
        rows = X[idx[node["idx_start"] : node["idx_end"]]]
        dim = np.argmax(rows.max(axis=0) - rows.min(axis=0))
        mid = nodes[2 * i + 1]["idx_end"] - node["idx_start"]
        assert rows[:mid, dim].max() <= rows[mid:, dim].min()
        assert np.sort(rows[:, dim])[mid] == rows[mid:, dim].min()


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_parallel_build_identical(tree_cls, global_random_seed):
    # Large enough (n_samples * n_features >= 2 ** 20) for a parallel build.
    if effective_n_threads(-1) < 2:
        pytest.skip("needs 2 CPUs: with one, both builds are serial")
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((66_000, 16))
    with threadpool_limits(limits=1, user_api="openmp"):
        assert effective_n_threads(None) == 1
        serial = tree_cls(X).get_arrays()
    with threadpool_limits(limits=2, user_api="openmp"):
        assert effective_n_threads(None) == 2  # else this compares serial builds
        parallel = tree_cls(X).get_arrays()
    for a, b in zip(serial, parallel):
        assert_array_equal(a, b)
    # And the same partition as scikit-learn's (serial) build.
    sk_nodes = _sk_tree(tree_cls)(X).get_arrays()[2]
    for field in ("idx_start", "idx_end", "is_leaf"):
        assert_array_equal(parallel[2][field], sk_nodes[field])


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_single_row_and_single_feature(tree_cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    tree = tree_cls(np.array([[1.0, 2.0]]))
    dist, ind = tree.query([[1.0, 3.0], [0.0, 2.0]], k=1)
    assert_array_equal(ind, [[0], [0]])
    assert_allclose(dist, [[1.0], [1.0]])
    assert_array_equal(tree.query_radius([[1.0, 2.5]], 0.5, count_only=True), [1])
    X = rng.random((50, 1))
    Q = rng.random((10, 1))
    D, order = _brute(Q, X, "euclidean", {})
    dist, ind = tree_cls(X, leaf_size=2).query(Q, k=4)
    assert_array_equal(ind, order[:, :4])
    assert_allclose(dist, np.take_along_axis(D, order[:, :4], 1))


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_metric_names(tree_cls, global_random_seed):
    X, Q = _data(global_random_seed)
    assert set(tree_cls.valid_metrics) >= {
        "euclidean",
        "manhattan",
        "chebyshev",
        "minkowski",
    }
    expected = tree_cls(X, metric="euclidean").query(Q, k=3)
    for alias in ["l2", "minkowski"]:
        assert_array_equal(tree_cls(X, metric=alias).query(Q, k=3)[0], expected[0])
    assert tree_cls(X, metric="minkowski", p=1).metric == "manhattan"
    assert tree_cls(X, metric="p", p=np.inf).metric == "chebyshev"
    assert tree_cls(X, metric="cityblock").metric == "manhattan"


@pytest.mark.parametrize("tree_cls", TREES)
def test_tree_bad_input(tree_cls, global_random_seed):
    X, Q = _data(global_random_seed)
    with pytest.raises(ValueError, match="cosine"):
        tree_cls(X, metric="cosine")
    with pytest.raises(ValueError, match="not valid"):
        tree_cls(X, metric="hamming")
    with pytest.raises(ValueError, match="leaf_size"):
        tree_cls(X, leaf_size=0)
    with pytest.raises(ValueError, match="p must be"):
        tree_cls(X, metric="minkowski", p=0.5)
    with pytest.raises(TypeError, match="unexpected"):
        tree_cls(X, w=np.ones(4))
    X_nan = X.copy()
    X_nan[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        tree_cls(X_nan)
    with pytest.raises(ValueError, match="2D"):
        tree_cls(X[0])
    tree = tree_cls(X)
    with pytest.raises(ValueError, match="NaN"):
        tree.query(X_nan)
    with pytest.raises(ValueError, match="dimension"):
        tree.query(Q[:, :2])
    with pytest.raises(ValueError, match="k must be less than or equal"):
        tree.query(Q, k=X.shape[0] + 1)
    with pytest.raises(ValueError, match="k must be"):
        tree.query(Q, k=0)
    with pytest.raises(ValueError, match="return_distance must be True"):
        tree.query_radius(Q, 0.1, sort_results=True)
    with pytest.raises(ValueError, match="cannot both be true"):
        tree.query_radius(Q, 0.1, count_only=True, return_distance=True)
    with pytest.raises(ValueError, match="shape"):
        tree.query_radius(Q, np.ones(3))
    with pytest.raises(ValueError, match="dimension"):
        tree.query_radius(Q[:, :2], 0.1)
