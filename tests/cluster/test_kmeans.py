# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.cluster.KMeans, mostly against scikit-learn's KMeans."""

import sys

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import chisquare
from sklearn import cluster as sk_cluster
from sklearn.datasets import make_blobs, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from skml.cluster import KMeans
from skml.cluster._engine import (
    _CandidateStep,
    _Workspace,
    is_same_clustering,
    kmeans_plusplus,
)
from skml.utils._openmp import effective_n_threads

ALGORITHMS = ["lloyd", "elkan"]
DTYPES = [np.float64, np.float32]


@pytest.fixture(autouse=True)
def _single_thread():
    # skml and scikit-learn each bring an OpenMP runtime (and NumPy/SciPy each a
    # BLAS); their spinning thread pools slow small problems down a hundredfold
    # on a busy machine. The thread-invariance test sets its own limits.
    with threadpool_limits(limits=1):
        yield


def _data(seed, n_samples=600, n_features=5):
    X, _ = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=3,
        n_redundant=0,
        random_state=seed,
    )
    return X


def _init(X, k, seed):
    rng = np.random.RandomState(seed)
    return X[rng.choice(X.shape[0], k, replace=False)].copy()


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_matches_sklearn_from_same_init(
    algorithm, dtype, weighted, global_random_seed
):
    X = _data(global_random_seed).astype(dtype)
    init = _init(X, 6, global_random_seed)
    weight = None
    if weighted:
        weight = np.random.RandomState(global_random_seed).uniform(0.2, 3, X.shape[0])
    params = dict(n_clusters=6, init=init, n_init=1, algorithm=algorithm)
    ours = KMeans(**params).fit(X, sample_weight=weight)
    theirs = sk_cluster.KMeans(**params).fit(X, sample_weight=weight)
    assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.n_iter_ == theirs.n_iter_
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    assert_allclose(ours.inertia_, theirs.inertia_, rtol=rtol)
    atol = 1e-10 if dtype == np.float64 else 1e-4
    assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=atol)
    assert ours.cluster_centers_.dtype == dtype
    assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_kmeans_random_init_matches_sklearn(algorithm, global_random_seed):
    # Same random stream as scikit-learn: same seeds, same 10 runs, same winner.
    X = _data(global_random_seed)
    params = dict(n_clusters=5, init="random", random_state=global_random_seed)
    ours = KMeans(algorithm=algorithm, **params).fit(X)
    theirs = sk_cluster.KMeans(algorithm=algorithm, **params).fit(X)
    assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-6)
    assert adjusted_rand_score(ours.labels_, theirs.labels_) == pytest.approx(1.0)


def test_kmeans_lloyd_and_elkan_agree(global_random_seed):
    X = _data(global_random_seed, n_samples=1000)
    init = _init(X, 7, global_random_seed)
    lloyd = KMeans(7, init=init, algorithm="lloyd").fit(X)
    elkan = KMeans(7, init=init, algorithm="elkan").fit(X)
    ref = sk_cluster.KMeans(7, init=init, algorithm="lloyd").fit(X)
    for model in (lloyd, elkan):
        assert_array_equal(model.labels_, ref.labels_)
        assert model.n_iter_ == ref.n_iter_
        assert_allclose(model.cluster_centers_, ref.cluster_centers_, atol=1e-10)
    assert_allclose(lloyd.cluster_centers_, elkan.cluster_centers_, atol=1e-12)


def test_kmeans_plusplus_quality_and_determinism(global_random_seed):
    X, _ = make_blobs(
        n_samples=600,
        centers=6,
        cluster_std=1.0,
        center_box=(-20, 20),
        random_state=global_random_seed,
    )
    ours = KMeans(6, random_state=global_random_seed).fit(X)
    again = KMeans(6, random_state=global_random_seed).fit(X)
    assert_array_equal(ours.labels_, again.labels_)
    assert_array_equal(ours.cluster_centers_, again.cluster_centers_)
    # One k-means++ run is a random draw (skml draws along a canonical sample
    # order, scikit-learn along the input order): compare medians over seeds, of
    # the seeding alone (max_iter=1) and of the final inertia. Over many
    # datasets the two agree on average; one dataset's median varies by <10%.
    seeds = range(global_random_seed, global_random_seed + 15)
    for max_iter in (1, 300):
        median_ours, median_theirs = (
            np.median(
                [
                    module.KMeans(6, random_state=s, max_iter=max_iter).fit(X).inertia_
                    for s in seeds
                ]
            )
            for module in (sys.modules["skml.cluster"], sk_cluster)
        )
        assert median_ours <= 1.1 * median_theirs


