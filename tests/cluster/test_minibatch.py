# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.cluster.MiniBatchKMeans."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import cluster as sk_cluster
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits

from skml.cluster import KMeans, MiniBatchKMeans

_RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _single_thread():
    with threadpool_limits(limits=1):
        yield


def _sq_distances(X, centers):
    X, centers = np.asarray(X, np.float64), np.asarray(centers, np.float64)
    return ((X[:, None, :] - centers[None]) ** 2).sum(-1)


def _reference_minibatch_steps(batches, centers):
    """Brute-force mini-batch k-means without reassignment (unit weights).

    Each step assigns the batch to the current centers, then moves each center
    to the running mean of every sample ever assigned to it.
    """
    centers = np.array(centers, dtype=np.float64)
    counts = np.zeros(len(centers))
    for batch in batches:
        labels = _sq_distances(batch, centers).argmin(axis=1)
        for j in np.unique(labels):
            members = batch[labels == j]
            total = counts[j] + len(members)
            centers[j] = (centers[j] * counts[j] + members.sum(axis=0)) / total
            counts[j] = total
    return centers, counts


def _blobs(seed, n_samples=3000):
    X, _ = make_blobs(
        n_samples=n_samples,
        centers=5,
        n_features=4,
        cluster_std=2.0,
        center_box=(-30, 30),
        random_state=seed,
    )
    return X


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_minibatch_inertia_close_to_sklearn(dtype, global_random_seed):
    X = _blobs(global_random_seed).astype(dtype)
    # Three seedings each, on well-separated blobs: both find the five blobs.
    params = dict(
        n_clusters=5, batch_size=256, n_init=3, random_state=global_random_seed
    )
    ours = MiniBatchKMeans(**params).fit(X)
    theirs = sk_cluster.MiniBatchKMeans(**params).fit(X)
    full = KMeans(5, n_init=3, random_state=global_random_seed).fit(X)
    assert ours.cluster_centers_.dtype == dtype
    assert ours.inertia_ <= 1.05 * theirs.inertia_
    assert ours.inertia_ <= 1.05 * full.inertia_
    assert ours.n_steps_ >= 1
    assert ours.n_iter_ == int(np.ceil(ours.n_steps_ * 256 / X.shape[0]))
    # labels_, predict, inertia_ and score against closed forms at the centers.
    sq_dist = _sq_distances(X, ours.cluster_centers_)
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    assert_array_equal(ours.labels_, sq_dist.argmin(axis=1))
    assert_array_equal(ours.predict(X), sq_dist.argmin(axis=1))
    assert ours.inertia_ == pytest.approx(sq_dist.min(axis=1).sum(), rel=rtol)
    assert ours.score(X) == pytest.approx(-sq_dist.min(axis=1).sum(), rel=rtol)


def test_minibatch_deterministic(global_random_seed):
    X = _blobs(global_random_seed)
    a = MiniBatchKMeans(5, batch_size=128, random_state=global_random_seed).fit(X)
    b = MiniBatchKMeans(5, batch_size=128, random_state=global_random_seed).fit(X)
    assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.n_steps_ == b.n_steps_


