# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift random forests: bagged uplift trees grown in joblib threads.

Every tree is grown through its own private fit path
(``BaseUpliftTree._grow``) on a bootstrap drawn within each treatment group, so
that no group is ever missing from a tree's sample; the core builds without
the GIL, so threads grow trees in parallel. A forest's outcome of a group is
the mean of its trees'; its uplift, the treated mean minus the control mean.
"""

import warnings
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from scipy.sparse import issparse
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from skml._splitting import as_sorted_csc, bin_features, with_codes_by_feature
from skml.uplift._base import UpliftMixin, squeeze_effects
from skml.uplift._tree import (
    BaseUpliftTree,
    UpliftTreeClassifier,
    UpliftTreeRegressor,
    node_effects,
    uplift_feature_importances,
)
from skml.utils._sklearn import Interval, _fit_context, check_is_fitted

__all__ = ["UpliftRandomForestClassifier", "UpliftRandomForestRegressor"]

MAX_INT = np.iinfo(np.int32).max


def stratified_bootstrap(group_rows, n_samples, seed):
    """Counts of a bootstrap drawn within each group (``group_rows``: the rows
    of each group that may be drawn), as many draws as the group has rows."""
    rng = np.random.RandomState(seed)
    drawn = [rows[rng.randint(0, rows.shape[0], rows.shape[0])] for rows in group_rows]
    return np.bincount(np.concatenate(drawn), minlength=n_samples).astype(np.float64)


def _grow_tree(tree, X, y, codes, sample_weight, n_groups, group_rows, bins, bootstrap):
    # Fit one tree (runs in a worker thread).
    seed = tree.random_state
    weight = sample_weight
    if bootstrap:
        weight = stratified_bootstrap(group_rows, X.shape[0], seed) * sample_weight
    tree.tree_ = tree._grow(X, y, codes, weight, n_groups, seed, bins=bins)
    return tree


class BaseUpliftForest(UpliftMixin, BaseEstimator):
    """Base class of the uplift forests; not for direct use."""

    _parameter_constraints: dict = {
        **BaseUpliftTree._parameter_constraints,
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "bootstrap": ["boolean"],
        "oob_score": ["boolean"],
        "n_jobs": [Integral, None],
    }
    _tree_class = BaseUpliftTree

    def _tree_params(self):
        names = self._tree_class._get_param_names()
        return {name: getattr(self, name) for name in names if name != "random_state"}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, treatment=None, sample_weight=None):
        """Grow the forest.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples; converted to float32. NaN marks a missing value.
        y : array-like of shape (n_samples,)
            Observed outcomes.
        treatment : array-like of shape (n_samples,)
            Group label of each row; the ``control`` parameter names the
            control group, every other label is a treatment group.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if self.oob_score and not self.bootstrap:
            raise ValueError(
                "Out-of-bag estimation is only available with bootstrap=True."
            )
        template = self._tree_class(**self._tree_params())
        X, y, codes, sample_weight, n_groups = template._prepare(
            X, y, treatment, sample_weight
        )
        self.treatment_groups_ = template.treatment_groups_
        self.n_features_in_ = template.n_features_in_
        if hasattr(template, "feature_names_in_"):
            self.feature_names_in_ = template.feature_names_in_
        self.max_features_ = template._resolve(*X.shape)[1]
        random_state = check_random_state(self.random_state)
        seeds = random_state.randint(MAX_INT, size=self.n_estimators)
        X = as_sorted_csc(X) if issparse(X) else np.asfortranarray(X)
        bins = (
            with_codes_by_feature(bin_features(X)) if self.splitter == "hist" else None
        )
        group_rows = [
            np.flatnonzero((codes == g) & (sample_weight > 0)) for g in range(n_groups)
        ]
        trees = []
        for seed in seeds:
            tree = self._tree_class(**self._tree_params(), random_state=int(seed))
            tree.treatment_groups_ = self.treatment_groups_
            tree.n_features_in_ = self.n_features_in_
            trees.append(tree)
        self.estimators_ = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_grow_tree)(
                tree,
                X,
                y,
                codes,
                sample_weight,
                n_groups,
                group_rows,
                bins,
                self.bootstrap,
            )
            for tree in trees
        )
        if self.oob_score:
            self._set_oob_score(X, y, codes, sample_weight, group_rows, n_groups)
        return self

    def _set_oob_score(self, X, y, codes, sample_weight, group_rows, n_groups):
        # Each row's uplift from the trees whose bootstrap left it out (the
        # bootstraps are drawn again from the trees' seeds), and the Qini of
        # the rows that have one.
        from skml.metrics import qini_auc_score

        X = X.tocsr() if issparse(X) else np.ascontiguousarray(X)
        n_samples = X.shape[0]

        def oob_sums(trees):
            total = np.zeros((n_samples, n_groups))
            count = np.zeros(n_samples)
            for tree in trees:
                counts = stratified_bootstrap(group_rows, n_samples, tree.random_state)
                rows = np.flatnonzero((counts == 0) & (sample_weight > 0))
                effects = node_effects(tree.tree_, n_groups)
                total[rows] += effects[tree.tree_.apply(X[rows])]
                count[rows] += 1
            return total, count

        chunks = [
            self.estimators_[i : i + 8] for i in range(0, len(self.estimators_), 8)
        ]
        parts = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(oob_sums)(chunk) for chunk in chunks
        )
        total = np.sum([part[0] for part in parts], axis=0)
        count = np.sum([part[1] for part in parts], axis=0)
        seen = count > 0
        n_unseen = np.count_nonzero(~seen & (sample_weight > 0))
        if n_unseen:
            warnings.warn(
                f"{n_unseen} rows were drawn by every tree's bootstrap and have "
                "no out-of-bag prediction (NaN in oob_prediction_); oob_score_ "
                "leaves them out. More trees give every row one.",
                UserWarning,
                stacklevel=3,
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            outcomes = total / count[:, None]
        self.oob_prediction_ = squeeze_effects(outcomes[:, 1:] - outcomes[:, :1])
        scores = qini_auc_score(
            y[seen],
            self.oob_prediction_[seen],
            codes[seen],
            control=0,
            sample_weight=sample_weight[seen],
        )
        self.oob_score_ = float(np.mean(scores))

    def predict_outcomes(self, X):
        """Expected outcome of each row under each group, averaged over trees.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        outcomes : ndarray of shape (n_samples, n_treatments + 1)
            Control first, then the treatment groups in the order of
            ``treatment_groups_`` (for a binary outcome, the probability of
            ``y = 1``).
        """
        X = self._validate_predict(X)
        X = (
            X.tocsr().astype(np.float32)
            if issparse(X)
            else (np.ascontiguousarray(X, dtype=np.float32))
        )
        n_groups = self.treatment_groups_.shape[0] + 1

        def leaf_means(trees):
            total = np.zeros((X.shape[0], n_groups))
            for tree in trees:
                total += node_effects(tree.tree_, n_groups)[tree.tree_.apply(X)]
            return total

        chunks = [
            self.estimators_[i : i + 8] for i in range(0, len(self.estimators_), 8)
        ]
        sums = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(leaf_means)(chunk) for chunk in chunks
        )
        return np.sum(sums, axis=0) / len(self.estimators_)

    def predict(self, X):
        """Estimated effect of each treatment group against control.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        uplift : ndarray of shape (n_samples,) or (n_samples, n_treatments)
            The trees' mean treated outcome minus their mean control outcome;
            one column per treatment group when there are several.
        """
        outcomes = self.predict_outcomes(X)
        return squeeze_effects(outcomes[:, 1:] - outcomes[:, :1])

    @property
    def feature_importances_(self):
        """Mean over the trees of their normalised uplift gains per feature.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
            Non-negative, summing to one (all zero if no tree splits).
        """
        check_is_fitted(self)
        importances = np.mean(
            [uplift_feature_importances(t.tree_) for t in self.estimators_], axis=0
        )
        total = importances.sum()
        return importances / total if total > 0 else importances

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class UpliftRandomForestClassifier(BaseUpliftForest):
    """A random forest of uplift trees for a binary outcome.

    Bags :class:`UpliftTreeClassifier` trees, each grown on a bootstrap drawn
    within every treatment group (so that no group is missing from a tree) and
    drawing ``max_features`` features at each node. The forest's uplift is the
    mean over the trees of the treated conversion rate minus that of control.
    Trees are grown in parallel threads (``n_jobs``); the forest is the same
    for any ``n_jobs``.

    Read more in the :ref:`User Guide <uplift_trees>`.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    criterion : {"KL", "ED", "Chi", "CTS", "DDP"}, default="KL"
        Split criterion of the trees (see :class:`UpliftTreeClassifier`).
    splitter : {"best", "hist"}, default="best"
        Exact thresholds on sorted feature values, or thresholds between the
        bins of features binned once into at most 255 intervals (faster).
    max_depth : int or None, default=5
        Deepest allowed node; None for no limit.
    max_leaf_nodes : int or None, default=None
        Grow every tree best first with at most ``max_leaf_nodes`` leaves (see
        :class:`UpliftTreeClassifier`); None for no limit.
    min_samples_leaf : int or float, default=100
        Fewest samples in a leaf (a float: a fraction of the samples).
    min_samples_treatment : float, default=10
        Fewest samples (weight) of every group in each child of a split.
    n_reg : float, default=10
        Weight (in samples) of the parent's group means in a node's, in the
        split search (Rzepakowski and Jaroszewicz's regularisation).
    max_features : int, float, {"sqrt", "log2"} or None, default="sqrt"
        Features drawn at each node (an int above the number of features means
        all of them); None for all.
    normalization : bool, default=True
        Normalise the gain of "KL", "ED" and "Chi" (Rzepakowski and
        Jaroszewicz).
    honesty : bool, default=False
        Each tree estimates its leaf means on a part of its sample that did not
        choose its splits.
    estimation_fraction : float, default=0.5
        With ``honesty``, the fraction of a tree's rows that estimate its
        leaves.
    bootstrap : bool, default=True
        Grow each tree on a bootstrap (stratified by group); False grows every
        tree on all the rows (trees then differ by their feature draws only).
    oob_score : bool, default=False
        Score the forest on its out-of-bag rows: each row's uplift is estimated
        by the trees whose bootstrap left it out, and ``oob_score_`` is the
        normalised Qini AUC of these estimates (as :meth:`score`). Needs
        ``bootstrap=True``.
    n_jobs : int, default=None
        Threads that grow the trees and predict; None means 1, -1 all cores.
    random_state : int, RandomState instance or None, default=None
        Seed of the bootstraps and feature draws.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    estimators_ : list of UpliftTreeClassifier
        The fitted trees.
    oob_score_ : float
        Normalised Qini AUC of ``oob_prediction_`` (only with ``oob_score``).
    oob_prediction_ : ndarray of shape (n_samples,) or (n_samples, n_treatments)
        Out-of-bag uplift of each training row, NaN for a row that every
        bootstrap drew (only with ``oob_score``).
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    max_features_ : int
        Features drawn per node.
    feature_importances_ : ndarray of shape (n_features,)
        Mean normalised uplift gains of the splits on each feature.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    UpliftTreeClassifier : One such tree.
    UpliftRandomForestRegressor : The same for a continuous outcome.

    Examples
    --------
    >>> from skml.datasets import make_uplift_classification
    >>> from skml.uplift import UpliftRandomForestClassifier
    >>> X, y, t, _ = make_uplift_classification(n_samples=2000, random_state=0)
    >>> forest = UpliftRandomForestClassifier(n_estimators=10, random_state=0)
    >>> forest.fit(X, y, treatment=t).predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseUpliftForest._parameter_constraints,
        **UpliftTreeClassifier._parameter_constraints,
    }
    _tree_class = UpliftTreeClassifier

    def __init__(
        self,
        *,
        n_estimators=100,
        criterion="KL",
        splitter="best",
        max_depth=5,
        max_leaf_nodes=None,
        min_samples_leaf=100,
        min_samples_treatment=10,
        n_reg=10,
        max_features="sqrt",
        normalization=True,
        honesty=False,
        estimation_fraction=0.5,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        control=0,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.min_samples_treatment = min_samples_treatment
        self.n_reg = n_reg
        self.max_features = max_features
        self.normalization = normalization
        self.honesty = honesty
        self.estimation_fraction = estimation_fraction
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.control = control


class UpliftRandomForestRegressor(BaseUpliftForest):
    """A random forest of uplift trees for a continuous outcome.

    Bags :class:`UpliftTreeRegressor` trees, each grown on a bootstrap drawn
    within every treatment group and drawing ``max_features`` features at each
    node. The forest's uplift is the mean over the trees of the treated mean
    outcome minus the control mean. Trees are grown in parallel threads
    (``n_jobs``); the forest is the same for any ``n_jobs``.

    Read more in the :ref:`User Guide <uplift_trees>`.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    criterion : {"squared_effect"}, default="squared_effect"
        Split criterion of the trees (see :class:`UpliftTreeRegressor`).
    splitter : {"best", "hist"}, default="best"
        Exact thresholds on sorted feature values, or thresholds between the
        bins of features binned once into at most 255 intervals (faster).
    max_depth : int or None, default=5
        Deepest allowed node; None for no limit.
    max_leaf_nodes : int or None, default=None
        Grow every tree best first with at most ``max_leaf_nodes`` leaves (see
        :class:`UpliftTreeClassifier`); None for no limit.
    min_samples_leaf : int or float, default=100
        Fewest samples in a leaf (a float: a fraction of the samples).
    min_samples_treatment : float, default=10
        Fewest samples (weight) of every group in each child of a split.
    n_reg : float, default=10
        Weight (in samples) of the parent's group means in a node's, in the
        split search.
    max_features : int, float, {"sqrt", "log2"} or None, default="sqrt"
        Features drawn at each node (an int above the number of features means
        all of them); None for all.
    honesty : bool, default=False
        Each tree estimates its leaf means on a part of its sample that did not
        choose its splits.
    estimation_fraction : float, default=0.5
        With ``honesty``, the fraction of a tree's rows that estimate its
        leaves.
    bootstrap : bool, default=True
        Grow each tree on a bootstrap (stratified by group).
    oob_score : bool, default=False
        Score the forest on its out-of-bag rows: each row's uplift is estimated
        by the trees whose bootstrap left it out, and ``oob_score_`` is the
        normalised Qini AUC of these estimates (as :meth:`score`). Needs
        ``bootstrap=True``.
    n_jobs : int, default=None
        Threads that grow the trees and predict; None means 1, -1 all cores.
    random_state : int, RandomState instance or None, default=None
        Seed of the bootstraps and feature draws.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    estimators_ : list of UpliftTreeRegressor
        The fitted trees.
    oob_score_ : float
        Normalised Qini AUC of ``oob_prediction_`` (only with ``oob_score``).
    oob_prediction_ : ndarray of shape (n_samples,) or (n_samples, n_treatments)
        Out-of-bag uplift of each training row, NaN for a row that every
        bootstrap drew (only with ``oob_score``).
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    max_features_ : int
        Features drawn per node.
    feature_importances_ : ndarray of shape (n_features,)
        Mean normalised gains of the splits on each feature.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    UpliftTreeRegressor : One such tree.
    UpliftRandomForestClassifier : The same for a binary outcome.

    Examples
    --------
    >>> from skml.datasets import make_uplift_regression
    >>> from skml.uplift import UpliftRandomForestRegressor
    >>> X, y, t, _ = make_uplift_regression(n_samples=2000, random_state=0)
    >>> forest = UpliftRandomForestRegressor(n_estimators=10, random_state=0)
    >>> forest.fit(X, y, treatment=t).predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseUpliftForest._parameter_constraints,
        **UpliftTreeRegressor._parameter_constraints,
    }
    _tree_class = UpliftTreeRegressor

    def __init__(
        self,
        *,
        n_estimators=100,
        criterion="squared_effect",
        splitter="best",
        max_depth=5,
        max_leaf_nodes=None,
        min_samples_leaf=100,
        min_samples_treatment=10,
        n_reg=10,
        max_features="sqrt",
        honesty=False,
        estimation_fraction=0.5,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        control=0,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.min_samples_treatment = min_samples_treatment
        self.n_reg = n_reg
        self.max_features = max_features
        self.honesty = honesty
        self.estimation_fraction = estimation_fraction
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.control = control