@pytest.mark.parametrize("sparse", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_kmeans_plusplus_draws_follow_weighted_squared_distances(
    sparse, global_random_seed
):
    # With one trial per step, k-means++ draws the first center with
    # probability proportional to its weight and the second proportionally to
    # weight * squared distance to the first. Chi-square test of the joint
    # (first, second) counts over many seeded draws.
    rng = np.random.RandomState(global_random_seed)
    X = rng.uniform(-1, 1, size=(6, 3)) + np.arange(6)[:, None]
    weight = rng.uniform(0.5, 2.0, X.shape[0])
    sq_dist = ((X[:, None, :] - X[None]) ** 2).sum(-1)
    p_first = weight / weight.sum()
    p_second = weight * sq_dist / (sq_dist @ weight)[:, None]
    expected = p_first[:, None] * p_second  # zero on the diagonal
    data = sp.csr_matrix(X) if sparse else X
    n_draws = 1500
    counts = np.zeros((6, 6))
    random_state = np.random.RandomState(global_random_seed)
    for _ in range(n_draws):
        centers = kmeans_plusplus(
            data, 2, weight, random_state, n_threads=1, n_local_trials=1
        )
        first, second = (int(np.flatnonzero((X == c).all(axis=1))[0]) for c in centers)
        counts[first, second] += 1
    assert np.trace(counts) == 0
    off_diagonal = ~np.eye(6, dtype=bool)
    _, p_value = chisquare(counts[off_diagonal], n_draws * expected[off_diagonal])
    assert p_value > 1e-3


def test_kmeans_plusplus_potentials_match_brute_force(global_random_seed):
    # One candidate step against NumPy: min(closest, squared distance) per
    # sample and candidate, and the weighted sums; pruned pairs included.
    X = _data(global_random_seed, n_samples=700, n_features=4)
    weight = np.random.RandomState(global_random_seed).uniform(0.2, 3, X.shape[0])
    for data in (X, sp.csr_matrix(np.where(np.abs(X) < 0.7, 0.0, X))):
        dense = data.toarray() if sp.issparse(data) else data
        step = _CandidateStep(data, weight, 4, 3, 1)
        closest = np.full(X.shape[0], np.inf)
        for ids, taken in (([5], 0), ([17, 300, 42], 1), ([8, 9, 650], 2)):
            out, potentials = step(ids)
            sq_dist = ((dense[:, None, :] - dense[ids][None]) ** 2).sum(-1).T
            expected = np.minimum(closest, sq_dist)
            assert_allclose(out, expected, rtol=1e-10, atol=1e-10)
            assert_allclose(potentials, expected @ weight, rtol=1e-10)
            step.take(out[taken], ids[taken])
            closest = expected[taken]
            assert_allclose(step.closest, closest, rtol=1e-10, atol=1e-10)
            assert_array_equal(step.centers[step.n_centers - 1], dense[ids[taken]])


@pytest.mark.parametrize("n_clusters", [2, 8, 21])
def test_kmeans_plusplus_n_local_trials(n_clusters, monkeypatch):
    # Each center after the first is the best of 2 + int(ln k) candidates.
    import skml.cluster._engine as engine

    n_rows = []

    def recording_sample(cumulative, order, values):
        n_rows.append(np.size(values))
        return sample(cumulative, order, values)

    sample = engine._sample
    monkeypatch.setattr(engine, "_sample", recording_sample)
    KMeans(n_clusters, random_state=0, max_iter=1).fit(_data(0))
    trials = 2 + int(np.log(n_clusters))
    assert n_rows == [1] + [trials] * (n_clusters - 1)


def test_kmeans_n_init_auto_follows_sklearn():
    X = _data(0, n_samples=200)
    for init, expected in (("k-means++", 1), ("random", 10)):
        ref = sk_cluster.KMeans(3, init=init, random_state=0).fit(X)
        assert ref._n_init == expected
        assert KMeans(3, init=init, random_state=0).fit(X)._n_init == expected
    init = _init(X, 3, 0)
    assert KMeans(3, init=init).fit(X)._n_init == 1
    with pytest.warns(RuntimeWarning, match="performing only one init"):
        KMeans(3, init=init, n_init=4).fit(X)


def test_kmeans_callable_init(global_random_seed):
    X = _data(global_random_seed)
    calls = []

    def init(X, n_clusters, random_state):
        calls.append(n_clusters)
        return X[:n_clusters] * 1.0

    ours = KMeans(4, init=init, n_init=2, random_state=0).fit(X)
    assert calls == [4, 4]  # once per init, with n_clusters
    theirs = sk_cluster.KMeans(4, init=init, n_init=2, random_state=0).fit(X)
    assert calls == [4, 4] * 2
    assert_array_equal(ours.labels_, theirs.labels_)
    assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-10)


