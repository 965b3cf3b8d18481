# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Unsupervised nearest-neighbour queries."""

from numbers import Real

import numpy as np

from skml.neighbors._base import NeighborsBase
from skml.utils._sklearn import Interval, _fit_context, validate_data


class NearestNeighbors(NeighborsBase):
    """Unsupervised learner for neighbour searches.

    Stores the training points and answers k-nearest-neighbour and radius
    queries, as arrays (:meth:`kneighbors`, :meth:`radius_neighbors`) or as
    sparse graphs. Brute force runs in skml's compiled distance core
    (multi-threaded, chunked, memory-bounded); the tree algorithms use
    :class:`KDTree` / :class:`BallTree`. Neighbours at equal distance are
    ordered by training index, so results are deterministic and independent of
    ``n_jobs``.

    Read more in the :ref:`User Guide <neighbors>`.

    Parameters
    ----------
    n_neighbors : int, default=5
        Default number of neighbours of :meth:`kneighbors`.

    radius : float, default=1.0
        Default radius of :meth:`radius_neighbors`; positive.

    algorithm : {"auto", "brute", "kd_tree", "ball_tree"}, default="auto"
        Search algorithm. ``"auto"`` follows scikit-learn: brute force for more
        than 15 features, ``n_neighbors >= n_samples // 2``, sparse input or
        the cosine metric; otherwise a k-d tree.

    leaf_size : int, default=30
        Leaf size of the trees; affects speed and memory, not the result.

    metric : {"minkowski", "euclidean", "manhattan", "chebyshev", "cosine", \
            "l1", "l2", "cityblock"}, default="minkowski"
        Distance. ``"cosine"`` needs brute force. Sparse input supports the
        euclidean and cosine distances.

    p : float, default=2
        Power of the minkowski metric, at least 1 (1: manhattan, 2:
        euclidean, ``inf``: chebyshev).

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
    KNeighborsRegressor : Regression on the k nearest neighbours.
    sklearn.neighbors.NearestNeighbors : The scikit-learn equivalent.

    Examples
    --------
    >>> from skml.neighbors import NearestNeighbors
    >>> X = [[0.0, 0.0], [0.0, 1.0], [3.0, 0.0]]
    >>> nn = NearestNeighbors(n_neighbors=2).fit(X)
    >>> dist, ind = nn.kneighbors([[0.0, 0.2]])
    >>> ind
    array([[0, 1]])
    >>> dist.round(2)
    array([[0.2, 0.8]])
    """

    _parameter_constraints: dict = {
        **NeighborsBase._parameter_constraints,
        "radius": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        n_neighbors=5,
        radius=1.0,
        algorithm="auto",
        leaf_size=30,
        metric="minkowski",
        p=2,
        metric_params=None,
        n_jobs=None,
    ):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the nearest-neighbour searcher: store the training data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted searcher.
        """
        X = validate_data(
            self,
            X,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
        )
        return self._fit(X)
