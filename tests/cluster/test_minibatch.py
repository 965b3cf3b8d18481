# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.cluster.MiniBatchKMeans."""

import numpy as np
import pytest
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