def test_kmeans_relocates_empty_clusters():
    # Center 2 is far from every sample: it is empty after the first assignment
    # and moves onto the sample farthest from its center (the outlier at 100).
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [100.0]])
    init = np.array([[1.0], [10.0], [1000.0]])
    for algorithm in ALGORITHMS:
        ours = KMeans(3, init=init, n_init=1, algorithm=algorithm).fit(X)
        theirs = sk_cluster.KMeans(3, init=init, n_init=1, algorithm=algorithm)
        theirs.fit(X)
        assert_allclose(np.sort(ours.cluster_centers_.ravel()), [1.0, 10.5, 100.0])
        assert_array_equal(ours.labels_, theirs.labels_)
        assert_allclose(ours.cluster_centers_, theirs.cluster_centers_)
        assert ours.inertia_ == pytest.approx(theirs.inertia_)


def test_kmeans_duplicate_points_warn():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        KMeans(3, random_state=0).fit(X)


@pytest.mark.parametrize("sparse", [False, True])
def test_kmeans_thread_count_invariant(sparse, global_random_seed):
    # Groups and their reduction order depend on the shape only: the same code
    # path with 1 or 2 threads gives bit-identical results, k-means++ included.
    if effective_n_threads(-1) < 2:
        pytest.skip("needs 2 CPUs: with one, both runs are serial")
    X = _data(global_random_seed, n_samples=1_500, n_features=8)
    if sparse:
        X = sp.csr_matrix(np.where(np.abs(X) < 0.8, 0.0, X))
    init = _init(X.toarray() if sparse else X, 9, global_random_seed)
    results = []
    for n_threads in (1, 2):
        with threadpool_limits(limits=n_threads, user_api="openmp"):
            for algorithm in ALGORITHMS:
                for start in (init, "k-means++"):
                    model = KMeans(
                        9, init=start, algorithm=algorithm, random_state=0
                    ).fit(X)
                    assert model._n_threads == n_threads  # else nothing is compared
                    results.append(
                        (model.labels_, model.cluster_centers_, model.inertia_)
                    )
    for i in range(4):
        labels, centers, inertia = results[i]
        assert_array_equal(results[i + 4][0], labels)
        assert_array_equal(results[i + 4][1], centers)
        assert results[i + 4][2] == inertia


