# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The public gradient-boosting estimators: their parameters, documentation
and the hooks (target encoding, loss, prediction) of BaseGradientBoosting."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets

from skml.ensemble._gb_losses import (
    REGRESSION_LOSSES,
    BinaryLogLoss,
    MultinomialLogLoss,
)
from skml.ensemble._gradient_boosting import BaseGradientBoosting
from skml.utils._sklearn import Interval, StrOptions


class GradientBoostingClassifier(ClassifierMixin, BaseGradientBoosting):
    """Histogram gradient-boosting classifier.

    Boosts trees grown best first on binned features by the shared split core,
    with second-order (Newton) gains and node values. Binary problems fit one
    tree per iteration on the log-odds, multiclass ones one tree per class and
    iteration on the softmax. Missing values (NaN) are routed to the child
    that lowers the loss most.

    Read more in the :ref:`User Guide <gradient_boosting>`.

    Parameters
    ----------
    loss : {"log_loss"}, default="log_loss"
        The binary or multinomial log-loss (from the number of classes).
    learning_rate : float, default=0.1
        Shrinkage of every leaf value; must be > 0.
    n_estimators : int, default=100
        Most boosting iterations (each grows ``n_trees_per_iteration_``
        trees).
    max_depth : int, default=None
        Deepest allowed node; None for no limit.
    max_leaf_nodes : int, default=31
        Most leaves per tree (best-first growth); None for no limit.
    min_samples_leaf : int, default=20
        Fewest samples in a leaf.
    min_child_weight : float, default=1e-3
        Least hessian sum in a child.
    l2_regularization : float, default=0.0
        L2 penalty (lambda) of the leaf values.
    l1_regularization : float, default=0.0
        L1 penalty (alpha) of the leaf values.
    categorical_features : "from_dtype", array-like of int, bool or str, or None, \
default="from_dtype"
        Features split by sets of categories instead of thresholds: integer
        indices, a boolean mask, feature names, or ``"from_dtype"`` for the
        pandas ``category`` columns of ``X`` (none for other inputs); None
        for none. A categorical feature holds category codes, integers in
        ``[0, max_bins)`` (NaN for missing), or is a pandas ``category``
        column of at most ``max_bins`` categories, whose categories are
        remembered and matched by value at predict time. A split orders the
        node's categories by ``G / (H + l2_regularization + 10)`` and cuts
        that order, categories of fewer than 10 samples in the node staying
        on the right, as scikit-learn's HistGradientBoosting does (and
        LightGBM, with its own constants). At predict time, categories not
        seen at fit go the way of the missing values. See the
        :ref:`User Guide <gb_categorical>`.
    monotonic_cst : array-like of int of shape (n_features,) or dict, default=None
        Monotonic constraint of each feature: 1 for an increasing, -1 for a
        decreasing, 0 for an unconstrained raw prediction along it. A dict maps
        feature names (of ``feature_names_in_``) or indices to constraints,
        the others being 0. As scikit-learn's HistGradientBoosting: a split on
        a constrained feature must order its children's values, node values
        are clipped to bounds cut at the midpoint of such splits, so that
        every tree (hence the model) is monotone in the constrained features.
        Binary problems only: the constraint holds on the log-odds (and the
        probability of ``classes_[1]``); multiclass problems raise ValueError.
    interaction_cst : {"pairwise", "no_interactions"} or sequence of lists/tuples/sets \
of int, default=None
        Interaction constraints, as scikit-learn's HistGradientBoosting: groups
        of feature indices; the features in no group form one more group. A
        node may split on a feature only if some group holds it and every
        feature split on along the node's path, so that the features of one
        root-to-leaf path, hence of one interaction term of the model, lie in
        one group. ``"no_interactions"``: one group per feature (an additive
        model); ``"pairwise"``: one group per pair of features. For instance,
        with 5 features, ``[{0, 1}]`` is the same as ``[{0, 1}, {2, 3, 4}]``.
        With ``colsample_bytree``, each tree keeps the groups cut to its
        columns; with ``colsample_bynode``, a node draws its features among
        its allowed ones (at most as many as without constraints; see the
        :ref:`User Guide <gb_interaction>`).
    max_bins : int, default=255
        Most bins of non-missing values per feature (at most 255).
    subsample : float, default=1.0
        Fraction of the rows drawn (without replacement) for each iteration.
    colsample_bytree : float, default=1.0
        Fraction of the features drawn for each iteration's trees.
    colsample_bynode : float, default=1.0
        Fraction of those features drawn at each node.
    warm_start : bool, default=False
        Continue a previous fit with more iterations (same data).
    early_stopping : "auto" or bool, default="auto"
        Stop when the validation score stops improving; "auto" enables it
        above 10000 rows or when ``X_val`` is given to ``fit``.
    scoring : str, callable or None, default="loss"
        Score of early stopping: "loss" (or None) for the loss, else a
        scikit-learn scorer (evaluated at every iteration).
    validation_fraction : float or None, default=0.1
        Fraction of the training data held out for early stopping; None
        stops on the training loss.
    n_iter_no_change : int, default=10
        Iterations without improvement before stopping.
    tol : float, default=1e-7
        Least improvement counted as one.
    verbose : int, default=0
        Print one line per iteration (scores and time) when > 0.
    random_state : int, RandomState instance or None, default=None
        Seed of the validation split, the binning subsample and the row,
        column and node-feature draws.
    n_threads : int, default=None
        OpenMP threads; None for all available, -1 likewise.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_iter_ : int
        Iterations fitted (fewer than ``n_estimators`` after early stopping).
    n_trees_per_iteration_ : int
        1 for binary problems, the number of classes otherwise.
    train_score_ : ndarray of shape (`n_iter_` + 1,)
        Score on the training data (negative loss for "loss") before the first
        and after every iteration, with early stopping; empty otherwise.
    validation_score_ : ndarray of shape (`n_iter_` + 1,)
        The same on the validation data; empty without one.
    do_early_stopping_ : bool
        Whether early stopping was on.
    feature_importances_ : ndarray of shape (n_features,)
        Normalised total split gain of each feature.
    is_categorical_ : ndarray of shape (n_features,), bool
        Whether each feature is categorical.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen in fit, when they are all strings.

    See Also
    --------
    GradientBoostingRegressor : The regressor.
    sklearn.ensemble.HistGradientBoostingClassifier : The scikit-learn
        counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skml.ensemble import GradientBoostingClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = GradientBoostingClassifier(n_estimators=20, random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.95
    True
    """

    _parameter_constraints = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"log_loss"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        loss="log_loss",
        *,
        learning_rate=0.1,
        n_estimators=100,
        max_depth=None,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        min_child_weight=1e-3,
        l2_regularization=0.0,
        l1_regularization=0.0,
        categorical_features="from_dtype",
        monotonic_cst=None,
        interaction_cst=None,
        max_bins=255,
        subsample=1.0,
        colsample_bytree=1.0,
        colsample_bynode=1.0,
        warm_start=False,
        early_stopping="auto",
        scoring="loss",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-7,
        verbose=0,
        random_state=None,
        n_threads=None,
        class_weight=None,
    ):
        super().__init__(
            loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            max_depth=max_depth,
            max_leaf_nodes=max_leaf_nodes,
            min_samples_leaf=min_samples_leaf,
            min_child_weight=min_child_weight,
            l2_regularization=l2_regularization,
            l1_regularization=l1_regularization,
            categorical_features=categorical_features,
            monotonic_cst=monotonic_cst,
            interaction_cst=interaction_cst,
            max_bins=max_bins,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            colsample_bynode=colsample_bynode,
            warm_start=warm_start,
            early_stopping=early_stopping,
            scoring=scoring,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            verbose=verbose,
            random_state=random_state,
            n_threads=n_threads,
        )
        self.class_weight = class_weight

    def _encode_y(self, y, fitting):
        y = np.asarray(y)
        if y.ndim != 1:
            y = y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y
        if fitting:
            check_classification_targets(y)
            classes, encoded = np.unique(y, return_inverse=True)
            if len(classes) < 2:
                raise ValueError("y has one class; a classifier needs at least two.")
            if self._is_fitted() and not np.array_equal(classes, self.classes_):
                raise ValueError("warm_start fit with different classes in y.")
            self.classes_ = classes
            return encoded.astype(np.float64)
        known = np.isin(y, self.classes_)
        if not known.all():
            raise ValueError(
                f"y_val has labels not seen in y: {np.unique(y[~known])!r}."
            )
        return np.searchsorted(self.classes_, y).astype(np.float64)

    def _decode(self, y):
        return self.classes_[y.astype(np.intp)]

    def _sample_weight(self, y, sample_weight):
        if self.class_weight is None:
            return sample_weight
        return sample_weight * compute_sample_weight(self.class_weight, y)

    def _check_split(self, y_train):
        if len(np.unique(y_train)) < len(self.classes_):
            raise ValueError(
                "The training part of the validation split lost a class; "
                "lower validation_fraction or pass X_val and y_val."
            )

    def _make_loss(self, y):
        n_classes = len(self.classes_)
        if n_classes == 2:
            return BinaryLogLoss()
        return MultinomialLogLoss(n_classes=n_classes)

    def decision_function(self, X):
        """Raw predictions (log-odds, or per-class softmax scores).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The binary log-odds of ``classes_[1]``, or one score per class.
        """
        raw = self._raw_predict(X)
        return raw[0] if raw.shape[0] == 1 else raw.T.copy()

    def staged_decision_function(self, X):
        """Raw predictions after each iteration.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Yields
        ------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            As :meth:`decision_function`, after 1, 2, ... iterations.
        """
        for raw in self._staged_raw_predict(X):
            yield raw[0] if raw.shape[0] == 1 else raw.T.copy()

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class (in ``classes_`` order).
        """
        raw = self._raw_predict(X)
        return self._loss.inverse_link(raw)

    def staged_predict_proba(self, X):
        """Class probabilities after each iteration.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
            As :meth:`predict_proba`, after 1, 2, ... iterations.
        """
        for raw in self._staged_raw_predict(X):
            yield self._loss.inverse_link(raw)

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        scores = self._raw_to_scores(self._raw_predict(X))
        return self.classes_[np.argmax(scores, axis=1)]

    def staged_predict(self, X):
        """Predicted classes after each iteration.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            As :meth:`predict`, after 1, 2, ... iterations.
        """
        for raw in self._staged_raw_predict(X):
            yield self.classes_[np.argmax(self._raw_to_scores(raw), 1)]

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log of :meth:`predict_proba`.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    @staticmethod
    def _raw_to_scores(raw):
        # Scores whose argmax is the predicted class (ties: the first).
        if raw.shape[0] == 1:
            return np.column_stack([np.zeros(raw.shape[1]), raw[0]])
        return raw.T


class GradientBoostingRegressor(RegressorMixin, BaseGradientBoosting):
    """Histogram gradient-boosting regressor.

    Boosts trees grown best first on binned features by the shared split core,
    with second-order (Newton) gains and node values. The absolute error,
    quantile and huber losses re-fit each leaf to a weighted quantile of its
    residuals. Missing values (NaN) are routed to the child that lowers the
    loss most.

    Read more in the :ref:`User Guide <gradient_boosting>`.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "quantile", \
            "poisson", "gamma"}, default="squared_error"
        Loss (half squared error, half Poisson and Gamma deviances with a log
        link, as scikit-learn's HistGradientBoostingRegressor).
    quantile : float, default=None
        The quantile of ``loss="quantile"`` (required there); for
        ``loss="huber"``, the quantile of the absolute residuals taken as the
        Huber threshold at each iteration (None: 0.9).
    learning_rate : float, default=0.1
        Shrinkage of every leaf value; must be > 0.
    n_estimators : int, default=100
        Most boosting iterations.
    max_depth : int, default=None
        Deepest allowed node; None for no limit.
    max_leaf_nodes : int, default=31
        Most leaves per tree (best-first growth); None for no limit.
    min_samples_leaf : int, default=20
        Fewest samples in a leaf.
    min_child_weight : float, default=1e-3
        Least hessian sum in a child.
    l2_regularization : float, default=0.0
        L2 penalty (lambda) of the leaf values.
    l1_regularization : float, default=0.0
        L1 penalty (alpha) of the leaf values.
    categorical_features : "from_dtype", array-like of int, bool or str, or None, \
default="from_dtype"
        Features split by sets of categories instead of thresholds: integer
        indices, a boolean mask, feature names, or ``"from_dtype"`` for the
        pandas ``category`` columns of ``X`` (none for other inputs); None
        for none. A categorical feature holds category codes, integers in
        ``[0, max_bins)`` (NaN for missing), or is a pandas ``category``
        column of at most ``max_bins`` categories, whose categories are
        remembered and matched by value at predict time. A split orders the
        node's categories by ``G / (H + l2_regularization + 10)`` and cuts
        that order, categories of fewer than 10 samples in the node staying
        on the right, as scikit-learn's HistGradientBoosting does (and
        LightGBM, with its own constants). At predict time, categories not
        seen at fit go the way of the missing values. See the
        :ref:`User Guide <gb_categorical>`.
    monotonic_cst : array-like of int of shape (n_features,) or dict, default=None
        Monotonic constraint of each feature: 1 for an increasing, -1 for a
        decreasing, 0 for an unconstrained raw prediction along it. A dict maps
        feature names (of ``feature_names_in_``) or indices to constraints,
        the others being 0. As scikit-learn's HistGradientBoosting: a split on
        a constrained feature must order its children's values, node values
        are clipped to bounds cut at the midpoint of such splits, so that
        every tree (hence the model) is monotone in the constrained features.
        The losses whose leaf values are re-fit (absolute error, quantile,
        huber) clip the re-fit values to the same bounds, so they are
        monotone too.
    interaction_cst : {"pairwise", "no_interactions"} or sequence of lists/tuples/sets \
