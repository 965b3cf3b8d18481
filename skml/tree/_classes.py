# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Decision tree classifier and regressor on the shared split-finding core.

Python validates the data and resolves every parameter to plain numbers
(``max_features_``, integer ``min_samples_leaf``, the weight of a leaf...);
``skml._splitting.build_tree`` then grows the tree without the GIL. The fitted
``tree_`` is a :class:`skml._splitting.Tree`: a compact node array with nogil
traversal.
"""

import warnings
from abc import ABCMeta, abstractmethod
from math import ceil
from numbers import Integral, Real

import numpy as np
from scipy.sparse import issparse
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MultiOutputMixin,
    RegressorMixin,
    is_classifier,
)
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets

from skml._splitting import RAND_R_MAX, build_tree, prune_tree, pruning_path
from skml.utils._sklearn import (
    Interval,
    RealNotInt,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
    validate_data,
)

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor"]


class BaseDecisionTree(MultiOutputMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of the decision trees; not for direct use."""

    _parameter_constraints: dict = {
        "splitter": [StrOptions({"best", "random", "hist"})],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "min_samples_split": [
            Interval(Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
        "max_features": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "random_state": ["random_state"],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "ccp_alpha": [Interval(Real, 0.0, None, closed="left")],
    }

    @abstractmethod
    def __init__(
        self,
        *,
        criterion,
        splitter,
        max_depth,
        min_samples_split,
        min_samples_leaf,
        min_weight_fraction_leaf,
        max_features,
        random_state,
        max_leaf_nodes,
        min_impurity_decrease,
        ccp_alpha,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha

    def get_depth(self):
        """Return the depth of the decision tree.

        Returns
        -------
        self.tree_.max_depth : int
            The largest distance between the root and a leaf.
        """
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Return the number of leaves of the decision tree.

        Returns
        -------
        self.tree_.n_leaves : int
            Number of leaves.
        """
        check_is_fitted(self)
        return self.tree_.n_leaves

    def _validate_fit_data(self, X, y, sample_weight):
        X, y = validate_data(
            self,
            X,
            y,
            validate_separately=(
                dict(
                    dtype=np.float32,
                    ensure_all_finite="allow-nan",
                    accept_sparse="csc",
                    accept_large_sparse=False,
                ),
                dict(ensure_2d=False, dtype=None),
            ),
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        return X, y, sample_weight

    def _resolve_params(self, n_samples, n_features):
        """Integer (or float) versions of the size and weight parameters."""
        if isinstance(self.min_samples_leaf, Integral):
            min_samples_leaf = self.min_samples_leaf
        else:
            min_samples_leaf = ceil(self.min_samples_leaf * n_samples)
        if isinstance(self.min_samples_split, Integral):
            min_samples_split = self.min_samples_split
        else:
            min_samples_split = max(2, ceil(self.min_samples_split * n_samples))
        min_samples_split = max(min_samples_split, 2 * min_samples_leaf)
        if self.max_features == "sqrt":
            max_features = max(1, int(np.sqrt(n_features)))
        elif self.max_features == "log2":
            max_features = max(1, int(np.log2(n_features)))
        elif self.max_features is None:
            max_features = n_features
        elif isinstance(self.max_features, Integral):
            max_features = self.max_features
        else:
            max_features = max(1, int(self.max_features * n_features))
        if not 0 < max_features <= n_features:
            raise ValueError(
                f"max_features must be in (0, n_features={n_features}], got "
                f"{self.max_features!r}."
            )
        return min_samples_leaf, min_samples_split, max_features

    def _fit(self, X, y, sample_weight=None, check_input=True, bins=None, classes=None):
        """Grow the tree: the one fit path of trees and of the forests' trees.

        ``check_input=False`` skips validation (ensembles validate once): ``X``
        must then be float32, dense (Fortran order avoids a copy) or CSC with
        sorted indices, ``y`` a numeric array of shape (n_samples,) or
        (n_samples, n_outputs) and ``sample_weight`` None or a non-negative
        float64 array. A classifier given ``classes`` (one array of labels per
        output) takes ``y`` as already encoded: float class indices into them.
        ``bins`` is ``skml._splitting.bin_features(X)``, computed once for many
        trees, with ``splitter="hist"``.
        """
        random_state = check_random_state(self.random_state)
        if check_input:
            warn_deprecated_criterion(self.criterion)
            X, y, sample_weight = self._validate_fit_data(X, y, sample_weight)
        n_samples, n_features = X.shape
        self.n_features_in_ = n_features
        y = np.atleast_1d(y)
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        self.n_outputs_ = y.shape[1]
        if len(y) != n_samples:
            raise ValueError(
                f"Number of labels={len(y)} does not match number of "
                f"samples={n_samples}."
            )
        n_classes = None
        if is_classifier(self):
            if classes is None:
                check_classification_targets(y)
                y_labels = y
                y, classes = encode_classes(y)
            else:
                y_labels = None
            self.classes_ = list(classes)
            n_classes = np.array([len(c) for c in classes], dtype=np.intp)
            self.n_classes_ = n_classes
            if self.class_weight is not None:
                if y_labels is None:
                    y_labels = decode_classes(y, classes)
                expanded = compute_sample_weight(self.class_weight, y_labels)
                sample_weight = (
                    expanded if sample_weight is None else sample_weight * expanded
                )
        else:
            y = np.asarray(y, dtype=np.float64)
            if check_input and self.criterion == "poisson":
                check_poisson_targets(y)
        if sample_weight is None:
            sample_weight = np.ones(n_samples)
            total_weight = float(n_samples)
        else:
            total_weight = float(np.sum(sample_weight))
        if not total_weight > 0:
            raise ValueError("The sample weights sum to zero; nothing to fit.")

        min_samples_leaf, min_samples_split, max_features = self._resolve_params(
            n_samples, n_features
        )
        self.max_features_ = max_features
        self.tree_ = build_tree(
            X,
            y,
            sample_weight,
            criterion=self.criterion,
            splitter=self.splitter,
            n_classes=n_classes,
            max_depth=self.max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_leaf=self.min_weight_fraction_leaf * total_weight,
            max_features=max_features,
            max_leaf_nodes=self.max_leaf_nodes,
            min_impurity_decrease=self.min_impurity_decrease,
            seed=random_state.randint(0, RAND_R_MAX),
            bins=bins,
        )
        if self.ccp_alpha > 0.0:
            self.tree_ = prune_tree(self.tree_, self.ccp_alpha)
        if is_classifier(self) and self.n_outputs_ == 1:
            self.n_classes_ = self.n_classes_[0]
            self.classes_ = self.classes_[0]
        return self

    def _validate_X_predict(self, X, check_input):
        if check_input:
            X = validate_data(
                self,
                X,
                dtype=np.float32,
                order="C",
                reset=False,
                ensure_all_finite="allow-nan",
                accept_sparse="csr",
            )
        else:
            if X.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has {X.shape[1]} features, but {type(self).__name__} is "
                    f"expecting {self.n_features_in_} features as input."
                )
            if issparse(X):
                X = X.tocsr().astype(np.float32, copy=False)
            else:
                X = np.ascontiguousarray(X, dtype=np.float32)
        return X

    def apply(self, X, check_input=True):
        """Return the index of the leaf that each sample is predicted as.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32. NaN is a missing value.

        check_input : bool, default=True
            Allow to bypass input checking (for ensembles).

        Returns
        -------
        X_leaves : ndarray of shape (n_samples,)
            For each sample, the index of its leaf in ``tree_``.
        """
        check_is_fitted(self)
        X = self._validate_X_predict(X, check_input)
        return self.tree_.apply(X)

    def decision_path(self, X, check_input=True):
        """Return the decision path in the tree.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        check_input : bool, default=True
            Allow to bypass input checking (for ensembles).

        Returns
        -------
        indicator : sparse matrix of shape (n_samples, n_nodes)
            CSR matrix whose nonzero elements mark the nodes a sample goes
            through.
        """
        check_is_fitted(self)
        X = self._validate_X_predict(X, check_input)
        return self.tree_.decision_path(X)

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """Compute the pruning path during Minimal Cost-Complexity Pruning.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input samples.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        ccp_path : Bunch
            Dictionary-like object with ``ccp_alphas`` (effective alphas of the
            subtrees along the path) and ``impurities`` (sum of the leaf
            impurities of each subtree).
        """
        est = _clone_unpruned(self)
        est.fit(X, y, sample_weight=sample_weight)
        return pruning_path(est.tree_)

    @property
    def feature_importances_(self):
        """The impurity-based (Gini) importance of each feature.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
            Normalized total reduction of the criterion brought by each feature.
        """
        check_is_fitted(self)
        return self.tree_.compute_feature_importances()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        return tags


def encode_classes(y):
    """Encode the class labels of each output of a 2-D ``y``.

    Returns ``(y_encoded, classes)``: float64 class indices of the shape of
    ``y``, and the sorted labels of each output (a list of arrays).
    """
    y_encoded = np.zeros(y.shape, dtype=np.float64)
    classes = []
    for k in range(y.shape[1]):
        classes_k, y_encoded[:, k] = np.unique(y[:, k], return_inverse=True)
        classes.append(classes_k)
    return y_encoded, classes


def decode_classes(y_encoded, classes):
    """The labels that the class indices ``y_encoded`` (2-D) stand for."""
    return np.column_stack(
        [classes[k].take(y_encoded[:, k].astype(np.intp)) for k in range(len(classes))]
    )


def check_poisson_targets(y):
    """Raise unless ``y`` suits the Poisson deviance: non-negative, positive sum."""
    if np.any(y < 0):
        raise ValueError(
            "Some value(s) of y are negative which is not allowed for "
            "Poisson regression."
        )
    if np.sum(y) <= 0:
        raise ValueError(
            "Sum of y is not positive which is necessary for Poisson regression."
        )


def warn_deprecated_criterion(criterion):
    """Warn that "friedman_mse" is "squared_error" (deprecated, as in
    scikit-learn 1.9)."""
    if criterion == "friedman_mse":
        warnings.warn(
            'criterion="friedman_mse" is deprecated, as in scikit-learn 1.9: it '
            'is the same as "squared_error" (the same splits and impurity '
            'decreases). Use criterion="squared_error" to remove this warning.',
            FutureWarning,
            stacklevel=3,
        )


def _clone_unpruned(estimator):
    from sklearn.base import clone

    return clone(estimator).set_params(ccp_alpha=0.0)


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    """A decision tree classifier.

    Grown on skml's shared split-finding core. With the exact splitter and
    ``max_features=None``, on data without ties, it grows the same tree as
    scikit-learn's ``DecisionTreeClassifier`` for the same ``random_state``.
    Missing values (NaN) in ``X`` are supported: each split learns which side
    they go to.

    Read more in the :ref:`User Guide <tree>`.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Impurity measure of a split: Gini impurity, or Shannon entropy (the
        same as "log_loss").

    splitter : {"best", "random", "hist"}, default="best"
        Best threshold of each drawn feature, one random threshold per drawn
        feature, or the best threshold among the edges of at most 255 bins per
        feature (histogram split finding: faster on large data; nodes of fewer
        than 256 samples are split on exact values).

    max_depth : int, default=None
        Maximum depth of the tree; ``None`` grows until the leaves are pure or
        hold fewer than ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        Fewest samples needed to split a node (a fraction of ``n_samples`` if
        float).

    min_samples_leaf : int or float, default=1
        Fewest samples in a leaf (a fraction of ``n_samples`` if float).

    min_weight_fraction_leaf : float, default=0.0
        Least fraction of the total sample weight in a leaf.

    max_features : int, float or {"sqrt", "log2"}, default=None
        Number of features drawn at each split (a fraction of the features if
        float); ``None`` uses all of them.

    random_state : int, RandomState instance or None, default=None
        Controls the feature permutation and the random thresholds.

    max_leaf_nodes : int, default=None
        Grow the tree best first with at most this many leaves.

    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted impurity decrease is at least this.

    class_weight : dict, list of dict or "balanced", default=None
        Weights of the classes, multiplied into ``sample_weight``.

    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning; the subtree
        with the largest cost complexity smaller than ``ccp_alpha`` is kept.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels (a list of arrays for multi-output problems).

    feature_importances_ : ndarray of shape (n_features,)
        Normalized total impurity decrease brought by each feature.

    max_features_ : int
        Inferred value of ``max_features``.

    n_classes_ : int or list of int
        Number of classes (a list for multi-output problems).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    n_outputs_ : int
        Number of outputs.

    tree_ : Tree
        The fitted tree: ``node_count``, ``children_left``, ``children_right``,
        ``feature``, ``threshold``, ``value`` (class fractions), ``impurity``,
        ``n_node_samples``, ``weighted_n_node_samples``,
        ``missing_go_to_left``...

    See Also
    --------
    DecisionTreeRegressor : A decision tree regressor.

    Notes
    -----
    ``X`` is converted to float32. Samples of weight zero are left out of the
    tree (they do not count in ``n_node_samples``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> clf.get_depth(), clf.get_n_leaves()
    (2, 3)
    >>> clf.predict(X[:2])
    array([0, 0])
    """

    _parameter_constraints: dict = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        ccp_alpha=0.0,
    ):
        super().__init__(
            criterion=criterion,
            splitter=splitter,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            random_state=random_state,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            ccp_alpha=ccp_alpha,
        )
        self.class_weight = class_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, check_input=True):
        """Build a decision tree classifier from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input samples; converted to float32. NaN marks a
            missing value.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target class labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None weighs samples equally.

        check_input : bool, default=True
            Allow to bypass input checking (for ensembles).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, check_input=check_input)

    def predict(self, X, check_input=True):
        """Predict the class of each sample in X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        check_input : bool, default=True
            Allow to bypass input checking (for ensembles).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted classes.
        """
        check_is_fitted(self)
        X = self._validate_X_predict(X, check_input)
        proba = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return self.classes_.take(np.argmax(proba[:, 0], axis=1), axis=0)
        out = np.empty((X.shape[0], self.n_outputs_), dtype=self.classes_[0].dtype)
        for k in range(self.n_outputs_):
            out[:, k] = self.classes_[k].take(np.argmax(proba[:, k], axis=1), axis=0)
        return out

    def predict_proba(self, X, check_input=True):
        """Predict class probabilities of the samples in X.

        The probability of a class is its weighted fraction among the training
        samples of the leaf.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        check_input : bool, default=True
            Allow to bypass input checking (for ensembles).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or list of ndarray
            Class probabilities, columns in the order of ``classes_`` (a list of
            such arrays for multi-output problems).
        """
        check_is_fitted(self)
        X = self._validate_X_predict(X, check_input)
        proba = self.tree_.predict(X)
        n_classes = np.atleast_1d(self.n_classes_)
        out = []
        for k in range(self.n_outputs_):
            proba_k = proba[:, k, : n_classes[k]]
            normalizer = proba_k.sum(axis=1)[:, np.newaxis]
            normalizer[normalizer == 0.0] = 1.0
            proba_k /= normalizer  # ``proba`` is a fresh array
            out.append(proba_k)
        return out[0] if self.n_outputs_ == 1 else out

    def predict_log_proba(self, X):
        """Predict class log-probabilities of the samples in X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes) or list of ndarray
            Logarithms of :meth:`predict_proba`.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if self.n_outputs_ == 1:
                return np.log(proba)
            return [np.log(p) for p in proba]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """A decision tree regressor.

    Grown on skml's shared split-finding core. With the exact splitter and
    ``max_features=None``, on data without ties, it grows the same tree as
    scikit-learn's ``DecisionTreeRegressor`` for the same ``random_state``.
    Missing values (NaN) in ``X`` are supported: each split learns which side
    they go to.

    Read more in the :ref:`User Guide <tree>`.

    Parameters
    ----------
    criterion : {"squared_error", "poisson", "absolute_error"}, \
            default="squared_error"
        Measure of the quality of a split: mean squared error, half
        the Poisson deviance (``y`` must be non-negative with a positive sum),
        or mean absolute error, whose leaves predict the weighted median
        (robust to outliers in ``y``; ``O(n log n)`` per feature and node, a
        few times slower than ``"squared_error"``; not with
        ``splitter="hist"``). ``"friedman_mse"`` is accepted as a deprecated
        alias of ``"squared_error"``, as in scikit-learn 1.9.

    splitter : {"best", "random", "hist"}, default="best"
        Best threshold of each drawn feature, one random threshold per drawn
        feature, or the best threshold among the edges of at most 255 bins per
        feature (histogram split finding: faster on large data; nodes of fewer
        than 256 samples are split on exact values).

    max_depth : int, default=None
        Maximum depth of the tree; ``None`` grows until the leaves are pure or
        hold fewer than ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        Fewest samples needed to split a node (a fraction of ``n_samples`` if
        float).

    min_samples_leaf : int or float, default=1
        Fewest samples in a leaf (a fraction of ``n_samples`` if float).

    min_weight_fraction_leaf : float, default=0.0
        Least fraction of the total sample weight in a leaf.

    max_features : int, float or {"sqrt", "log2"}, default=None
        Number of features drawn at each split (a fraction of the features if
        float); ``None`` uses all of them.

    random_state : int, RandomState instance or None, default=None
        Controls the feature permutation and the random thresholds.

    max_leaf_nodes : int, default=None
        Grow the tree best first with at most this many leaves.

    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted impurity decrease is at least this.

    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning; the subtree
        with the largest cost complexity smaller than ``ccp_alpha`` is kept.

    Attributes
    ----------
    feature_importances_ : ndarray of shape (n_features,)
        Normalized total impurity decrease brought by each feature.

    max_features_ : int
        Inferred value of ``max_features``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    n_outputs_ : int
        Number of outputs.

    tree_ : Tree
        The fitted tree: ``node_count``, ``children_left``, ``children_right``,
        ``feature``, ``threshold``, ``value`` (output means), ``impurity``,
        ``n_node_samples``, ``weighted_n_node_samples``,
        ``missing_go_to_left``...

    See Also
    --------
    DecisionTreeClassifier : A decision tree classifier.

    Notes
    -----
    ``X`` is converted to float32. Samples of weight zero are left out of the
    tree (they do not count in ``n_node_samples``).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skml.tree import DecisionTreeRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y)
    >>> reg.get_n_leaves()
    8
    >>> round(reg.score(X, y), 3)
    0.501
    """

    _parameter_constraints: dict = {
        **BaseDecisionTree._parameter_constraints,
        "criterion": [
            StrOptions({"squared_error", "friedman_mse", "poisson", "absolute_error"})
        ],
    }

    def __init__(
        self,
        *,
        criterion="squared_error",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        ccp_alpha=0.0,
    ):
        super().__init__(
            criterion=criterion,
            splitter=splitter,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            random_state=random_state,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            ccp_alpha=ccp_alpha,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, check_input=True):
        """Build a decision tree regressor from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input samples; converted to float32. NaN marks a
            missing value.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None weighs samples equally.

        check_input : bool, default=True
            Allow to bypass input checking (for ensembles).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, check_input=check_input)

    def predict(self, X, check_input=True):
        """Predict the regression target of each sample in X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        check_input : bool, default=True
            Allow to bypass input checking (for ensembles).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values: the mean of the training targets in the leaf.
        """
        check_is_fitted(self)
        X = self._validate_X_predict(X, check_input)
        proba = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return proba[:, 0, 0]
        return proba[:, :, 0]