def test_minibatch_partial_fit_semantics(global_random_seed):
    X = _blobs(global_random_seed)
    init = X[:5].copy()
    model = MiniBatchKMeans(
        5, init=init, reassignment_ratio=0.0, random_state=global_random_seed
    )
    batches = np.array_split(X, 10)
    model.partial_fit(batches[0])
    assert model.n_steps_ == 1
    # The first step from explicit centers: each center becomes the mean of the
    # samples assigned to it (its count was zero).
    first = batches[0]
    labels = ((first[:, None, :] - init[None]) ** 2).sum(-1).argmin(axis=1)
    for j in range(5):
        if (labels == j).any():
            assert_allclose(
                model.cluster_centers_[j], first[labels == j].mean(axis=0), atol=1e-10
            )
    assert_allclose(model._counts.sum(), first.shape[0])
    assert_array_equal(
        model.labels_, _sq_distances(first, model.cluster_centers_).argmin(axis=1)
    )
    for batch in batches[1:]:
        model.partial_fit(batch)
    assert model.n_steps_ == 10
    # Every step, against a brute-force reference and scikit-learn (which is
    # deterministic here: explicit init, no reassignment).
    centers, counts = _reference_minibatch_steps(batches, init)
    assert_allclose(model.cluster_centers_, centers, rtol=1e-10, atol=1e-10)
    assert_allclose(model._counts, counts)
    ref = sk_cluster.MiniBatchKMeans(
        5, init=init, reassignment_ratio=0.0, random_state=global_random_seed
    )
    for batch in batches:
        ref.partial_fit(batch)
    assert_allclose(
        model.cluster_centers_, ref.cluster_centers_, rtol=1e-10, atol=1e-10
    )
    assert_array_equal(
        model.labels_, _sq_distances(batches[-1], centers).argmin(axis=1)
    )
    assert_array_equal(model.labels_, ref.labels_)


def test_minibatch_partial_fit_matches_running_mean():
    # Without reassignment, partial_fit keeps each center at the running mean of
    # every sample ever assigned to it.
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(10, 0.1, (50, 2))])
    rng.shuffle(X)
    init = np.array([[0.0, 0.0], [10.0, 10.0]])
    model = MiniBatchKMeans(2, init=init, reassignment_ratio=0.0)
    for batch in np.array_split(X, 5):
        model.partial_fit(batch)
    labels = (X[:, 0] > 5).astype(int)
    for j in range(2):
        assert_allclose(model.cluster_centers_[j], X[labels == j].mean(axis=0))


def test_minibatch_weights_equal_repetition(global_random_seed):
    # Integer weights and repeated samples give the same model.
    rng = np.random.RandomState(global_random_seed)
    X = rng.rand(20, 3)
    weight = rng.randint(0, 4, X.shape[0])
    repeated = MiniBatchKMeans(4, random_state=0).fit(np.repeat(X, weight, axis=0))
    perm = rng.permutation(X.shape[0])
    weighted = MiniBatchKMeans(4, random_state=0).fit(
        X[perm], sample_weight=weight[perm]
    )
    assert_array_equal(weighted.predict(X), repeated.predict(X))
    assert_allclose(weighted.transform(X), repeated.transform(X), atol=1e-10)


def test_minibatch_compute_labels_false(global_random_seed):
    X = _blobs(global_random_seed, n_samples=1000)
    model = MiniBatchKMeans(5, compute_labels=False, random_state=0).fit(X)
    assert not hasattr(model, "labels_")
    # compute_labels only decides what is computed after the fit.
    labelled = MiniBatchKMeans(5, random_state=0).fit(X)
    assert_array_equal(model.cluster_centers_, labelled.cluster_centers_)
    # inertia_ is then the running (EWA) estimate; a batch as large as the data
    # (1024 >= 1000) is the data, and after convergence the estimate is the
    # inertia at the final centers.
    inertia = _sq_distances(X, model.cluster_centers_).min(axis=1).sum()
    assert model.inertia_ == pytest.approx(inertia, rel=1e-9)


def test_minibatch_reassigns_empty_centers():
    # A center far from all data gets no sample: it is reassigned to a sample.
    X = _blobs(0, n_samples=500)
    init = np.vstack([X[:4], [[1e4, 1e4, 1e4, 1e4]]])
    model = MiniBatchKMeans(5, init=init, batch_size=100, random_state=0).fit(X)
    ref = sk_cluster.MiniBatchKMeans(5, init=init, batch_size=100, random_state=0)
    for fitted in (ref.fit(X), model):
        assert np.abs(fitted.cluster_centers_).max() < 100
        # No center is left empty: each one is the nearest for some sample.
        assert_array_equal(np.unique(fitted.predict(X)), np.arange(5))