def test_kmeans_workspace_groups_depend_on_shape_only():
    one = _Workspace(100_000, 10, 8, np.float64, 1)
    many = _Workspace(100_000, 10, 8, np.float64, 16)
    assert_array_equal(one.starts, many.starts)
    assert one.starts[0] == 0 and one.starts[-1] == 100_000
    assert np.all(one.starts[1:-1] % 256 == 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_kmeans_transform_predict_score_closed_form(dtype, global_random_seed):
    X = _data(global_random_seed).astype(dtype)
    model = KMeans(4, random_state=global_random_seed).fit(X)
    rng = np.random.RandomState(global_random_seed)
    X_new = rng.standard_normal((50, X.shape[1])).astype(dtype)
    centers = model.cluster_centers_.astype(np.float64)
    distances = np.sqrt(((X_new[:, None, :] - centers[None]) ** 2).sum(-1))
    transformed = model.transform(X_new)
    assert transformed.dtype == dtype
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    assert_allclose(transformed, distances, rtol=rtol, atol=rtol)
    assert_array_equal(model.predict(X_new), distances.argmin(axis=1))
    weight = rng.uniform(0, 2, X_new.shape[0])
    expected = -(weight * distances.min(axis=1) ** 2).sum()
    assert model.score(X_new, sample_weight=weight) == pytest.approx(expected, rel=rtol)
    # On the training data, against the same closed forms at the fitted centers.
    transformed = model.fit_transform(X)
    centers = model.cluster_centers_.astype(np.float64)
    distances = np.sqrt(((X[:, None, :] - centers[None]) ** 2).sum(-1))
    assert_allclose(transformed, distances, rtol=rtol, atol=rtol)
    labels = model.fit_predict(X)
    centers = model.cluster_centers_.astype(np.float64)
    distances = np.sqrt(((X[:, None, :] - centers[None]) ** 2).sum(-1))
    assert_array_equal(labels, distances.argmin(axis=1))
    assert_array_equal(model.labels_, distances.argmin(axis=1))
    assert_array_equal(model.predict(X), distances.argmin(axis=1))
    inertia = (distances.min(axis=1) ** 2).sum()
    assert model.inertia_ == pytest.approx(inertia, rel=rtol)
    assert model.score(X) == pytest.approx(-inertia, rel=rtol)


def test_kmeans_integer_weights_equal_repetition(global_random_seed):
    X = _data(global_random_seed, n_samples=200)
    weight = np.random.RandomState(global_random_seed).randint(1, 4, X.shape[0])
    init = _init(X, 3, global_random_seed)
    weighted = KMeans(3, init=init).fit(X, sample_weight=weight)
    repeated = KMeans(3, init=init).fit(np.repeat(X, weight, axis=0))
    assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_, atol=1e-10)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-10)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_kmeans_weights_equal_repetition_any_order(init, global_random_seed):
    # k-means++ draws along a canonical order of the samples: integer weights,
    # repeated samples and shuffled samples give the same model.
    rng = np.random.RandomState(global_random_seed)
    X = rng.rand(30, 4)
    weight = rng.randint(0, 4, X.shape[0])
    params = dict(n_clusters=4, init=init, n_init=1, random_state=0)
    repeated = KMeans(**params).fit(np.repeat(X, weight, axis=0))
    perm = rng.permutation(X.shape[0])
    weighted = KMeans(**params).fit(X[perm], sample_weight=weight[perm])
    if init == "k-means++":
        assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_)
        assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-10)
    else:  # "random" draws like scikit-learn, along the input order
        theirs = sk_cluster.KMeans(**params).fit(X[perm], sample_weight=weight[perm])
        assert_allclose(weighted.cluster_centers_, theirs.cluster_centers_)


def test_kmeans_copy_x_false_restores_data(global_random_seed):
    X = _data(global_random_seed)
    X_before = X.copy()
    no_copy = KMeans(3, random_state=0, copy_x=False).fit(X)
    assert_allclose(X, X_before, atol=1e-12)
    copied = KMeans(3, random_state=0).fit(X_before)
    assert_array_equal(no_copy.labels_, copied.labels_)
    assert_allclose(no_copy.cluster_centers_, copied.cluster_centers_, atol=1e-12)


def test_kmeans_tol_zero_and_max_iter(global_random_seed):
    X = _data(global_random_seed)
    init = _init(X, 5, global_random_seed)
    for params in ({"tol": 0.0}, {"max_iter": 2}, {"tol": 1e-1}):
        ours = KMeans(5, init=init, **params).fit(X)
        theirs = sk_cluster.KMeans(5, init=init, **params).fit(X)
        assert ours.n_iter_ == theirs.n_iter_
        assert_array_equal(ours.labels_, theirs.labels_)


