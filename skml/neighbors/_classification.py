# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""k-nearest-neighbours classification."""

import warnings

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.multiclass import check_classification_targets

from skml.neighbors._base import NeighborsBase, _check_weights, _get_weights
from skml.utils._sklearn import (
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)


class KNeighborsClassifier(ClassifierMixin, NeighborsBase):
    """Classifier implementing the k-nearest neighbours vote.

    Each query gets the class most represented among its ``n_neighbors``
    nearest training points, each neighbour voting with a weight. Neighbours
    are found by brute force in skml's compiled distance core (multi-threaded,
    chunked, memory-bounded) or with a :class:`KDTree` / :class:`BallTree`.
    Neighbours at equal distance are ordered by training index, so results are
    deterministic and independent of ``n_jobs``.

    Read more in the :ref:`User Guide <neighbors>`.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours that vote.

    weights : {"uniform", "distance"} or callable, default="uniform"
        Weight of each neighbour's vote.

        - ``"uniform"``: all neighbours weigh the same.
        - ``"distance"``: the inverse of the distance; a query that coincides
          with some training points gets its vote from those points only.
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
    classes_ : ndarray of shape (n_classes,) or list of such arrays
        Class labels, one array per output for multi-output ``y``.

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

    outputs_2d_ : bool
        Whether ``y`` was 2-D (multi-output) during ``fit``.

    See Also
    --------
    KNeighborsRegressor : Regression on the k nearest neighbours.
    NearestNeighbors : Unsupervised neighbour queries.
    sklearn.neighbors.KNeighborsClassifier : The scikit-learn equivalent.

    Examples
    --------
    >>> from skml.neighbors import KNeighborsClassifier
    >>> X = [[0], [1], [2], [3]]
    >>> y = [0, 0, 1, 1]
    >>> clf = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    >>> clf.predict([[1.1]])
    array([0])
    >>> clf.predict_proba([[0.9]]).round(3)
    array([[0.667, 0.333]])
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
        """Fit the classifier: store the training data and labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
            multi_output=True,
        )
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            if y.ndim != 1:
                warnings.warn(
                    "A column-vector y was passed when a 1d array was expected. "
                    "Please change the shape of y to (n_samples,), for example "
                    "using ravel().",
                    DataConversionWarning,
                    stacklevel=2,
                )
            self.outputs_2d_ = False
            y = y.reshape(-1, 1)
        else:
            self.outputs_2d_ = True
        check_classification_targets(y)
        classes = []
        self._y = np.empty(y.shape, dtype=np.intp)
        for k in range(y.shape[1]):
            classes_k, self._y[:, k] = np.unique(y[:, k], return_inverse=True)
            classes.append(classes_k)
        if self.outputs_2d_:
            self.classes_ = classes
        else:
            self.classes_ = classes[0]
            self._y = self._y.ravel()
        return self._fit(X, y)

    def _class_scores(self, X):
        """Per output, the summed neighbour weights of each class."""
        check_is_fitted(self)
        if self.weights in (None, "uniform"):
            ind = self.kneighbors(X, return_distance=False)
            weights = None
        else:
            dist, ind = self.kneighbors(X)
            weights = _get_weights(dist, self.weights)
            _check_weights(weights)
        y = self._y.reshape(self._y.shape[0], -1)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        n_queries = ind.shape[0]
        rows = np.arange(n_queries)
        scores = []
        for k, classes_k in enumerate(classes):
            labels = y[:, k][ind]
            score = np.zeros((n_queries, classes_k.size))
            for j in range(ind.shape[1]):  # O(n_neighbors) vectorised passes
                score[rows, labels[:, j]] += 1.0 if weights is None else weights[:, j]
            scores.append(score)
        return scores

    def predict(self, X):
        """Predict the class of each query.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points. ``None`` predicts for the training points, each
            excluded from its own neighbours.

        Returns
        -------
        y : ndarray of shape (n_queries,) or (n_queries, n_outputs)
            Predicted class labels; a tie goes to the first class in
            ``classes_``.
        """
        scores = self._class_scores(X)
        classes = self.classes_ if self.outputs_2d_ else [self.classes_]
        y_pred = np.stack(
            [c[np.argmax(s, axis=1)] for c, s in zip(classes, scores)], axis=1
        )
        return y_pred if self.outputs_2d_ else y_pred.ravel()

    def predict_proba(self, X):
        """Class probabilities: each class's weighted share of the neighbours.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), \
                default=None
            Query points. ``None`` predicts for the training points, each
            excluded from its own neighbours.

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes) or list of such arrays
            Probabilities, columns in the order of ``classes_``; one array per
            output for multi-output ``y``.
        """
        scores = self._class_scores(X)
        for score in scores:
            score /= score.sum(axis=1, keepdims=True)
        return scores if self.outputs_2d_ else scores[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
