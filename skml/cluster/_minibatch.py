# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Mini-batch k-means."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state

from skml._distances import _blas_single_threaded
from skml.cluster._engine import (
    _canonical_order,
    _sample,
    _Workspace,
    labels_inertia,
)
from skml.cluster._kmeans import _BaseKMeans, _canonical_csr
from skml.utils._openmp import effective_n_threads
from skml.utils._sklearn import Interval, _fit_context


def _mini_batch_step(
    X,
    sample_weight,
    centers,
    centers_new,
    counts,
    workspace,
    random_state,
    random_reassign,
    reassignment_ratio,
    verbose,
):
    """Assign a batch to the centers and move each center towards its samples.

    A center becomes the weighted mean of every sample it was ever assigned
    (``counts`` holds their total weight). Returns the batch inertia, computed
    before the update.
    """
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    workspace.lloyd(X, sample_weight, centers, labels, True)
    inertia = workspace.inertia(X, sample_weight, centers, labels)
    sums, weights = workspace.sums, workspace.weights
    hit = weights > 0
    new_counts = counts + weights
    updated = (centers * counts[:, None] + sums)[hit] / new_counts[hit, None]
    centers_new[:] = centers
    centers_new[hit] = updated
    counts[:] = new_counts

    if random_reassign and reassignment_ratio > 0:
        to_reassign = counts < reassignment_ratio * counts.max()
        # Reassign at most half a batch of centers.
        if to_reassign.sum() > 0.5 * X.shape[0]:
            keep = np.argsort(counts)[int(0.5 * X.shape[0]) :]
            to_reassign[keep] = False
        n_reassigns = int(to_reassign.sum())
        if n_reassigns:
            # Batch samples drawn by weight along the canonical order, so that
            # integer weights and repeated samples pick the same points.
            order = _canonical_order(X)
            cumulative = np.cumsum(sample_weight[order])
            draws = random_state.uniform(size=n_reassigns) * cumulative[-1]
            new_ids = _sample(cumulative, order, draws)
            if verbose:
                print(f"[MiniBatchKMeans] Reassigning {n_reassigns} cluster centers.")
            new_centers = X[new_ids]
            if sp.issparse(new_centers):
                new_centers = new_centers.toarray()
            centers_new[to_reassign] = new_centers
        # Reset the counts of reassigned centers, not too low to avoid an
        # instant reassignment (as scikit-learn does).
        if n_reassigns < counts.shape[0]:
            counts[to_reassign] = np.min(counts[~to_reassign])
    return inertia