def test_kmeans_verbose_prints(capsys):
    X = _data(0, n_samples=100)
    KMeans(2, random_state=0, verbose=1).fit(X)
    assert "Converged at iteration" in capsys.readouterr().out


def test_kmeans_feature_names_out():
    X = _data(0, n_samples=100)
    model = KMeans(3, random_state=0).fit(X)
    assert_array_equal(model.get_feature_names_out(), ["kmeans0", "kmeans1", "kmeans2"])


def test_is_same_clustering():
    assert is_same_clustering(np.array([0, 0, 1, 2]), np.array([2, 2, 0, 1]), 3)
    assert not is_same_clustering(np.array([0, 0, 1, 2]), np.array([2, 1, 0, 1]), 3)


# --- errors --------------------------------------------------------------------


def test_kmeans_rejects_more_clusters_than_samples():
    with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=4"):
        KMeans(4).fit(np.arange(6.0).reshape(3, 2))


def test_kmeans_rejects_nan():
    X = _data(0, n_samples=20)
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        KMeans(2).fit(X)
    model = KMeans(2, random_state=0).fit(np.nan_to_num(X))
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(X)


def test_kmeans_rejects_negative_sample_weight():
    X = _data(0, n_samples=20)
    weight = np.ones(20)
    weight[4] = -1
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        KMeans(2).fit(X, sample_weight=weight)


@pytest.mark.parametrize(
    "init, message",
    [
        (np.zeros((3, 5)), r"does not match the number of clusters 2"),
        (np.zeros((2, 4)), r"does not match the number of features of the data 5"),
    ],
)
def test_kmeans_rejects_wrong_init_shape(init, message):
    with pytest.raises(ValueError, match=message):
        KMeans(2, init=init).fit(_data(0, n_samples=20))


def test_kmeans_rejects_bad_callable_init_shape():
    def init(X, n_clusters, random_state):
        return X[: n_clusters + 1]

    with pytest.raises(ValueError, match="number of clusters 2"):
        KMeans(2, init=init).fit(_data(0, n_samples=20))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"algorithm": "full"}, "'algorithm' parameter of KMeans must be"),
        ({"init": "kmeans++"}, "'init' parameter of KMeans must be"),
        ({"n_init": 0}, "'n_init' parameter of KMeans must be"),
        ({"n_clusters": 0}, "'n_clusters' parameter of KMeans must be"),
        ({"tol": -1.0}, "'tol' parameter of KMeans must be"),
    ],
)
def test_kmeans_rejects_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        KMeans(**params).fit(_data(0, n_samples=20))


def _sparse_data(seed, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = sp.random(400, 30, density=0.2, format="csr", random_state=rng)
    X.data = rng.standard_normal(X.nnz) + 2.0
    return X.astype(dtype)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_sparse_matches_sklearn_and_dense(
    algorithm, dtype, weighted, global_random_seed
):
    X = _sparse_data(global_random_seed, dtype)
    rng = np.random.RandomState(global_random_seed)
    init = X[rng.choice(X.shape[0], 5, replace=False)].toarray()
    weight = rng.uniform(0.2, 3, X.shape[0]) if weighted else None
    params = dict(n_clusters=5, init=init, n_init=1, algorithm=algorithm)
    ours = KMeans(**params).fit(X, sample_weight=weight)
    theirs = sk_cluster.KMeans(**params).fit(X, sample_weight=weight)
    dense = KMeans(**params).fit(X.toarray(), sample_weight=weight)
    assert_array_equal(ours.labels_, theirs.labels_)
    assert_array_equal(ours.labels_, dense.labels_)
    assert ours.n_iter_ == theirs.n_iter_
    tol = 1e-10 if dtype == np.float64 else 1e-4
    assert_allclose(ours.inertia_, theirs.inertia_, rtol=tol)
    assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=tol)
    assert ours.cluster_centers_.dtype == dtype
    X_new = _sparse_data(global_random_seed + 1, dtype)
    assert_array_equal(ours.predict(X_new), theirs.predict(X_new))
    assert_array_equal(ours.predict(X_new), dense.predict(X_new.toarray()))
    assert_allclose(ours.transform(X_new), theirs.transform(X_new), rtol=tol, atol=tol)
    assert_allclose(
        ours.transform(X_new), dense.transform(X_new.toarray()), rtol=tol, atol=tol
    )
    assert ours.score(X_new) == pytest.approx(theirs.score(X_new), rel=tol)
    assert ours.score(X_new) == pytest.approx(dense.score(X_new.toarray()), rel=tol)


