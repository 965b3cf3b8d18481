# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The shared base of the nearest-neighbour estimators.

``NeighborsBase`` validates and stores the training data, resolves the metric and
the search algorithm, and answers k-nearest and radius queries, as arrays or as
sparse graphs. Brute-force search runs in the shared distance core
(``skml._distances``: ``argkmin``, ``argkmin_sparse``, ``radius_neighbors``); the
tree algorithms use ``skml.neighbors.KDTree`` / ``BallTree``.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, MultiOutputMixin

from skml import _distances
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    check_is_fitted,
    validate_data,
)

# Accepted metric names, including scikit-learn's aliases -> canonical name.
METRIC_ALIASES = {
    "euclidean": "euclidean",
    "l2": "euclidean",
    "manhattan": "manhattan",
    "cityblock": "manhattan",
    "l1": "manhattan",
    "chebyshev": "chebyshev",
    "minkowski": "minkowski",
    "cosine": "cosine",
}
# Canonical metrics each algorithm supports.
VALID_METRICS = {
    "brute": frozenset(METRIC_ALIASES.values()),
    "kd_tree": frozenset({"euclidean", "manhattan", "chebyshev", "minkowski"}),
    "ball_tree": frozenset({"euclidean", "manhattan", "chebyshev", "minkowski"}),
}
VALID_METRICS_SPARSE = frozenset({"euclidean", "cosine"})


def _tree_classes():
    """``{"kd_tree": KDTree, "ball_tree": BallTree}``, or None if not built."""
    try:
        from skml.neighbors._binary_tree import BallTree, KDTree
    except ImportError:
        return None
    return {"kd_tree": KDTree, "ball_tree": BallTree}


def _get_weights(dist, weights):
    """Weights of the neighbours at distances ``dist``; None for "uniform".

    With ``"distance"``, a query at distance 0 from some neighbours gives those
    neighbours weight 1 and the others weight 0 (as scikit-learn does).
    """
    if weights in (None, "uniform"):
        return None
    if weights == "distance":
        with np.errstate(divide="ignore"):
            w = 1.0 / dist
        inf_mask = np.isinf(w)
        inf_row = np.any(inf_mask, axis=1)
        w[inf_row] = inf_mask[inf_row]
        return w
    return np.asarray(weights(dist))


def _check_weights(weights):
    """Raise if some query's neighbours all have zero weight."""
    if weights is not None and np.any(np.all(weights == 0, axis=1)):
        raise ValueError(
            "All neighbors of some sample get zero weight. Modify 'weights' to "
            "avoid this case if you are using a user-defined function."
        )


def _check_radius(radius):
    if radius is None:
        raise ValueError(
            "radius must be given: this estimator has no default radius."
        )
    arr = np.asarray(radius, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"radius must be finite and non-negative, got {radius!r}.")
    return radius


def _csr_graph(data, indices, indptr, shape):
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


