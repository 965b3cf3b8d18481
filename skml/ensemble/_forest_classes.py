# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The public forests: RandomForest and ExtraTrees, classifier and regressor.

Parameters and docstrings live here; the fitting and prediction machinery they
share is ``BaseForest`` in ``_forest.py``.
"""

from sklearn.base import (
    ClassifierMixin,
    RegressorMixin,
)

from skml.ensemble._forest import (
    _CLASSIFIER_CONSTRAINTS,
    _REGRESSOR_CONSTRAINTS,
    BaseForest,
    _predict,
    _predict_log_proba,
    _predict_proba_method,
    _regressor_predict,
)
from skml.utils._sklearn import (
    StrOptions,
)

__all__ = [
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
    "RandomForestClassifier",
    "RandomForestRegressor",
]


class RandomForestClassifier(ClassifierMixin, BaseForest):
    """A random forest classifier.

    A meta estimator that grows decision trees on bootstrap samples of the data,
    each split drawing ``max_features`` candidate features, and averages the
    trees' class probabilities. The trees are skml decision trees grown in
    parallel threads; the result does not depend on ``n_jobs``.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees in the forest.

    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Impurity measure of a split: Gini impurity, or Shannon entropy (the
        same as "log_loss").

    splitter : {"best", "hist"}, default="best"
        Best threshold of each drawn feature, or the best threshold among the
        edges of at most 255 bins per feature (histogram split finding, binned
        once for the whole forest: faster on large data; nodes of fewer than
        256 samples are split on exact values).

    max_depth : int, default=None
        Maximum depth of the trees; ``None`` grows until the leaves are pure or
        hold fewer than ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        Fewest samples needed to split a node (a fraction of ``n_samples`` if
        float).

    min_samples_leaf : int or float, default=1
        Fewest samples in a leaf (a fraction of ``n_samples`` if float).

    min_weight_fraction_leaf : float, default=0.0
        Least fraction of a tree's total sample weight in a leaf.

    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
        Number of features drawn at each split (a fraction of the features if
        float); ``None`` uses all of them.

    max_leaf_nodes : int, default=None
        Grow the trees best first with at most this many leaves.

    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted impurity decrease is at least this.

    bootstrap : bool, default=True
        Whether each tree is grown on a bootstrap sample (else on the whole
        data).

    oob_score : bool or callable, default=False
        Whether to estimate the generalization score on the out-of-bag samples
        (only with ``bootstrap=True``): the accuracy (subset accuracy for
        multi-output targets, as ``score``), or ``oob_score(y_true, y_pred)``
        if callable. As in scikit-learn, the callable gets class indices (into
        ``classes_``): ``y_true`` of shape (n_samples, n_outputs) and
        ``y_pred``, the most probable class of each out-of-bag row.

    n_jobs : int, default=None
        Number of threads growing the trees and predicting; ``None`` means 1,
        -1 means all processors.

    random_state : int, RandomState instance or None, default=None
        Controls the seeds of the trees: their bootstrap samples and feature
        draws.

    verbose : int, default=0
        Verbosity of the joblib parallel loops.

    warm_start : bool, default=False
        When True, reuse the trees of the previous fit and add more trees.

    class_weight : {"balanced", "balanced_subsample"}, dict or list of dicts, \
            default=None
        Weights of the classes, multiplied into ``sample_weight``;
        "balanced_subsample" computes the "balanced" weights on each tree's
        bootstrap sample.

    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning of each tree.

    max_samples : int or float, default=None
        Size of the bootstrap samples: ``None`` draws ``n_samples`` rows, or
        ``sum(sample_weight)`` when the weights are integers (frequencies); a
        float is a fraction of that. Rows are drawn with probability
        proportional to their weight.

    Attributes
    ----------
    estimator_ : DecisionTreeClassifier
        The unfitted template of the trees: a tree with the forest's tree
        parameters, of which each tree is a copy with its own ``random_state``.

    estimators_ : list of DecisionTreeClassifier
        The fitted trees; ``len(forest)``, ``forest[i]`` and iterating over the
        forest reach them too.

    estimators_samples_ : list of ndarray
        The rows drawn for each tree (its in-bag sample indices, with
        repetitions); ``arange(n_samples)`` without bootstrap.

    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels (a list of arrays for multi-output problems).

    n_classes_ : int or ndarray of int
        Number of classes (an array for multi-output problems).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    n_outputs_ : int
        Number of outputs.

    feature_importances_ : ndarray of shape (n_features,)
        Mean of the trees' normalized impurity-based importances.

    oob_score_ : float
        Score on the out-of-bag samples (with ``oob_score``).

    oob_decision_function_ : ndarray of shape (n_samples, n_classes) or \
            (n_samples, n_classes, n_outputs)
        Out-of-bag class probabilities (with ``oob_score``): the mean over the
        trees that did not draw the row; all zeros for a row that every tree
        drew (a warning tells when there is one), as in scikit-learn.

    See Also
    --------
    ExtraTreesClassifier : Trees with random thresholds, without bootstrap.
    skml.tree.DecisionTreeClassifier : A single decision tree.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.ensemble import RandomForestClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> clf.predict(X[:2])
    array([0, 0])
    >>> len(clf.estimators_)
    10
    """

    _parameter_constraints: dict = {
        **BaseForest._parameter_constraints,
        **_CLASSIFIER_CONSTRAINTS,
        "splitter": [StrOptions({"best", "hist"})],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
    ):
        super().__init__(
            n_estimators=n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            ccp_alpha=ccp_alpha,
            max_samples=max_samples,
        )
        self.splitter = splitter
        self.class_weight = class_weight

    predict = _predict
    predict_proba = _predict_proba_method
    predict_log_proba = _predict_log_proba

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class ExtraTreesClassifier(ClassifierMixin, BaseForest):
    """An extra-trees (extremely randomized trees) classifier.

    Like a random forest, but each split draws one random threshold per
    candidate feature and keeps the best of them, and by default every tree
    sees the whole data (no bootstrap). The trees are skml decision trees with
    the random splitter, grown in parallel threads.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees in the forest.

    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Impurity measure of a split: Gini impurity, or Shannon entropy (the
        same as "log_loss").

    max_depth : int, default=None
        Maximum depth of the trees; ``None`` grows until the leaves are pure or
        hold fewer than ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        Fewest samples needed to split a node (a fraction of ``n_samples`` if
        float).

    min_samples_leaf : int or float, default=1
        Fewest samples in a leaf (a fraction of ``n_samples`` if float).

    min_weight_fraction_leaf : float, default=0.0
        Least fraction of a tree's total sample weight in a leaf.

    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
        Number of features drawn at each split (a fraction of the features if
        float); ``None`` uses all of them.

    max_leaf_nodes : int, default=None
        Grow the trees best first with at most this many leaves.

    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted impurity decrease is at least this.

    bootstrap : bool, default=False
        Whether each tree is grown on a bootstrap sample (else on the whole
        data).

    oob_score : bool or callable, default=False
        Whether to estimate the generalization score on the out-of-bag samples
        (only with ``bootstrap=True``): the accuracy (subset accuracy for
        multi-output targets, as ``score``), or ``oob_score(y_true, y_pred)``
        if callable. As in scikit-learn, the callable gets class indices (into
        ``classes_``): ``y_true`` of shape (n_samples, n_outputs) and
        ``y_pred``, the most probable class of each out-of-bag row.

    n_jobs : int, default=None
        Number of threads growing the trees and predicting; ``None`` means 1,
        -1 means all processors.

    random_state : int, RandomState instance or None, default=None
        Controls the seeds of the trees: their bootstrap samples, feature draws
        and thresholds.

    verbose : int, default=0
        Verbosity of the joblib parallel loops.

    warm_start : bool, default=False
        When True, reuse the trees of the previous fit and add more trees.

    class_weight : {"balanced", "balanced_subsample"}, dict or list of dicts, \
            default=None
        Weights of the classes, multiplied into ``sample_weight``;
        "balanced_subsample" computes the "balanced" weights on each tree's
        bootstrap sample.

    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning of each tree.

    max_samples : int or float, default=None
        Size of the bootstrap samples: ``None`` draws ``n_samples`` rows, or
        ``sum(sample_weight)`` when the weights are integers (frequencies); a
        float is a fraction of that. Rows are drawn with probability
        proportional to their weight.

    Attributes
    ----------
    estimator_ : DecisionTreeClassifier
        The unfitted template of the trees: a tree with the forest's tree
        parameters, of which each tree is a copy with its own ``random_state``.

    estimators_ : list of DecisionTreeClassifier
        The fitted trees; ``len(forest)``, ``forest[i]`` and iterating over the
        forest reach them too.

    estimators_samples_ : list of ndarray
        The rows drawn for each tree (its in-bag sample indices, with
        repetitions); ``arange(n_samples)`` without bootstrap.

    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels (a list of arrays for multi-output problems).

    n_classes_ : int or ndarray of int
        Number of classes (an array for multi-output problems).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    n_outputs_ : int
        Number of outputs.

    feature_importances_ : ndarray of shape (n_features,)
        Mean of the trees' normalized impurity-based importances.

    oob_score_ : float
        Score on the out-of-bag samples (with ``oob_score``).

    oob_decision_function_ : ndarray of shape (n_samples, n_classes) or \
            (n_samples, n_classes, n_outputs)
        Out-of-bag class probabilities (with ``oob_score``): the mean over the
        trees that did not draw the row; all zeros for a row that every tree
        drew (a warning tells when there is one), as in scikit-learn.

    See Also
    --------
    RandomForestClassifier : Trees with best thresholds on bootstrap samples.
    skml.tree.DecisionTreeClassifier : A single decision tree.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.ensemble import ExtraTreesClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = ExtraTreesClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> clf.predict(X[:2])
    array([0, 0])
    >>> len(clf.estimators_)
    10
    """

    _parameter_constraints: dict = {
        **BaseForest._parameter_constraints,
        **_CLASSIFIER_CONSTRAINTS,
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
    ):
        super().__init__(
            n_estimators=n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            ccp_alpha=ccp_alpha,
            max_samples=max_samples,
        )
        self.class_weight = class_weight

    predict = _predict
    predict_proba = _predict_proba_method
    predict_log_proba = _predict_log_proba

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class RandomForestRegressor(RegressorMixin, BaseForest):
    """A random forest regressor.

    A meta estimator that grows decision trees on bootstrap samples of the data,
    each split drawing ``max_features`` candidate features, and averages the
    trees' predictions. The trees are skml decision trees grown in parallel
    threads; the result does not depend on ``n_jobs``.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees in the forest.

    criterion : {"squared_error", "poisson", "absolute_error"}, \
            default="squared_error"
        Measure of the quality of a split: mean squared error, half the Poisson
        deviance, or mean absolute error (leaves predict the weighted median;
        slower; not with ``splitter="hist"``). ``"friedman_mse"`` is accepted
        as a deprecated alias of ``"squared_error"``, as in scikit-learn 1.9.

    splitter : {"best", "hist"}, default="best"
        Best threshold of each drawn feature, or the best threshold among the
        edges of at most 255 bins per feature (histogram split finding, binned
        once for the whole forest: faster on large data; nodes of fewer than
        256 samples are split on exact values).

    max_depth : int, default=None
        Maximum depth of the trees; ``None`` grows until the leaves are pure or
        hold fewer than ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        Fewest samples needed to split a node (a fraction of ``n_samples`` if
        float).

    min_samples_leaf : int or float, default=1
        Fewest samples in a leaf (a fraction of ``n_samples`` if float).

    min_weight_fraction_leaf : float, default=0.0
        Least fraction of a tree's total sample weight in a leaf.

    max_features : {"sqrt", "log2"}, int, float or None, default=1.0
        Number of features drawn at each split (a fraction of the features if
        float); ``None`` uses all of them.

    max_leaf_nodes : int, default=None
        Grow the trees best first with at most this many leaves.

    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted impurity decrease is at least this.

    bootstrap : bool, default=True
        Whether each tree is grown on a bootstrap sample (else on the whole
        data).

    oob_score : bool or callable, default=False
        Whether to estimate the generalization score on the out-of-bag samples
        (only with ``bootstrap=True``): the R^2 score, or
        ``oob_score(y_true, y_pred)`` if callable, with ``y_true`` of shape
        (n_samples, n_outputs) and ``y_pred`` the ``oob_prediction_`` (as in
        scikit-learn).

    n_jobs : int, default=None
        Number of threads growing the trees and predicting; ``None`` means 1,
        -1 means all processors.

    random_state : int, RandomState instance or None, default=None
        Controls the seeds of the trees: their bootstrap samples and feature
        draws.

    verbose : int, default=0
        Verbosity of the joblib parallel loops.

    warm_start : bool, default=False
        When True, reuse the trees of the previous fit and add more trees.

    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning of each tree.

    max_samples : int or float, default=None
        Size of the bootstrap samples: ``None`` draws ``n_samples`` rows, or
        ``sum(sample_weight)`` when the weights are integers (frequencies); a
        float is a fraction of that. Rows are drawn with probability
        proportional to their weight.

    Attributes
    ----------
    estimator_ : DecisionTreeRegressor
        The unfitted template of the trees: a tree with the forest's tree
        parameters, of which each tree is a copy with its own ``random_state``.

    estimators_ : list of DecisionTreeRegressor
        The fitted trees; ``len(forest)``, ``forest[i]`` and iterating over the
        forest reach them too.

    estimators_samples_ : list of ndarray
        The rows drawn for each tree (its in-bag sample indices, with
        repetitions); ``arange(n_samples)`` without bootstrap.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    n_outputs_ : int
        Number of outputs.

    feature_importances_ : ndarray of shape (n_features,)
        Mean of the trees' normalized impurity-based importances.

    oob_score_ : float
        Score on the out-of-bag samples (with ``oob_score``).

    oob_prediction_ : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Out-of-bag predictions (with ``oob_score``): the mean over the trees
        that did not draw the row; zero for a row that every tree drew (a
        warning tells when there is one), as in scikit-learn.

    See Also
    --------
    ExtraTreesRegressor : Trees with random thresholds, without bootstrap.
    skml.tree.DecisionTreeRegressor : A single decision tree.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skml.ensemble import RandomForestRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> len(reg.estimators_)
    10
    """

    _parameter_constraints: dict = {
        **BaseForest._parameter_constraints,
        **_REGRESSOR_CONSTRAINTS,
        "splitter": [StrOptions({"best", "hist"})],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        ccp_alpha=0.0,
        max_samples=None,
    ):
        super().__init__(
            n_estimators=n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            ccp_alpha=ccp_alpha,
            max_samples=max_samples,
        )
        self.splitter = splitter

    predict = _regressor_predict


class ExtraTreesRegressor(RegressorMixin, BaseForest):
    """An extra-trees (extremely randomized trees) regressor.

    Like a random forest, but each split draws one random threshold per
    candidate feature and keeps the best of them, and by default every tree
    sees the whole data (no bootstrap). The trees are skml decision trees with
    the random splitter, grown in parallel threads.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees in the forest.

    criterion : {"squared_error", "poisson", "absolute_error"}, \
            default="squared_error"
        Measure of the quality of a split: mean squared error, half the Poisson
        deviance, or mean absolute error (leaves predict the weighted median;
        slower; not with ``splitter="hist"``). ``"friedman_mse"`` is accepted
        as a deprecated alias of ``"squared_error"``, as in scikit-learn 1.9.

    max_depth : int, default=None
        Maximum depth of the trees; ``None`` grows until the leaves are pure or
        hold fewer than ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        Fewest samples needed to split a node (a fraction of ``n_samples`` if
        float).

    min_samples_leaf : int or float, default=1
        Fewest samples in a leaf (a fraction of ``n_samples`` if float).

    min_weight_fraction_leaf : float, default=0.0
        Least fraction of a tree's total sample weight in a leaf.

    max_features : {"sqrt", "log2"}, int, float or None, default=1.0
        Number of features drawn at each split (a fraction of the features if
        float); ``None`` uses all of them.

    max_leaf_nodes : int, default=None
        Grow the trees best first with at most this many leaves.

    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted impurity decrease is at least this.

    bootstrap : bool, default=False
        Whether each tree is grown on a bootstrap sample (else on the whole
        data).

    oob_score : bool or callable, default=False
        Whether to estimate the generalization score on the out-of-bag samples
        (only with ``bootstrap=True``): the R^2 score, or
        ``oob_score(y_true, y_pred)`` if callable, with ``y_true`` of shape
        (n_samples, n_outputs) and ``y_pred`` the ``oob_prediction_`` (as in
        scikit-learn).

    n_jobs : int, default=None
        Number of threads growing the trees and predicting; ``None`` means 1,
        -1 means all processors.

    random_state : int, RandomState instance or None, default=None
        Controls the seeds of the trees: their bootstrap samples, feature draws
        and thresholds.

    verbose : int, default=0
        Verbosity of the joblib parallel loops.

    warm_start : bool, default=False
        When True, reuse the trees of the previous fit and add more trees.

    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning of each tree.

    max_samples : int or float, default=None
        Size of the bootstrap samples: ``None`` draws ``n_samples`` rows, or
        ``sum(sample_weight)`` when the weights are integers (frequencies); a
        float is a fraction of that. Rows are drawn with probability
        proportional to their weight.

    Attributes
    ----------
    estimator_ : DecisionTreeRegressor
        The unfitted template of the trees: a tree with the forest's tree
        parameters, of which each tree is a copy with its own ``random_state``.

    estimators_ : list of DecisionTreeRegressor
        The fitted trees; ``len(forest)``, ``forest[i]`` and iterating over the
        forest reach them too.

    estimators_samples_ : list of ndarray
        The rows drawn for each tree (its in-bag sample indices, with
        repetitions); ``arange(n_samples)`` without bootstrap.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    n_outputs_ : int
        Number of outputs.

    feature_importances_ : ndarray of shape (n_features,)
        Mean of the trees' normalized impurity-based importances.

    oob_score_ : float
        Score on the out-of-bag samples (with ``oob_score``).

    oob_prediction_ : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Out-of-bag predictions (with ``oob_score``): the mean over the trees
        that did not draw the row; zero for a row that every tree drew (a
        warning tells when there is one), as in scikit-learn.

    See Also
    --------
    RandomForestRegressor : Trees with best thresholds on bootstrap samples.
    skml.tree.DecisionTreeRegressor : A single decision tree.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skml.ensemble import ExtraTreesRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = ExtraTreesRegressor(n_estimators=10, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> len(reg.estimators_)
    10
    """

    _parameter_constraints: dict = {
        **BaseForest._parameter_constraints,
        **_REGRESSOR_CONSTRAINTS,
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        ccp_alpha=0.0,
        max_samples=None,
    ):
        super().__init__(
            n_estimators=n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            ccp_alpha=ccp_alpha,
            max_samples=max_samples,
        )

    predict = _regressor_predict