def test_kmeans_sparse_kmeans_plusplus_matches_dense(global_random_seed):
    # The canonical sampling order does not depend on the storage format.
    X = _sparse_data(global_random_seed)
    sparse_model = KMeans(4, random_state=global_random_seed).fit(X)
    dense_model = KMeans(4, random_state=global_random_seed).fit(X.toarray())
    assert adjusted_rand_score(sparse_model.labels_, dense_model.labels_) == 1.0
    assert sparse_model.inertia_ == pytest.approx(dense_model.inertia_, rel=1e-8)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_kmeans_sparse_relocates_empty_clusters(algorithm):
    X = sp.csr_matrix(np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [100.0]]))
    init = np.array([[1.0], [10.0], [1000.0]])
    ours = KMeans(3, init=init, n_init=1, algorithm=algorithm).fit(X)
    theirs = sk_cluster.KMeans(3, init=init, n_init=1, algorithm=algorithm).fit(X)
    assert_allclose(np.sort(ours.cluster_centers_.ravel()), [1.0, 10.5, 100.0])
    assert_allclose(ours.cluster_centers_, theirs.cluster_centers_)
    assert_array_equal(ours.labels_, theirs.labels_)


def test_kmeans_sparse_elkan_agrees_with_lloyd(global_random_seed):
    # Pruned or not, the same iterations: same labels and iteration count.
    X = _sparse_data(global_random_seed)
    rng = np.random.RandomState(global_random_seed)
    init = X[rng.choice(X.shape[0], 7, replace=False)].toarray()
    lloyd = KMeans(7, init=init, algorithm="lloyd").fit(X)
    elkan = KMeans(7, init=init, algorithm="elkan").fit(X)
    assert_array_equal(elkan.labels_, lloyd.labels_)
    assert elkan.n_iter_ == lloyd.n_iter_
    assert_allclose(elkan.cluster_centers_, lloyd.cluster_centers_, atol=1e-12)
    assert elkan.inertia_ == pytest.approx(lloyd.inertia_, rel=1e-12)


def test_kmeans_sparse_duplicate_entries_are_summed():
    # A CSR matrix storing each coordinate twice (two halves) means their sum,
    # as SciPy's products say; the input itself is left unchanged.
    canonical = _sparse_data(0)
    counts = np.diff(canonical.indptr)
    indptr = np.concatenate([[0], np.cumsum(2 * counts)])
    indices = np.empty(2 * canonical.nnz, dtype=np.int32)
    data = np.empty(2 * canonical.nnz)
    for i in range(canonical.shape[0]):
        row = slice(canonical.indptr[i], canonical.indptr[i + 1])
        twice = slice(indptr[i], indptr[i + 1])
        indices[twice] = np.tile(canonical.indices[row], 2)
        data[twice] = np.tile(canonical.data[row] / 2, 2)
    X = sp.csr_matrix((data, indices, indptr), shape=canonical.shape)
    assert X.nnz == 2 * canonical.nnz
    init = canonical[:4].toarray()
    for algorithm in ALGORITHMS:
        ours = KMeans(4, init=init, algorithm=algorithm).fit(X)
        ref = KMeans(4, init=init, algorithm=algorithm).fit(canonical.toarray())
        assert_array_equal(ours.labels_, ref.labels_)
        assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
        assert_array_equal(ours.predict(X), ref.labels_)
    assert X.nnz == 2 * canonical.nnz


def test_kmeans_elkan_single_cluster_falls_back_to_lloyd():
    X = _data(0, n_samples=30)
    with pytest.warns(RuntimeWarning, match="Using 'lloyd' instead"):
        model = KMeans(1, algorithm="elkan").fit(X)
    assert_allclose(model.cluster_centers_[0], X.mean(axis=0), atol=1e-12)