class MiniBatchKMeans(_BaseKMeans):
    """Mini-batch k-means clustering.

    K-means on random mini-batches: each step assigns a batch to the nearest
    centers and moves every center to the running weighted mean of all the
    samples it has been assigned so far. Much faster than :class:`KMeans` on
    large data, at the price of a slightly higher inertia. Follows
    scikit-learn's ``MiniBatchKMeans`` step for step.

    Read more in the :ref:`User Guide <minibatch_kmeans>`.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (and centers).

    init : {"k-means++", "random"}, callable or array-like of shape \
            (n_clusters, n_features), default="k-means++"
        How to choose the initial centers, as in :class:`KMeans`; seeding uses
        a random subset of ``init_size`` samples.

    max_iter : int, default=100
        Maximum number of passes over the data (``max_iter * n_samples /
        batch_size`` steps), unless stopped early.

    batch_size : int, default=1024
        Number of samples per mini-batch.

    verbose : int, default=0
        Print progress when positive.

    compute_labels : bool, default=True
        Compute ``labels_`` and ``inertia_`` on the whole data at the end of
        ``fit`` (and on the batch in ``partial_fit``).

    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation, the batches and the reassignments.

    tol : float, default=0.0
        Stop when the squared change of the centers in a step is at most
        ``tol`` times the mean variance of the features; 0 disables this rule.

    max_no_improvement : int, default=10
        Stop after this many steps without improvement of the smoothed batch
        inertia; ``None`` disables this rule.

    init_size : int, default=None
        Number of samples used for seeding (and for choosing the best of
        ``n_init`` seedings); ``None`` means ``3 * batch_size`` (at least
        ``3 * n_clusters``).

    n_init : "auto" or int, default="auto"
        Number of seedings tried; the one of lowest inertia on a validation
        subset is used. ``"auto"`` means 1 for ``init="k-means++"`` or an
        array and 3 otherwise. Unlike :class:`KMeans`, only one run follows.

    reassignment_ratio : float, default=0.01
        Centers whose accumulated weight falls below this fraction of the
        largest are moved onto random samples of the batch, regularly and
        whenever a center has no weight.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centers of the clusters.

    labels_ : ndarray of shape (n_samples,)
        Cluster index of each sample (if ``compute_labels``).

    inertia_ : float
        Weighted sum of squared distances to the nearest center: of the whole
        data if ``compute_labels``, else estimated from the smoothed batch
        inertia.

    n_iter_ : int
        Number of passes over the data.

    n_steps_ : int
        Number of mini-batches processed.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when ``X``
        has feature names that are all strings.

    See Also
    --------
    KMeans : Full-batch k-means.
    sklearn.cluster.MiniBatchKMeans : The scikit-learn estimator this one
        follows.

    Notes
    -----
    The accumulated weight of each center is kept (private) in ``_counts``.
    Batches are drawn with replacement, with probability proportional to
    ``sample_weight``. CSR sparse input gives the same steps as its dense
    equivalent (the same batches, assignments and updates), with sparse kernels.

    References
    ----------
    .. [1] D. Sculley, "Web-scale k-means clustering", WWW 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.cluster import MiniBatchKMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 0], [4, 4],
    ...               [4, 5], [0, 1], [2, 2], [3, 2], [5, 5], [1, -1]])
    >>> km = MiniBatchKMeans(n_clusters=2, batch_size=6, random_state=0).fit(X)
    >>> km.cluster_centers_.shape
    (2, 2)
    >>> km.predict([[0, 0], [4, 4]]).tolist()
    [0, 1]
    """

    _parameter_constraints: dict = {
        **_BaseKMeans._parameter_constraints,
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "compute_labels": ["boolean"],
        "max_no_improvement": [Interval(Integral, 0, None, closed="left"), None],
        "init_size": [Interval(Integral, 1, None, closed="left"), None],
        "reassignment_ratio": [Interval(Real, 0, None, closed="left")],
    }

    _default_n_init = 3

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        verbose=0,
        compute_labels=True,
        random_state=None,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        n_init="auto",
        reassignment_ratio=0.01,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio

    def _check_params_vs_input(self, X):
        super()._check_params_vs_input(X)
        self._batch_size = min(self.batch_size, X.shape[0])
        init_size = self.init_size
        if init_size is None:
            init_size = 3 * self._batch_size
        if init_size < self.n_clusters or (
            self.init_size is None and init_size < 3 * self.n_clusters
        ):
            if self.init_size is not None:
                warnings.warn(
                    f"init_size={init_size} should be larger than "
                    f"n_clusters={self.n_clusters}. Setting it to "
                    "min(3*n_clusters, n_samples)",
                    RuntimeWarning,
                    stacklevel=3,
                )
            init_size = 3 * self.n_clusters
        self._init_size = min(init_size, X.shape[0])

    def _convergence(
        self, step, n_steps, n_samples, centers_squared_diff, inertia, batch_weight
    ):
        """Early stopping on center change or on the smoothed batch inertia."""
        inertia /= batch_weight
        step += 1
        if step == 1:  # the first inertia comes from the initial centers
            if self.verbose:
                print(f"Minibatch step {step}/{n_steps}: mean batch inertia: {inertia}")
            return False
        if self._ewa_inertia is None:
            self._ewa_inertia = inertia
        else:
            alpha = min(self._batch_size * 2.0 / (n_samples + 1), 1)
            self._ewa_inertia = self._ewa_inertia * (1 - alpha) + inertia * alpha
        if self.verbose:
            print(
                f"Minibatch step {step}/{n_steps}: mean batch inertia: {inertia}, "
                f"ewa inertia: {self._ewa_inertia}"
            )
        if self._tol > 0.0 and centers_squared_diff <= self._tol:
            if self.verbose:
                print(f"Converged (small centers change) at step {step}/{n_steps}")
            return True
        if self._ewa_inertia_min is None or self._ewa_inertia < self._ewa_inertia_min:
            self._no_improvement = 0
            self._ewa_inertia_min = self._ewa_inertia
        else:
            self._no_improvement += 1
        if (
            self.max_no_improvement is not None
            and self._no_improvement >= self.max_no_improvement
        ):
            if self.verbose:
                print(f"Converged (lack of improvement) at step {step}/{n_steps}")
            return True
        return False

    def _random_reassign(self, batch_weight):
        """Reassign every ``10 * n_clusters`` samples, or when a center is empty.

        Samples are counted by weight.
        """
        self._n_since_last_reassign += batch_weight
        if (self._counts == 0).any() or self._n_since_last_reassign >= (
            10 * self.n_clusters
        ):
            self._n_since_last_reassign = 0
            return True
        return False

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Compute the centers on X by chunking it into mini-batches.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples (sparse: CSR).

        y : None
            Ignored.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; ``None`` means unit weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, sample_weight = self._validate_fit_data(X, sample_weight)
        self._check_params_vs_input(X)
        random_state = check_random_state(self.random_state)
        self._n_threads = effective_n_threads(None)
        n_samples, n_features = X.shape
        init = self._check_init_array(X)

        if self._init_size < n_samples:
            valid = random_state.randint(0, n_samples, self._init_size)
            X_valid, weight_valid = X[valid], sample_weight[valid]
        else:  # the whole (weighted) data
            X_valid, weight_valid = X, sample_weight
        best_inertia = None
        for i in range(self._n_init):
            if self.verbose:
                print(f"Init {i + 1}/{self._n_init} with method {init}")
            centers = self._init_centroids(
                X,
                init,
                random_state,
                sample_weight,
                init_size=self._init_size,
            )
            _, inertia = labels_inertia(X_valid, weight_valid, centers, self._n_threads)
            if self.verbose:
                print(f"Inertia for init {i + 1}/{self._n_init}: {inertia}")
            if best_inertia is None or inertia < best_inertia:
                init_centers, best_inertia = centers, inertia

        centers = init_centers
        centers_new = np.empty_like(centers)
        self._counts = np.zeros(self.n_clusters)
        self._ewa_inertia = self._ewa_inertia_min = None
        self._no_improvement = 0
        self._n_since_last_reassign = 0
        total_weight = sample_weight.sum()
        n_steps = (self.max_iter * n_samples) // self._batch_size
        # A batch as large as the data is the data itself, with its weights;
        # otherwise batches are drawn with replacement, by weight (along the
        # canonical order), and their samples count once each.
        full_batch = self._batch_size >= n_samples
        if not full_batch:
            order = _canonical_order(X, self._n_threads)
            cumulative = np.cumsum(sample_weight[order])
            batch_weight = np.ones(self._batch_size)
        workspace = _Workspace(
            self._batch_size,
            n_features,
            self.n_clusters,
            X.dtype,
            self._n_threads,
            sparse=sp.issparse(X),
        )
        i = 0
        with _blas_single_threaded():
            for i in range(n_steps):
                if full_batch:
                    X_batch, batch_weight = X, sample_weight
                else:
                    draws = random_state.uniform(size=self._batch_size)
                    X_batch = X[_sample(cumulative, order, draws * cumulative[-1])]
                weight_sum = float(batch_weight.sum())
                inertia = _mini_batch_step(
                    X_batch,
                    batch_weight,
                    centers,
                    centers_new,
                    self._counts,
                    workspace,
                    random_state,
                    self._random_reassign(weight_sum),
                    self.reassignment_ratio,
                    self.verbose,
                )
                if self._tol > 0.0:
                    diff = float(np.sum((centers_new - centers) ** 2))
                else:
                    diff = 0.0
                centers, centers_new = centers_new, centers
                if self._convergence(i, n_steps, n_samples, diff, inertia, weight_sum):
                    break
        self.cluster_centers_ = centers
        self._n_features_out = self.n_clusters
        self.n_steps_ = i + 1
        self.n_iter_ = int(np.ceil((i + 1) * self._batch_size / n_samples))
        if self.compute_labels:
            self.labels_, self.inertia_ = labels_inertia(
                X, sample_weight, centers, self._n_threads
            )
        else:
            ewa = self._ewa_inertia if self._ewa_inertia is not None else best_inertia
            self.inertia_ = float(ewa * total_weight)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the centers with one mini-batch.

        The first call seeds the centers from this batch.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            One mini-batch of samples (sparse: CSR).

        y : None
            Ignored.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; ``None`` means unit weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        has_centers = hasattr(self, "cluster_centers_")
        X, sample_weight = self._validate_fit_data(
            X, sample_weight, reset=not has_centers
        )
        if has_centers and sp.issparse(X):
            X = _canonical_csr(X.astype(self.cluster_centers_.dtype, copy=False))
        elif has_centers:
            X = np.ascontiguousarray(X, dtype=self.cluster_centers_.dtype)
        self._random_state = getattr(
            self, "_random_state", check_random_state(self.random_state)
        )
        self.n_steps_ = getattr(self, "n_steps_", 0)
        if not has_centers:
            self._check_params_vs_input(X)
            self._n_threads = effective_n_threads(None)
            init = self._check_init_array(X)
            self.cluster_centers_ = self._init_centroids(
                X,
                init,
                self._random_state,
                sample_weight,
                init_size=self._init_size,
            )
            self._counts = np.zeros(self.n_clusters)
            self._n_since_last_reassign = 0
        workspace = _Workspace(
            X.shape[0],
            X.shape[1],
            self.n_clusters,
            X.dtype,
            self._n_threads,
            sparse=sp.issparse(X),
        )
        with _blas_single_threaded():
            _mini_batch_step(
                X,
                sample_weight,
                self.cluster_centers_,
                self.cluster_centers_,
                self._counts,
                workspace,
                self._random_state,
                self._random_reassign(float(sample_weight.sum())),
                self.reassignment_ratio,
                self.verbose,
            )
        if self.compute_labels:
            self.labels_, self.inertia_ = labels_inertia(
                X, sample_weight, self.cluster_centers_, self._n_threads
            )
        self.n_steps_ += 1
        self._n_features_out = self.n_clusters
        return self