def test_minibatch_rejects_bad_input():
    with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=4"):
        MiniBatchKMeans(4).fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="'batch_size' parameter"):
        MiniBatchKMeans(batch_size=0).fit(np.zeros((10, 2)))
    with pytest.raises(ValueError, match="Negative values"):
        MiniBatchKMeans(2).fit(_RNG.random((10, 2)), sample_weight=-np.ones(10))
    model = MiniBatchKMeans(2, random_state=0).partial_fit(_RNG.random((10, 2)))
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(_RNG.random((10, 3)))
    with pytest.warns(RuntimeWarning, match="init_size=1 should be larger"):
        MiniBatchKMeans(2, init_size=1, random_state=0).fit(_RNG.random((10, 2)))


# --- a NumPy replay of fit --------------------------------------------------


def _canonical_order(X):
    # The documented sampling order: rows sorted (stably) by a fixed random
    # projection, each row summed in column order in float64.
    direction = np.random.RandomState(0).standard_normal(X.shape[1])
    projection = np.zeros(X.shape[0])
    for f in range(X.shape[1]):
        projection = projection + X[:, f] * direction[f]
    return np.argsort(projection, kind="stable")


def _reference_fit(X, init, weight, *, batch_size, n_steps, seed, tol=0.0, stop=None):
    """Mini-batch k-means of the documentation, without reassignment, in NumPy.

    Replays ``fit``'s random stream: the validation and seeding subsets
    (``randint``) when ``init_size < n_samples``, then one ``uniform`` draw per
    batch sample, mapped along the canonical order by cumulative weight. Each
    step assigns the batch (unit weights) to the nearest centers and moves
    every hit center to the running mean of all its samples. Returns the
    centers after each step and the step at which early stopping (``tol``
    relative to the mean variance, ``stop`` = max_no_improvement) fires.
    """
    n_samples = X.shape[0]
    rng = np.random.RandomState(seed)
    init_size = min(3 * batch_size, n_samples)
    if init_size < n_samples:
        rng.randint(0, n_samples, init_size)  # validation subset
        rng.randint(0, n_samples, init_size)  # seeding subset (array init)
    order = _canonical_order(X)
    cumulative = np.cumsum(weight[order])
    centers = np.array(init, dtype=np.float64)
    counts = np.zeros(len(centers))
    abs_tol = tol * np.var(X, axis=0).mean()
    ewa = ewa_min = None
    no_improvement = 0
    history = []
    stopped_at = None
    for step in range(1, n_steps + 1):
        values = rng.uniform(size=batch_size) * cumulative[-1]
        positions = np.minimum(
            np.searchsorted(cumulative, values, side="right"), n_samples - 1
        )
        batch = X[order[positions]]
        sq_dist = _sq_distances(batch, centers)
        labels = sq_dist.argmin(axis=1)
        inertia = sq_dist.min(axis=1).sum() / batch_size
        old = centers.copy()
        for j in np.unique(labels):
            members = batch[labels == j]
            total = counts[j] + len(members)
            centers[j] = (centers[j] * counts[j] + members.sum(axis=0)) / total
            counts[j] = total
        history.append(centers.copy())
        if step == 1:
            continue
        if ewa is None:
            ewa = inertia
        else:
            alpha = min(batch_size * 2.0 / (n_samples + 1), 1)
            ewa = ewa * (1 - alpha) + inertia * alpha
        if abs_tol > 0 and ((centers - old) ** 2).sum() <= abs_tol:
            stopped_at = ("small centers change", step)
            break
        if ewa_min is None or ewa < ewa_min:
            no_improvement, ewa_min = 0, ewa
        else:
            no_improvement += 1
        if stop is not None and no_improvement >= stop:
            stopped_at = ("lack of improvement", step)
            break
    return history, stopped_at


def _recorded_steps(monkeypatch):
    """Record the centers after every mini-batch step of skml's fit."""
    import skml.cluster._minibatch as minibatch

    history = []
    step = minibatch._mini_batch_step

    def recording_step(X, sample_weight, centers, centers_new, *args):
        inertia = step(X, sample_weight, centers, centers_new, *args)
        history.append(np.array(centers_new, dtype=np.float64))
        return inertia

    monkeypatch.setattr(minibatch, "_mini_batch_step", recording_step)
    return history