of int, default=None
        Interaction constraints, as scikit-learn's HistGradientBoosting: groups
        of feature indices; the features in no group form one more group. A
        node may split on a feature only if some group holds it and every
        feature split on along the node's path, so that the features of one
        root-to-leaf path, hence of one interaction term of the model, lie in
        one group. ``"no_interactions"``: one group per feature (an additive
        model); ``"pairwise"``: one group per pair of features. For instance,
        with 5 features, ``[{0, 1}]`` is the same as ``[{0, 1}, {2, 3, 4}]``.
        With ``colsample_bytree``, each tree keeps the groups cut to its
        columns; with ``colsample_bynode``, a node draws its features among
        its allowed ones (at most as many as without constraints; see the
        :ref:`User Guide <gb_interaction>`).
    max_bins : int, default=255
        Most bins of non-missing values per feature (at most 255).
    subsample : float, default=1.0
        Fraction of the rows drawn (without replacement) for each iteration.
    colsample_bytree : float, default=1.0
        Fraction of the features drawn for each iteration's tree.
    colsample_bynode : float, default=1.0
        Fraction of those features drawn at each node.
    warm_start : bool, default=False
        Continue a previous fit with more iterations (same data).
    early_stopping : "auto" or bool, default="auto"
        Stop when the validation score stops improving; "auto" enables it
        above 10000 rows or when ``X_val`` is given to ``fit``.
    scoring : str, callable or None, default="loss"
        Score of early stopping: "loss" (or None) for the loss, else a
        scikit-learn scorer (evaluated at every iteration).
    validation_fraction : float or None, default=0.1
        Fraction of the training data held out for early stopping; None
        stops on the training loss.
    n_iter_no_change : int, default=10
        Iterations without improvement before stopping.
    tol : float, default=1e-7
        Least improvement counted as one.
    verbose : int, default=0
        Print one line per iteration (scores and time) when > 0.
    random_state : int, RandomState instance or None, default=None
        Seed of the validation split, the binning subsample and the row,
        column and node-feature draws.
    n_threads : int, default=None
        OpenMP threads; None for all available, -1 likewise.

    Attributes
    ----------
    n_iter_ : int
        Iterations fitted (fewer than ``n_estimators`` after early stopping).
    n_trees_per_iteration_ : int
        Always 1.
    train_score_ : ndarray of shape (`n_iter_` + 1,)
        Score on the training data (negative loss for "loss") before the first
        and after every iteration, with early stopping; empty otherwise.
    validation_score_ : ndarray of shape (`n_iter_` + 1,)
        The same on the validation data; empty without one.
    do_early_stopping_ : bool
        Whether early stopping was on.
    feature_importances_ : ndarray of shape (n_features,)
        Normalised total split gain of each feature.
    is_categorical_ : ndarray of shape (n_features,), bool
        Whether each feature is categorical.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen in fit, when they are all strings.

    See Also
    --------
    GradientBoostingClassifier : The classifier.
    sklearn.ensemble.HistGradientBoostingRegressor : The scikit-learn
        counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skml.ensemble import GradientBoostingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = GradientBoostingRegressor(n_estimators=20, random_state=0)
    >>> reg.fit(X, y).score(X, y) > 0.5
    True
    """

    _parameter_constraints = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
        "quantile": [Interval(Real, 0, 1, closed="neither"), None],
    }

    def __init__(
        self,
        loss="squared_error",
        *,
        quantile=None,
        learning_rate=0.1,
        n_estimators=100,
        max_depth=None,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        min_child_weight=1e-3,
        l2_regularization=0.0,
        l1_regularization=0.0,
        categorical_features="from_dtype",
        monotonic_cst=None,
        interaction_cst=None,
        max_bins=255,
        subsample=1.0,
        colsample_bytree=1.0,
        colsample_bynode=1.0,
        warm_start=False,
        early_stopping="auto",
        scoring="loss",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-7,
        verbose=0,
        random_state=None,
        n_threads=None,
    ):
        super().__init__(
            loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            max_depth=max_depth,
            max_leaf_nodes=max_leaf_nodes,
            min_samples_leaf=min_samples_leaf,
            min_child_weight=min_child_weight,
            l2_regularization=l2_regularization,
            l1_regularization=l1_regularization,
            categorical_features=categorical_features,
            monotonic_cst=monotonic_cst,
            interaction_cst=interaction_cst,
            max_bins=max_bins,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            colsample_bynode=colsample_bynode,
            warm_start=warm_start,
            early_stopping=early_stopping,
            scoring=scoring,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            verbose=verbose,
            random_state=random_state,
            n_threads=n_threads,
        )
        self.quantile = quantile

    def _encode_y(self, y, fitting):
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity.")
        if self.loss == "poisson" and (np.any(y < 0) or (fitting and y.sum() <= 0)):
            raise ValueError(
                "loss='poisson' needs y >= 0 with a positive sum; y has "
                "negative values or sums to zero."
            )
        if self.loss == "gamma" and np.any(y <= 0):
            raise ValueError("loss='gamma' needs y > 0; y has values <= 0.")
        return np.ascontiguousarray(y)

    def _make_loss(self, y):
        if self.loss == "quantile" and self.quantile is None:
            raise ValueError("loss='quantile' needs the quantile parameter.")
        return REGRESSION_LOSSES[self.loss](quantile=self.quantile)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predictions (``exp`` of the raw prediction for poisson and gamma).
        """
        raw = self._raw_predict(X)
        return self._loss.inverse_link(raw)

    def staged_predict(self, X):
        """Predicted values after each iteration.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            As :meth:`predict`, after 1, 2, ... iterations.
        """
        for raw in self._staged_raw_predict(X):
            yield self._loss.inverse_link(raw)
