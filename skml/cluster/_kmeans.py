# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""K-means clustering (Lloyd and Elkan)."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state

from skml._distances import pairwise
from skml.cluster._engine import (
    is_same_clustering,
    kmeans_plusplus,
    kmeans_single,
    labels_inertia,
    tolerance,
)
from skml.cluster._sparse import squared_distances, squared_row_norms
from skml.utils._openmp import effective_n_threads
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
    validate_data,
)


def _is_array_init(init):
    return not isinstance(init, str) and not callable(init)


def _canonical_csr(X):
    """X itself, or for a CSR matrix with duplicate entries, a summed copy.

    The sparse kernels need each stored coordinate once (their distances are
    not linear in the stored values); sorted indices are not needed.
    """
    if sp.issparse(X) and not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    return X


class _BaseKMeans(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator
):
    """What KMeans and MiniBatchKMeans share: seeding, predict, transform, score."""

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions({"k-means++", "random"}), callable, "array-like"],
        "n_init": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    # n_init="auto" for init="random" or a callable.
    _default_n_init = 10

    def _validate_fit_data(self, X, sample_weight, *, copy=False, reset=True):
        X = _canonical_csr(
            validate_data(
                self,
                X,
                accept_sparse="csr",
                accept_large_sparse=False,
                dtype=[np.float64, np.float32],
                order="C",
                copy=copy,
                reset=reset,
            )
        )
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        return X, np.ascontiguousarray(sample_weight)

    def _check_params_vs_input(self, X, centered=False):
        if X.shape[0] < self.n_clusters:
            raise ValueError(
                f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}."
            )
        self._tol = tolerance(X, self.tol, centered=centered)
        if self.n_init == "auto":
            if isinstance(self.init, str) and self.init == "random":
                self._n_init = self._default_n_init
            elif callable(self.init):
                self._n_init = self._default_n_init
            else:  # "k-means++" or an array
                self._n_init = 1
        else:
            self._n_init = self.n_init
        if _is_array_init(self.init) and self._n_init != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one init "
                f"in {type(self).__name__} instead of n_init={self._n_init}.",
                RuntimeWarning,
                stacklevel=3,
            )
            self._n_init = 1

    def _validate_center_shape(self, X, centers):
        if centers.shape[0] != self.n_clusters:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not match "
                f"the number of clusters {self.n_clusters}."
            )
        if centers.shape[1] != X.shape[1]:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not match "
                f"the number of features of the data {X.shape[1]}."
            )

    def _check_init_array(self, X):
        init = self.init
        if _is_array_init(init):
            init = check_array(init, dtype=X.dtype, copy=True, order="C")
            self._validate_center_shape(X, init)
        return init

    def _init_centroids(self, X, init, random_state, sample_weight, init_size=None):
        """Initial centers from ``init`` (a name, a callable or an array)."""
        n_samples = X.shape[0]
        if init_size is not None and init_size < n_samples:
            indices = random_state.randint(0, n_samples, init_size)
            X = X[indices]
            sample_weight = sample_weight[indices]
            n_samples = init_size
        if isinstance(init, str) and init == "k-means++":
            centers = kmeans_plusplus(
                X, self.n_clusters, sample_weight, random_state, self._n_threads
            )
        elif isinstance(init, str) and init == "random":
            seeds = random_state.choice(
                n_samples,
                size=self.n_clusters,
                replace=False,
                p=sample_weight / sample_weight.sum(),
            )
            centers = X[seeds]
        elif callable(init):
            centers = init(X, self.n_clusters, random_state=random_state)
            centers = check_array(
                centers, accept_sparse=True, dtype=X.dtype, copy=False, order="C"
            )
            self._validate_center_shape(X, centers)
        else:
            centers = init
        if sp.issparse(centers):
            centers = centers.toarray()
        return np.array(centers, dtype=X.dtype, order="C")

    def _check_test_data(self, X):
        X = validate_data(
            self,
            X,
            accept_sparse="csr",
            accept_large_sparse=False,
            dtype=[np.float64, np.float32],
            order="C",
            reset=False,
        )
        centers = self.cluster_centers_
        # A model restored from a file may hold centres of another width, which
        # the compiled kernels would read past.
        if (
            not isinstance(centers, np.ndarray)
            or centers.ndim != 2
            or centers.shape[1] != X.shape[1]
            or centers.dtype not in (np.float32, np.float64)
        ):
            raise ValueError(
                "cluster_centers_ must be a float32 or float64 array of shape "
                f"(n_clusters, {X.shape[1]}); got "
                f"{getattr(centers, 'shape', None)}, "
                f"dtype {getattr(centers, 'dtype', None)}."
            )
        if sp.issparse(X):
            return _canonical_csr(X.astype(self.cluster_centers_.dtype, copy=False))
        return np.ascontiguousarray(X, dtype=self.cluster_centers_.dtype)

    def predict(self, X):
        """Predict the closest cluster each sample in X belongs to.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            New data (sparse: CSR).

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Index of the nearest center of each sample.
        """
        check_is_fitted(self)
        X = self._check_test_data(X)
        return labels_inertia(
            X,
            np.ones(X.shape[0]),
            self.cluster_centers_,
            self._n_threads,
            return_inertia=False,
        )

    def transform(self, X):
        """Transform X to a cluster-distance space.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            New data (sparse: CSR).

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_clusters)
            Euclidean distance of each sample to each center.
        """
        check_is_fitted(self)
        return self._transform(self._check_test_data(X))

    def _transform(self, X):
        if sp.issparse(X):
            squared = squared_distances(X, self.cluster_centers_, squared_row_norms(X))
            return np.sqrt(squared).astype(self.cluster_centers_.dtype)
        return pairwise(
            X, self.cluster_centers_, metric="euclidean", n_jobs=self._n_threads
        )

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the value of X on the k-means objective.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            New data (sparse: CSR).

        y : None
            Ignored.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples; ``None`` means unit weights.

        Returns
        -------
        score : float
            Minus the weighted sum of squared distances to the nearest centers.
        """
        check_is_fitted(self)
        X = self._check_test_data(X)
        sample_weight = np.ascontiguousarray(
            _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        )
        _, inertia = labels_inertia(
            X, sample_weight, self.cluster_centers_, self._n_threads
        )
        return -inertia

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = True
        return tags


class KMeans(_BaseKMeans):
    """K-means clustering.

    Partitions the samples into ``n_clusters`` clusters, each represented by the
    mean of its samples (its center), by minimising the within-cluster sum of
    squared distances (the inertia). The results match scikit-learn's
    ``KMeans`` run from the same initial centers.

    Read more in the :ref:`User Guide <cluster>`.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (and centers).

    init : {"k-means++", "random"}, callable or array-like of shape \
            (n_clusters, n_features), default="k-means++"
        How to choose the initial centers.

        - ``"k-means++"``: greedy k-means++ seeding; each new center is the best
          (lowest inertia) of ``2 + int(ln(n_clusters))`` candidates sampled
          with probability proportional to the weighted squared distance to the
          nearest center chosen so far. Samples are drawn along a canonical
          order of the data (a fixed random projection), so integer
          ``sample_weight`` equals repeating samples and the row order does not
          matter; the draws differ from scikit-learn's for a given seed.
        - ``"random"``: ``n_clusters`` distinct samples drawn with probability
          proportional to ``sample_weight``.
        - array-like: the initial centers themselves.
        - callable: ``init(X, n_clusters, random_state=random_state)`` returning
          an array of shape ``(n_clusters, n_features)``.

    n_init : "auto" or int, default="auto"
        Number of runs from different initial centers; the run of lowest
        inertia is kept. ``"auto"`` means 1 run for ``init="k-means++"`` or an
        array, and 10 for ``init="random"`` or a callable (as in scikit-learn).

    max_iter : int, default=300
        Maximum number of iterations of one run.

    tol : float, default=1e-4
        Convergence tolerance, relative to the mean of the variances of the
        features: a run stops when the sum of squared center shifts of an
        iteration is at most ``tol`` times that mean. A run also stops when
        no label changes (strict convergence).

    verbose : int, default=0
        Print the inertia at each iteration when positive.

    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation. Pass an int for reproducible results.

    copy_x : bool, default=True
        The data are centred (their mean subtracted) during fitting, for
        accuracy. If False and the data are a C-contiguous float array, this is
        done in place and undone afterwards (up to rounding).

    algorithm : {"lloyd", "elkan"}, default="lloyd"
        ``"lloyd"``: the classical alternation of assignment (one matrix
        product per chunk of samples) and update. ``"elkan"``: the same
        iterations with distance computations skipped by triangle-inequality
        bounds (Elkan, 2003); uses an extra ``(n_samples, n_clusters)`` array.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centers of the clusters, of the data's float dtype.

    labels_ : ndarray of shape (n_samples,)
        Cluster index (int32) of each training sample.

    inertia_ : float
        Weighted sum of squared distances of the training samples to their
        center, accumulated in float64.

    n_iter_ : int
        Number of iterations of the best run.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when ``X``
        has feature names that are all strings.

    See Also
    --------
    MiniBatchKMeans : Faster, approximate k-means on mini-batches.
    elbow_curve : Inertia as a function of the number of clusters.
    sklearn.cluster.KMeans : The scikit-learn estimator this one matches.

    Notes
    -----
    Each iteration costs ``O(n_samples * n_clusters * n_features)``. Work is
    shared among OpenMP threads (as many as OpenMP allows, see
    ``threadpoolctl``); the samples are split into groups fixed by the shape
    of the data, each with its own float64 partial sums reduced in a fixed
    order, so the result is the same for any number of threads. A cluster
    that becomes empty is moved onto the sample farthest from its center.
    Float32 data are clustered in float32 (distances and inertia are
    accumulated in float64). CSR sparse input is supported by both algorithms
    (sparse data are not centred, as in scikit-learn); its kernels share the
    sample groups and the fixed-order reduction of the dense ones.

    References
    ----------
    .. [1] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
       careful seeding", SODA 2007.
    .. [2] C. Elkan, "Using the triangle inequality to accelerate k-means",
       ICML 2003.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.cluster import KMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> kmeans = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> kmeans.labels_
    array([1, 1, 1, 0, 0, 0], dtype=int32)
    >>> kmeans.cluster_centers_
    array([[10.,  2.],
           [ 1.,  2.]])
    """

    _parameter_constraints: dict = {
        **_BaseKMeans._parameter_constraints,
        "copy_x": ["boolean"],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="lloyd",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples (sparse: CSR).

        y : None
            Ignored.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; ``None`` means unit weights.
            They are not used by an array or callable ``init``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, sample_weight = self._validate_fit_data(X, sample_weight)
        if X.shape[0] < self.n_clusters:
            raise ValueError(
                f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}."
            )
        sparse = sp.issparse(X)
        # Centre dense data: the distance expansion is more accurate near 0.
        # With copy_x, centring makes the copy (one pass over the data).
        X_mean = np.zeros(X.shape[1], dtype=X.dtype)
        if not sparse:
            X_mean = X.mean(axis=0)
            if self.copy_x:
                X = np.subtract(X, X_mean, dtype=X.dtype)
            else:
                X -= X_mean
        self._check_params_vs_input(X, centered=not sparse)
        random_state = check_random_state(self.random_state)
        self._n_threads = effective_n_threads(None)
        algorithm = self.algorithm
        if algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn(
                "algorithm='elkan' doesn't make sense for a single cluster. Using "
                "'lloyd' instead.",
                RuntimeWarning,
                stacklevel=2,
            )
            algorithm = "lloyd"
        init = self._check_init_array(X)
        if _is_array_init(init):
            init -= X_mean

        best_inertia = best_labels = None
        for _ in range(self._n_init):
            centers_init = self._init_centroids(X, init, random_state, sample_weight)
            if self.verbose:
                print("Initialization complete")
            labels, inertia, centers, n_iter = kmeans_single(
                X,
                sample_weight,
                centers_init,
                algorithm=algorithm,
                max_iter=self.max_iter,
                tol=self._tol,
                verbose=self.verbose,
                n_threads=self._n_threads,
            )
            if best_inertia is None or (
                inertia < best_inertia
                and not is_same_clustering(labels, best_labels, self.n_clusters)
            ):
                best_labels, best_centers = labels, centers
                best_inertia, best_n_iter = inertia, n_iter

        if not sparse:
            if not self.copy_x:
                X += X_mean
            best_centers += X_mean

        distinct = np.unique(best_labels).shape[0]
        if distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than "
                f"n_clusters ({self.n_clusters}). Possibly due to duplicate points "
                "in X.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.cluster_centers_ = best_centers
        self._n_features_out = self.cluster_centers_.shape[0]
        self.labels_ = best_labels
        self.inertia_ = best_inertia
        self.n_iter_ = best_n_iter
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Compute the clustering and return the cluster index of each sample.

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
        labels : ndarray of shape (n_samples,)
            Cluster index of each sample (``labels_``).
        """
        return self.fit(X, sample_weight=sample_weight).labels_

    def fit_transform(self, X, y=None, sample_weight=None):
        """Compute the clustering and return the distances to the centers.

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
        X_new : ndarray of shape (n_samples, n_clusters)
            Euclidean distance of each sample to each center.
        """
        self.fit(X, sample_weight=sample_weight)
        return self._transform(self._check_test_data(X))
