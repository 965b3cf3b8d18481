# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""k-nearest-neighbours regression."""

import numpy as np
from sklearn.base import RegressorMixin

from skml.neighbors._base import NeighborsBase, _check_weights, _get_weights
from skml.utils._sklearn import (
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)


class KNeighborsRegressor(RegressorMixin, NeighborsBase):
    """Regression on the k nearest neighbours.

    The prediction for a query is the (weighted) mean of the targets of its
    ``n_neighbors`` nearest training points. Neighbours are found by brute
    force in skml's compiled distance core or with a :class:`KDTree` /
    :class:`BallTree`; neighbours at equal distance are ordered by training
    index, so results are deterministic and independent of ``n_jobs``.

    Read more in the :ref:`User Guide <neighbors>`.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours averaged.

    weights : {"uniform", "distance"} or callable, default="uniform"
        Weight of each neighbour in the mean.

        - ``"uniform"``: all neighbours weigh the same.
        - ``"distance"``: the inverse of the distance; a query that coincides
          with some training points gets the mean of those points' targets.
        - callable: takes the array of distances, of shape
          ``(n_queries, n_neighbors)``, and returns weights of the same shape.

    algorithm : {"auto", "brute", "kd_tree", "ball_tree"}, default="auto"
        Search algorithm. ``"auto"`` follows scikit-learn: brute force for more
        than 15 features, ``n_neighbors >= n_samples // 2``, sparse input or
        the cosine metric; otherwise a k-d tree.

    leaf_size : int, default=30
        Leaf size of the trees; affects speed and memory, not the result.

    p : float, default=2
        Power of the minkowski metric, at least 1 (1: manhattan, 2:
        euclidean, ``inf``: chebyshev).

    metric : {"minkowski", "euclidean", "manhattan", "chebyshev", "cosine", \
            "l1", "l2", "cityblock"}, default="minkowski"
        Distance. ``"cosine"`` needs brute force. Sparse input supports the
        euclidean and cosine distances.

    metric_params : dict, default=None
        Must be None (or empty): no metric takes extra parameters here.

    n_jobs : int, default=None
        Number of threads of the neighbour search. ``None`` uses the OpenMP
        default, ``-1`` all cores. Results do not depend on it.

    Attributes
    ----------
    effective_metric_ : str
        The distance used, with aliases resolved and minkowski with ``p`` 1, 2
        or ``inf`` replaced by manhattan, euclidean or chebyshev.

    effective_metric_params_ : dict
        Extra parameters of ``effective_metric_``: ``{"p": p}`` for a general
        minkowski distance, else empty.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when ``X``
        has feature names that are all strings.

    n_samples_fit_ : int
        Number of training samples.

    See Also
    --------
    KNeighborsClassifier : Classification by the k nearest neighbours.
    NearestNeighbors : Unsupervised neighbour queries.
    sklearn.neighbors.KNeighborsRegressor : The scikit-learn equivalent.

    Examples
    --------
    >>> from skml.neighbors import KNeighborsRegressor
    >>> X = [[0], [1], [2], [3]]
    >>> y = [0.0, 0.0, 1.0, 1.0]
    >>> reg = KNeighborsRegressor(n_neighbors=2).fit(X, y)
    >>> reg.predict([[1.5]])
    array([0.5])
    """

    _parameter_constraints: dict = {
        **NeighborsBase._parameter_constraints,
        "weights": [StrOptions({"uniform", "distance"}), callable, None],
    }

    def __init__(
        self,
        n_neighbors=5,
        *,
        weights="uniform",
        algorithm="auto",
        leaf_size=30,
        p=2,
        metric="minkowski",
        metric_params=None,
        n_jobs=None,
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the regressor: store the training data and targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
            multi_output=True,
            y_numeric=True,
        )
        self._y = y
        return self._fit(X, y)

    def predict(self, X):
        """Predict the target of each query.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points. ``None`` predicts for the training points, each
            excluded from its own neighbours.

        Returns
        -------
        y : ndarray of shape (n_queries,) or (n_queries, n_outputs)
            Predicted targets.
        """
        check_is_fitted(self)
        if self.weights in (None, "uniform"):
            ind = self.kneighbors(X, return_distance=False)
            weights = None
        else:
            dist, ind = self.kneighbors(X)
            weights = _get_weights(dist, self.weights)
            _check_weights(weights)
        y = self._y.reshape(self._y.shape[0], -1)
        if weights is None:
            y_pred = np.mean(y[ind], axis=1)
        else:
            y_pred = np.empty((ind.shape[0], y.shape[1]), dtype=np.float64)
            denom = np.sum(weights, axis=1)
            for j in range(y.shape[1]):
                y_pred[:, j] = np.sum(y[ind, j] * weights, axis=1) / denom
        return y_pred.ravel() if self._y.ndim == 1 else y_pred