class NeighborsBase(MultiOutputMixin, BaseEstimator):
    """Base class of the nearest-neighbour estimators (not public).

    Subclasses set their own ``__init__`` (keyword-only, storing parameters
    verbatim) and call ``_fit``. Parameters with no meaning for a subclass (for
    example ``radius`` of a classifier) are read with ``getattr``.
    """

    _parameter_constraints: dict = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "algorithm": [StrOptions({"auto", "ball_tree", "kd_tree", "brute"})],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "metric": [StrOptions(set(METRIC_ALIASES))],
        "p": [Interval(Real, 1, None, closed="both")],
        "metric_params": [dict, None],
        "n_jobs": [Integral, None],
    }

    # --- fitting ---------------------------------------------------------------

    def _resolve_metric(self):
        """Set ``effective_metric_`` and ``effective_metric_params_``."""
        if self.metric_params:
            raise ValueError(
                "metric_params is not supported; pass None and use the p "
                f"parameter for the minkowski metric (got {self.metric_params!r})."
            )
        metric = METRIC_ALIASES[self.metric]
        params = {}
        if metric == "minkowski":
            p = self.p
            if p == 1:
                metric = "manhattan"
            elif p == 2:
                metric = "euclidean"
            elif math.isinf(p):
                metric = "chebyshev"
            else:
                params["p"] = float(p)
        self.effective_metric_ = metric
        self.effective_metric_params_ = params

    def _choose_method(self, X):
        """The search algorithm for dense training data ``X`` (as scikit-learn)."""
        metric = self.effective_metric_
        if self.algorithm != "auto":
            if metric not in VALID_METRICS[self.algorithm]:
                raise ValueError(
                    f"Metric {self.metric!r} is not valid for "
                    f"algorithm={self.algorithm!r}; valid metrics are "
                    f"{sorted(VALID_METRICS[self.algorithm])}, or use "
                    "algorithm='brute'."
                )
            return self.algorithm
        n_neighbors = getattr(self, "n_neighbors", None)
        if (
            X.shape[1] > 15
            or (n_neighbors is not None and n_neighbors >= X.shape[0] // 2)
            or _tree_classes() is None
        ):
            return "brute"
        if metric in VALID_METRICS["kd_tree"]:
            return "kd_tree"
        if metric in VALID_METRICS["ball_tree"]:
            return "ball_tree"
        return "brute"

    def _validate_X(self, X, reset):
        return validate_data(
            self,
            X,
            reset=reset,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
        )

    def _fit(self, X, y=None):
        """Store the training data and build the search structure."""
        self._resolve_metric()
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        self._tree = None
        if sparse.issparse(X):
            if self.effective_metric_ not in VALID_METRICS_SPARSE:
                raise ValueError(
                    f"Metric {self.metric!r} is not supported for sparse input; "
                    f"use one of {sorted(VALID_METRICS_SPARSE)}, or densify the "
                    "data."
                )
            if self.algorithm not in ("auto", "brute"):
                warnings.warn(
                    f"algorithm={self.algorithm!r} cannot use sparse input: using "
                    "brute force.",
                    stacklevel=3,
                )
            self._fit_method = "brute"
            return self
        self._fit_method = self._choose_method(X)
        if self._fit_method != "brute":
            trees = _tree_classes()
            if trees is None:
                raise ImportError(
                    f"algorithm={self._fit_method!r} needs skml.neighbors."
                    "_binary_tree, which is not built; use algorithm='brute'."
                )
            self._tree = trees[self._fit_method](
                X,
                leaf_size=self.leaf_size,
                metric=self.effective_metric_,
                **self.effective_metric_params_,
            )
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # --- queries ---------------------------------------------------------------

    def _query_arrays(self, X):
        """Validated queries and the training data, in one dtype."""
        X = self._validate_X(X, reset=False)
        fit_X = self._fit_X
        if X.dtype != fit_X.dtype:
            X, fit_X = X.astype(np.float64), fit_X.astype(np.float64)
        return X, fit_X

    def _check_n_neighbors(self, n_neighbors):
        if n_neighbors is None:
            return self.n_neighbors
        if not isinstance(n_neighbors, Integral) or isinstance(n_neighbors, bool):
            raise TypeError(
                f"n_neighbors must be an int, got {type(n_neighbors).__name__}."
            )
        if n_neighbors <= 0:
            raise ValueError(f"Expected n_neighbors > 0, got {n_neighbors}.")
        return int(n_neighbors)

    def _kneighbors(self, X, fit_X, k, return_distance):
        if self._fit_method == "brute":
            if sparse.issparse(X):
                result = _distances.argkmin_sparse(
                    X, fit_X, k, self.effective_metric_,
                    return_distance=return_distance,
                )
            else:
                result = _distances.argkmin(
                    X,
                    fit_X,
                    k,
                    metric=self.effective_metric_,
                    p=self.effective_metric_params_.get("p", 2.0),
                    n_jobs=self.n_jobs,
                    return_distance=return_distance,
                )
        else:
            if sparse.issparse(X):
                raise ValueError(
                    f"{self._fit_method} does not work with sparse matrices; "
                    "densify the data or use algorithm='brute'."
                )
            result = self._tree.query(
                X, k, return_distance=return_distance, sort_results=True,
                n_jobs=self.n_jobs,
            )
        if return_distance:
            dist, ind = result
            return (
                np.asarray(dist, dtype=np.float64),
                np.asarray(ind, dtype=np.intp),
            )
        return np.asarray(result, dtype=np.intp)

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Find the k nearest neighbours of each query point.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points. ``None`` means the training points, each of which is
            then not counted as its own neighbour.

        n_neighbors : int, default=None
            Number of neighbours; ``None`` uses the ``n_neighbors`` of the
            estimator.

        return_distance : bool, default=True
            Whether to return the distances.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Distances to the neighbours, ascending. Only if
            ``return_distance=True``.

        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Indices of the neighbours in the training data. Neighbours at equal
            distance are ordered by index.
        """
        check_is_fitted(self)
        n_neighbors = self._check_n_neighbors(n_neighbors)
        query_is_train = X is None
        if query_is_train:
            X = fit_X = self._fit_X
            n_neighbors += 1
        else:
            X, fit_X = self._query_arrays(X)
        n_samples_fit = self.n_samples_fit_
        if n_neighbors > n_samples_fit:
            if query_is_train:
                n_neighbors -= 1
                inequality = "n_neighbors < n_samples_fit"
            else:
                inequality = "n_neighbors <= n_samples_fit"
            raise ValueError(
                f"Expected {inequality}, but n_neighbors = {n_neighbors}, "
                f"n_samples_fit = {n_samples_fit}, n_samples = {X.shape[0]}"
            )
        result = self._kneighbors(X, fit_X, n_neighbors, return_distance)
        if not query_is_train:
            return result
        # Drop each point from its own neighbours; a point crowded out by
        # duplicates of smaller index loses its first neighbour instead (as
        # scikit-learn does).
        dist, ind = result if return_distance else (None, result)
        n_queries = ind.shape[0]
        mask = ind != np.arange(n_queries)[:, None]
        not_found = np.all(mask, axis=1)
        mask[not_found, 0] = False
        shape = (n_queries, n_neighbors - 1)
        ind = ind[mask].reshape(shape)
        if return_distance:
            return dist[mask].reshape(shape), ind
        return ind

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """Compute the graph of the k nearest neighbours of each query point.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points. ``None`` means the training points, each of which is
            then not counted as its own neighbour.

        n_neighbors : int, default=None
            Number of neighbours; ``None`` uses the ``n_neighbors`` of the
            estimator.

        mode : {"connectivity", "distance"}, default="connectivity"
            Entries of the graph: ones, or the distances.

        Returns
        -------
        A : sparse matrix of shape (n_queries, n_samples_fit)
            CSR matrix; ``A[i, j]`` is set when training point ``j`` is among
            the neighbours of query ``i``.
        """
        check_is_fitted(self)
        if mode not in ("connectivity", "distance"):
            raise ValueError(
                'Unsupported mode, must be one of "connectivity" or "distance", '
                f"got {mode!r}."
            )
        n_neighbors = self._check_n_neighbors(n_neighbors)
        if mode == "connectivity":
            ind = self.kneighbors(X, n_neighbors, return_distance=False)
            data = np.ones(ind.size)
        else:
            dist, ind = self.kneighbors(X, n_neighbors, return_distance=True)
            data = dist.ravel()
        n_queries = ind.shape[0]
        indptr = np.arange(0, n_queries * n_neighbors + 1, n_neighbors)
        return _csr_graph(
            data, ind.ravel(), indptr, (n_queries, self.n_samples_fit_)
        )

    def radius_neighbors(
        self, X=None, radius=None, return_distance=True, sort_results=False
    ):
        """Find the neighbours within a given radius of each query point.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points. ``None`` means the training points, each of which is
            then not counted as its own neighbour.

        radius : float, default=None
            Limiting distance (neighbours at distance ``<= radius`` are
            returned); ``None`` uses the ``radius`` of the estimator.

        return_distance : bool, default=True
            Whether to return the distances.

        sort_results : bool, default=False
            Sort each query's neighbours by increasing distance (ties by
            index). Requires ``return_distance=True``.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries,), dtype=object
            One array of distances per query. Only if
            ``return_distance=True``.

        neigh_ind : ndarray of shape (n_queries,), dtype=object
            One array of training indices per query.
        """
        check_is_fitted(self)
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        query_is_train = X is None
        if query_is_train:
            X = fit_X = self._fit_X
        else:
            X, fit_X = self._query_arrays(X)
        if radius is None:
            radius = getattr(self, "radius", None)
        radius = _check_radius(radius)
        if self._fit_method == "brute":
            result = _distances.radius_neighbors(
                X,
                fit_X,
                radius,
                metric=self.effective_metric_,
                p=self.effective_metric_params_.get("p", 2.0),
                n_jobs=self.n_jobs,
                return_distance=return_distance,
                sort_results=sort_results,
            )
        else:
            if sparse.issparse(X):
                raise ValueError(
                    f"{self._fit_method} does not work with sparse matrices; "
                    "densify the data or use algorithm='brute'."
                )
            result = self._tree.query_radius(
                X, radius, return_distance=return_distance,
                sort_results=sort_results, n_jobs=self.n_jobs,
            )
            if return_distance:
                ind, dist = result
                result = dist, ind
        if not query_is_train:
            return result
        dist, ind = result if return_distance else (None, result)
        for i, row in enumerate(ind):
            mask = row != i
            ind[i] = row[mask]
            if return_distance:
                dist[i] = dist[i][mask]
        return (dist, ind) if return_distance else ind

    def radius_neighbors_graph(
        self, X=None, radius=None, mode="connectivity", sort_results=False
    ):
        """Compute the graph of the neighbours within a radius of each query.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points. ``None`` means the training points, each of which is
            then not counted as its own neighbour.

        radius : float, default=None
            Limiting distance; ``None`` uses the ``radius`` of the estimator.

        mode : {"connectivity", "distance"}, default="connectivity"
            Entries of the graph: ones, or the distances.

        sort_results : bool, default=False
            Store each row's entries by increasing distance (only with
            ``mode="distance"``).

        Returns
        -------
        A : sparse matrix of shape (n_queries, n_samples_fit)
            CSR matrix; ``A[i, j]`` is set when training point ``j`` is within
            the radius of query ``i``.
        """
        check_is_fitted(self)
        if mode == "connectivity":
            ind = self.radius_neighbors(X, radius, return_distance=False)
            data = None
        elif mode == "distance":
            dist, ind = self.radius_neighbors(
                X, radius, return_distance=True, sort_results=sort_results
            )
            data = np.concatenate([*dist, np.empty(0)])
        else:
            raise ValueError(
                'Unsupported mode, must be one of "connectivity" or "distance", '
                f"got {mode!r}."
            )
        counts = np.array([len(row) for row in ind], dtype=np.intp)
        indices = np.concatenate([*ind, np.empty(0, dtype=np.intp)])
        if data is None:
            data = np.ones(indices.size)
        indptr = np.concatenate(([0], np.cumsum(counts)))
        return _csr_graph(data, indices, indptr, (ind.shape[0], self.n_samples_fit_))