@pytest.mark.parametrize("weighted", [False, True])
def test_minibatch_fit_matches_numpy_replay_step_by_step(
    weighted, monkeypatch, global_random_seed
):
    X = _blobs(global_random_seed, n_samples=1200)
    rng = np.random.RandomState(global_random_seed)
    weight = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else np.ones(X.shape[0])
    init = X[rng.choice(X.shape[0], 5, replace=False)]
    history = _recorded_steps(monkeypatch)
    model = MiniBatchKMeans(
        5,
        init=init,
        batch_size=100,
        max_iter=2,
        reassignment_ratio=0.0,
        max_no_improvement=None,
        random_state=global_random_seed,
    ).fit(X, sample_weight=weight if weighted else None)
    expected, stopped_at = _reference_fit(
        X, init, weight, batch_size=100, n_steps=24, seed=global_random_seed
    )
    assert stopped_at is None
    assert model.n_steps_ == 24 and len(history) == 24
    for ours, theirs in zip(history, expected):
        assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)
    assert_allclose(model.cluster_centers_, expected[-1], rtol=1e-10, atol=1e-10)
    assert_array_equal(model.labels_, _sq_distances(X, expected[-1]).argmin(axis=1))


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"max_no_improvement": 3, "tol": 0.0}, "lack of improvement"),
        ({"max_no_improvement": None, "tol": 1e-3}, "small centers change"),
    ],
)
def test_minibatch_early_stopping_matches_numpy_replay(
    params, reason, capsys, global_random_seed
):
    # Both rules stop well before max_iter, at the step the replay predicts.
    X = _blobs(global_random_seed, n_samples=1200)
    rng = np.random.RandomState(global_random_seed)
    init = X[rng.choice(X.shape[0], 5, replace=False)]
    max_iter = 50
    model = MiniBatchKMeans(
        5,
        init=init,
        batch_size=100,
        max_iter=max_iter,
        reassignment_ratio=0.0,
        random_state=global_random_seed,
        verbose=1,
        **params,
    ).fit(X)
    _, (expected_reason, expected_step) = _reference_fit(
        X,
        init,
        np.ones(X.shape[0]),
        batch_size=100,
        n_steps=max_iter * 12,
        seed=global_random_seed,
        tol=params["tol"],
        stop=params["max_no_improvement"],
    )
    assert expected_reason == reason
    assert model.n_steps_ == expected_step < max_iter * 12
    out = capsys.readouterr().out
    assert f"Converged ({reason}) at step {expected_step}/{max_iter * 12}" in out
    again = MiniBatchKMeans(**model.get_params()).fit(X)
    assert again.n_steps_ == model.n_steps_
    assert_array_equal(again.cluster_centers_, model.cluster_centers_)


def test_minibatch_reassigns_centers_with_tiny_counts(global_random_seed):
    # One batch of 99 blob samples and one outlier; center 4 sits on the
    # outlier and gets a count of 1 (not 0) next to counts of about 25. The
    # first step always checks for reassignment: below reassignment_ratio times
    # the largest count, center 4 is moved onto a sample of the batch, while
    # the other centers are the means of their samples as without reassignment.
    X, y = make_blobs(
        n_samples=99,
        centers=5,
        n_features=4,
        cluster_std=2.0,
        center_box=(-30, 30),
        random_state=global_random_seed,
    )
    outlier = np.full((1, 4), 1000.0)
    batch = np.vstack([X, outlier])
    # The other centers start on four blob means: none of them gets few samples.
    means = [X[y == label].mean(axis=0) for label in range(4)]
    init = np.vstack([means, outlier])
    kept = MiniBatchKMeans(5, init=init, reassignment_ratio=0.0).partial_fit(batch)
    moved = MiniBatchKMeans(
        5, init=init, reassignment_ratio=0.2, random_state=global_random_seed
    ).partial_fit(batch)
    centers, counts = _reference_minibatch_steps([batch], init)
    assert counts[4] == 1
    assert counts[4] < 0.2 * counts.max()
    assert_allclose(kept.cluster_centers_, centers, rtol=1e-12)
    assert_allclose(moved.cluster_centers_[:4], centers[:4], rtol=1e-12)
    assert (np.abs(X - moved.cluster_centers_[4]).max(axis=1) == 0).any()
    # Its count is reset to the smallest other count, not left at 1.
    assert moved._counts[4] == counts[:4].min()
    # In a full fit, the outlier's center ends among the blobs only with
    # reassignment.
    X = np.vstack([_blobs(global_random_seed, n_samples=1000), outlier])
    rng = np.random.RandomState(global_random_seed)
    init = np.vstack([X[rng.choice(1000, 4, replace=False)], outlier])
    params = dict(init=init, batch_size=50, max_iter=3, random_state=0)
    fitted = MiniBatchKMeans(5, reassignment_ratio=0.0, **params).fit(X)
    assert_array_equal(fitted.cluster_centers_[4], outlier[0])
    fitted = MiniBatchKMeans(5, reassignment_ratio=0.05, **params).fit(X)
    assert np.abs(fitted.cluster_centers_).max() < 100


@pytest.mark.parametrize("sparse", [False, True])
def test_minibatch_thread_count_invariant(sparse, global_random_seed):
    from skml.utils._openmp import effective_n_threads

    if effective_n_threads(-1) < 2:
        pytest.skip("needs 2 CPUs: with one, both runs are serial")
    X = _blobs(global_random_seed, n_samples=3000)
    if sparse:
        X = sp.csr_matrix(np.where(np.abs(X) < 5, 0.0, X))
    results = []
    for n_threads in (1, 2):
        with threadpool_limits(limits=n_threads, user_api="openmp"):
            model = MiniBatchKMeans(
                5, batch_size=600, random_state=global_random_seed
            ).fit(X)
            assert model._n_threads == n_threads
            results.append(model)
    assert_array_equal(results[0].cluster_centers_, results[1].cluster_centers_)
    assert_array_equal(results[0].labels_, results[1].labels_)
    assert results[0].n_steps_ == results[1].n_steps_
    assert results[0].inertia_ == results[1].inertia_


@pytest.mark.parametrize("init", ["k-means++", "random", "array"])
def test_minibatch_sparse_matches_dense(init, global_random_seed):
    # The same batches, assignments and updates: sparse and dense fits agree.
    X = _blobs(global_random_seed, n_samples=2000)
    X[np.abs(X) < 8] = 0.0
    rng = np.random.RandomState(global_random_seed)
    if init == "array":
        init = X[rng.choice(X.shape[0], 5, replace=False)]
    weight = rng.uniform(0.5, 2.0, X.shape[0])
    params = dict(init=init, batch_size=128, random_state=global_random_seed)
    dense = MiniBatchKMeans(5, **params).fit(X, sample_weight=weight)
    sparse = MiniBatchKMeans(5, **params).fit(sp.csr_matrix(X), sample_weight=weight)
    assert sparse.n_steps_ == dense.n_steps_
    assert_allclose(
        sparse.cluster_centers_, dense.cluster_centers_, rtol=1e-9, atol=1e-9
    )
    assert_array_equal(sparse.labels_, dense.labels_)
    assert sparse.inertia_ == pytest.approx(dense.inertia_, rel=1e-9)
    X_new = sp.csr_matrix(_blobs(global_random_seed + 1, n_samples=200))
    assert_array_equal(sparse.predict(X_new), dense.predict(X_new.toarray()))
    # partial_fit on CSR batches, against dense batches.
    a = MiniBatchKMeans(5, init=X[:5], reassignment_ratio=0.0)
    b = MiniBatchKMeans(5, init=X[:5], reassignment_ratio=0.0)
    for batch in np.array_split(X, 4):
        a.partial_fit(sp.csr_matrix(batch))
        b.partial_fit(batch)
    assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-10, atol=1e-10)
