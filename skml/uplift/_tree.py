# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift trees on the shared split-finding core.

The tree is grown by ``skml._splitting.build_tree`` with an uplift criterion
(``_criterion.pxd``, "Uplift criteria"): a node's statistics are the weight and
outcome sum of each group (control and every treatment group), its value the
raw and the regularised outcome mean and the weight of each group. ``predict``
is the treated groups' mean minus the control mean of the leaf a row falls in.
"""

from math import ceil
from numbers import Integral, Real

import numpy as np
from scipy.sparse import issparse
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from skml._splitting import RAND_R_MAX, build_tree
from skml.uplift._base import CONTROL_CONSTRAINT, UpliftMixin, squeeze_effects
from skml.utils._sklearn import (
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
    check_is_fitted,
)

__all__ = ["UpliftTreeClassifier", "UpliftTreeRegressor"]

_LEAF = -1
# Public criterion name -> the core's.
_CLASSIFIER_CRITERIA = {
    "KL": "uplift_kl",
    "ED": "uplift_ed",
    "Chi": "uplift_chi",
    "CTS": "uplift_cts",
    "DDP": "uplift_ddp",
}
_REGRESSOR_CRITERIA = {"squared_effect": "uplift_reg"}


def check_binary_outcome(y, criterion):
    """Raise unless ``y`` is a 0/1 outcome, as the classifier criteria need."""
    values = np.unique(y)
    if not np.all(np.isin(values, (0.0, 1.0))):
        raise ValueError(
            f"criterion={criterion!r} needs a binary (0/1) outcome; got values "
            f"{values[:5].tolist()}" + ("..." if values.shape[0] > 5 else "") + ". "
            "Use UpliftTreeRegressor or UpliftRandomForestRegressor for a "
            "continuous outcome."
        )


def check_groups_present(codes, sample_weight, n_groups, labels, where=""):
    """Raise if a group has no sample of positive weight."""
    weight = np.bincount(codes, weights=sample_weight, minlength=n_groups)
    empty = np.flatnonzero(weight <= 0)
    if empty.shape[0]:
        names = ["control" if g == 0 else repr(labels[g - 1]) for g in empty]
        raise ValueError(
            f"Treatment group(s) {', '.join(names)} have no samples"
            + (f" {where}" if where else "")
            + " (of positive weight); every group needs some to estimate its "
            "outcome."
        )


def node_effects(tree, n_groups):
    """Per-node group means (n_nodes, n_groups) of a fitted uplift tree."""
    value = tree.value
    if value.shape[1:] != (1, 3 * n_groups):
        raise ValueError(
            f"The uplift tree's node values have shape {value.shape[1:]}; "
            f"{n_groups} groups need (1, {3 * n_groups})."
        )
    return value[:, 0, :n_groups]


def uplift_feature_importances(tree, normalize=True):
    """Weighted divergence gains of the splits on each feature, non-negative.

    A split's gain is ``w D(node) - w_L D(left) - w_R D(right)`` in the
    impurity terms of the tree (``impurity = -D``), clipped at zero (a
    regularised gain can be negative), divided by the root's weight.
    """
    left = tree.children_left
    right = tree.children_right
    imp = tree.impurity
    w = tree.weighted_n_node_samples
    split = np.flatnonzero(left != _LEAF)
    importances = np.zeros(tree.n_features)
    if split.shape[0]:
        gain = (
            w[split] * imp[split]
            - w[left[split]] * imp[left[split]]
            - w[right[split]] * imp[right[split]]
        )
        np.add.at(importances, tree.feature[split], np.maximum(gain, 0.0) / w[0])
    if normalize and importances.sum() > 0:
        importances /= importances.sum()
    return importances


def _honest_split(codes, y, n_groups, fraction, random_state, binary):
    """Rows (structure, estimation): each (group, outcome) stratum split with
    ``fraction`` of it (rounded, at least one row when it has two) estimating."""
    rng = check_random_state(random_state)
    strata = codes * 2 + (y > 0.5) if binary else codes
    grow, estimate = [], []
    for s in np.unique(strata):
        rows = rng.permutation(np.flatnonzero(strata == s))
        k = int(round(fraction * rows.shape[0]))
        if rows.shape[0] >= 2:
            k = min(max(k, 1), rows.shape[0] - 1)
        estimate.append(rows[:k])
        grow.append(rows[k:])
    return np.sort(np.concatenate(grow)), np.sort(np.concatenate(estimate))


def _reestimate(tree, X, y, codes, sample_weight, n_groups):
    """Replace the node values by the group means of (X, y) (honesty).

    A node where a group has no row keeps its parent's estimate for it.
    """
    paths = tree.decision_path(X).tocsc()
    value = tree.value
    n_nodes = value.shape[0]
    weight = np.zeros((n_nodes, n_groups))
    total = np.zeros((n_nodes, n_groups))
    for g in range(n_groups):
        rows = codes == g
        sub = paths[rows]
        weight[:, g] = sub.T @ sample_weight[rows]
        total[:, g] = sub.T @ (sample_weight[rows] * y[rows])
    means = np.zeros((n_nodes, n_groups))
    parent = np.full(n_nodes, -1)
    left, right = tree.children_left, tree.children_right
    inner = np.flatnonzero(left != _LEAF)
    parent[left[inner]] = inner
    parent[right[inner]] = inner
    for node in range(n_nodes):  # children are numbered after their parent
        fallback = (
            value[node, 0, :n_groups] if parent[node] < 0 else means[parent[node]]
        )
        has = weight[node] > 0
        means[node] = np.where(
            has, total[node] / np.where(has, weight[node], 1.0), fallback
        )
    value[:, 0, :n_groups] = means
    value[:, 0, 2 * n_groups :] = weight
    state = tree.__getstate__()
    state["value"] = value
    tree.__setstate__(state)


class BaseUpliftTree(UpliftMixin, BaseEstimator):
    """Base class of the uplift trees; not for direct use."""

    _parameter_constraints: dict = {
        "splitter": [StrOptions({"best", "hist"})],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "min_samples_leaf": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_samples_treatment": [Interval(Real, 0, None, closed="left")],
        "n_reg": [Interval(Real, 0, None, closed="left")],
        "max_features": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "honesty": ["boolean"],
        "estimation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "random_state": ["random_state"],
        "control": CONTROL_CONSTRAINT,
    }
    _criteria = {}
    _normalize = False

    def _resolve(self, n_samples, n_features):
        # Integer min_samples_leaf and max_features.
        if isinstance(self.min_samples_leaf, Integral):
            min_samples_leaf = self.min_samples_leaf
        else:
            min_samples_leaf = max(1, ceil(self.min_samples_leaf * n_samples))
        if self.max_features == "sqrt":
            max_features = max(1, int(np.sqrt(n_features)))
        elif self.max_features == "log2":
            max_features = max(1, int(np.log2(n_features)))
        elif self.max_features is None:
            max_features = n_features
        elif isinstance(self.max_features, Integral):
            max_features = min(self.max_features, n_features)
        else:
            max_features = max(1, int(self.max_features * n_features))
        return min_samples_leaf, max_features

    def _prepare(self, X, y, treatment, sample_weight):
        # Validated float32 X, float64 y, group codes, weights.
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        if self.criterion in _CLASSIFIER_CRITERIA:
            check_binary_outcome(y, self.criterion)
        if sample_weight is None:
            sample_weight = np.ones(X.shape[0])
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        n_groups = self.treatment_groups_.shape[0] + 1
        check_groups_present(codes, sample_weight, n_groups, self.treatment_groups_)
        X = X.tocsc() if issparse(X) else X
        X = X.astype(np.float32, copy=False)  # validated: no second copy
        return X, y, codes, sample_weight, n_groups

    def _grow(self, X, y, codes, sample_weight, n_groups, seed, bins=None):
        # The tree of (X, y, codes): structure, then (honesty) its values.
        min_samples_leaf, max_features = self._resolve(*X.shape)
        self.max_features_ = max_features
        grow = estimate = None
        if self.honesty:
            present = np.flatnonzero(sample_weight > 0)
            grow, estimate = _honest_split(
                codes[present],
                y[present],
                n_groups,
                self.estimation_fraction,
                seed,
                self._criteria is _CLASSIFIER_CRITERIA,
            )
            grow, estimate = present[grow], present[estimate]
            for rows, where in (
                (grow, "in the structure part"),
                (estimate, "in the estimation part"),
            ):
                check_groups_present(
                    codes[rows],
                    sample_weight[rows],
                    n_groups,
                    self.treatment_groups_,
                    where,
                )
            weight = np.zeros_like(sample_weight)
            weight[grow] = sample_weight[grow]
        else:
            weight = sample_weight
        tree = build_tree(
            X,
            y.reshape(-1, 1),
            weight,
            criterion=self._criteria[self.criterion],
            splitter=self.splitter,
            max_depth=self.max_depth,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            seed=seed,
            bins=bins,
            treatment=codes,
            n_reg=self.n_reg,
            min_samples_treatment=self.min_samples_treatment,
            normalization=self._normalize and self.normalization,
        )
        if self.honesty:
            X_est = X[estimate]
            X_est = X_est.tocsr() if issparse(X_est) else np.ascontiguousarray(X_est)
            _reestimate(
                tree,
                X_est,
                y[estimate],
                codes[estimate],
                sample_weight[estimate],
                n_groups,
            )
        return tree

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, treatment=None, sample_weight=None):
        """Grow the uplift tree.

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
        X, y, codes, sample_weight, n_groups = self._prepare(
            X, y, treatment, sample_weight
        )
        random_state = check_random_state(self.random_state)
        seed = random_state.randint(0, RAND_R_MAX)
        self.tree_ = self._grow(X, y, codes, sample_weight, n_groups, seed)
        return self

    def _X_predict(self, X):
        X = self._validate_predict(X)
        if issparse(X):
            return X.tocsr().astype(np.float32)
        return np.ascontiguousarray(X, dtype=np.float32)

    def predict_outcomes(self, X):
        """Expected outcome of each row under each group.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        outcomes : ndarray of shape (n_samples, n_treatments + 1)
            The outcome mean of each group in the row's leaf: control first,
            then the treatment groups in the order of ``treatment_groups_``
            (for a binary outcome, the probability of ``y = 1``).
        """
        X = self._X_predict(X)
        n_groups = self.treatment_groups_.shape[0] + 1
        return node_effects(self.tree_, n_groups)[self.tree_.apply(X)]

    def predict(self, X):
        """Estimated effect of each treatment group against control.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        uplift : ndarray of shape (n_samples,) or (n_samples, n_treatments)
            Treated mean minus control mean in the row's leaf; one column per
            treatment group (in the order of ``treatment_groups_``) when there
            are several.
        """
        outcomes = self.predict_outcomes(X)
        return squeeze_effects(outcomes[:, 1:] - outcomes[:, :1])

    def apply(self, X):
        """Index of the leaf each row falls in.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        leaves : ndarray of shape (n_samples,)
            Node index in ``tree_`` of each row's leaf.
        """
        return self.tree_.apply(self._X_predict(X))

    def get_depth(self):
        """Return the depth of the tree.

        Returns
        -------
        depth : int
            The largest distance between the root and a leaf.
        """
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Return the number of leaves of the tree.

        Returns
        -------
        n_leaves : int
            Number of leaves.
        """
        check_is_fitted(self)
        return self.tree_.n_leaves

    @property
    def feature_importances_(self):
        """Normalised total weighted uplift gain of the splits on each feature.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
            Non-negative, summing to one (all zero for a tree with no split).
        """
        check_is_fitted(self)
        return uplift_feature_importances(self.tree_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class UpliftTreeClassifier(BaseUpliftTree):
    """An uplift tree for a binary outcome.

    Splits maximise the divergence between the outcome distributions of the
    treatment groups and of control in the children (Rzepakowski and
    Jaroszewicz), on skml's shared split-finding core; a leaf's uplift is its
    treated groups' conversion rate minus its control rate.

    Read more in the :ref:`User Guide <uplift_trees>`.

    Parameters
    ----------
    criterion : {"KL", "ED", "Chi", "CTS", "DDP"}, default="KL"
        Split criterion: the gain in Kullback-Leibler divergence, squared
        Euclidean distance or chi-squared divergence of the treatment groups
        from control, contextual treatment selection (the best group's rate)
        or delta-delta-p (the difference in effect between the children;
        with several treatment groups, of their summed effects, as causalml
        defines it).
    splitter : {"best", "hist"}, default="best"
        Exact thresholds on sorted feature values, or thresholds between the
        bins of features binned into at most 255 intervals (faster on large
        data).
    max_depth : int or None, default=3
        Deepest allowed node; None for no limit.
    max_leaf_nodes : int or None, default=None
        Grow the tree best first with at most ``max_leaf_nodes`` leaves: the
        leaf whose best split has the largest gain (of ``criterion``, times
        the leaf's share of the samples' weight) is split next. None grows
        depth first, with no limit on the number of leaves.
    min_samples_leaf : int or float, default=100
        Fewest samples in a leaf (a float: a fraction of the samples).
    min_samples_treatment : float, default=10
        Fewest samples (weight) of every group in each child of a split; a
        group with no more than that in a node takes its parent's mean in the
        split search.
    n_reg : float, default=100
        Regularisation of the group means in the split search: a node's mean of
        a group is shrunk toward its parent's with the weight of ``n_reg``
        samples (Rzepakowski and Jaroszewicz).
    max_features : int, float, {"sqrt", "log2"} or None, default=None
        Features drawn at each node; None for all.
    normalization : bool, default=True
        Divide the gain of "KL", "ED" and "Chi" by Rzepakowski and
        Jaroszewicz's normalisation, which penalises splits that separate
        treated from control rows (the others are never normalised).
    honesty : bool, default=False
        Grow the tree on part of the rows and estimate its leaf means on the
        others (each group and outcome split alike).
    estimation_fraction : float, default=0.5
        With ``honesty``, the fraction of the rows that estimate the leaves.
    random_state : int, RandomState instance or None, default=None
        Seed of the feature draws and of the honest split.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    tree_ : Tree
        The fitted tree; ``tree_.value[:, 0, :K + 1]`` holds each node's outcome
        mean of every group (control first).
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    max_features_ : int
        Features drawn per node.
    feature_importances_ : ndarray of shape (n_features,)
        Normalised weighted uplift gains of the splits on each feature.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    UpliftTreeRegressor : The same for a continuous outcome.
    UpliftRandomForestClassifier : A forest of these trees.

    References
    ----------
    P. Rzepakowski and S. Jaroszewicz, "Decision trees for uplift modeling with
    single and multiple treatments", Knowledge and Information Systems, 2012.

    Examples
    --------
    >>> from skml.datasets import make_uplift_classification
    >>> from skml.uplift import UpliftTreeClassifier
    >>> X, y, t, _ = make_uplift_classification(n_samples=2000, random_state=0)
    >>> tree = UpliftTreeClassifier(max_depth=2, random_state=0).fit(X, y, treatment=t)
    >>> tree.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseUpliftTree._parameter_constraints,
        "criterion": [StrOptions(set(_CLASSIFIER_CRITERIA))],
        "normalization": ["boolean"],
    }
    _criteria = _CLASSIFIER_CRITERIA
    _normalize = True

    def __init__(
        self,
        *,
        criterion="KL",
        splitter="best",
        max_depth=3,
        max_leaf_nodes=None,
        min_samples_leaf=100,
        min_samples_treatment=10,
        n_reg=100,
        max_features=None,
        normalization=True,
        honesty=False,
        estimation_fraction=0.5,
        random_state=None,
        control=0,
    ):
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
        self.random_state = random_state
        self.control = control


class UpliftTreeRegressor(BaseUpliftTree):
    """An uplift tree for a continuous outcome.

    Splits maximise the squared difference between the children's effects,
    ``(w_L / w)(w_R / w) sum_k (tau_L,k - tau_R,k)^2``, with ``tau_k`` the
    mean outcome of treatment group ``k`` minus the control mean in a child
    (means regularised toward the parent's as for
    :class:`UpliftTreeClassifier`); a leaf's uplift is its treated mean minus
    its control mean.

    Read more in the :ref:`User Guide <uplift_trees>`.

    Parameters
    ----------
    criterion : {"squared_effect"}, default="squared_effect"
        Split criterion (the squared effect difference above).
    splitter : {"best", "hist"}, default="best"
        Exact thresholds on sorted feature values, or thresholds between the
        bins of features binned into at most 255 intervals.
    max_depth : int or None, default=3
        Deepest allowed node; None for no limit.
    max_leaf_nodes : int or None, default=None
        Grow the tree best first with at most ``max_leaf_nodes`` leaves: the
        leaf whose best split has the largest gain (of ``criterion``, times
        the leaf's share of the samples' weight) is split next. None grows
        depth first, with no limit on the number of leaves.
    min_samples_leaf : int or float, default=100
        Fewest samples in a leaf (a float: a fraction of the samples).
    min_samples_treatment : float, default=10
        Fewest samples (weight) of every group in each child of a split.
    n_reg : float, default=100
        Weight (in samples) of the parent's group means in a node's, in the
        split search.
    max_features : int, float, {"sqrt", "log2"} or None, default=None
        Features drawn at each node; None for all.
    honesty : bool, default=False
        Grow the tree on part of the rows and estimate its leaf means on the
        others (each group split alike).
    estimation_fraction : float, default=0.5
        With ``honesty``, the fraction of the rows that estimate the leaves.
    random_state : int, RandomState instance or None, default=None
        Seed of the feature draws and of the honest split.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    tree_ : Tree
        The fitted tree; ``tree_.value[:, 0, :K + 1]`` holds each node's outcome
        mean of every group (control first).
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    max_features_ : int
        Features drawn per node.
    feature_importances_ : ndarray of shape (n_features,)
        Normalised weighted gains of the splits on each feature.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    UpliftTreeClassifier : The same for a binary outcome.
    UpliftRandomForestRegressor : A forest of these trees.

    Examples
    --------
    >>> from skml.datasets import make_uplift_regression
    >>> from skml.uplift import UpliftTreeRegressor
    >>> X, y, t, _ = make_uplift_regression(n_samples=2000, random_state=0)
    >>> tree = UpliftTreeRegressor(max_depth=2, random_state=0).fit(X, y, treatment=t)
    >>> tree.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseUpliftTree._parameter_constraints,
        "criterion": [StrOptions(set(_REGRESSOR_CRITERIA))],
    }
    _criteria = _REGRESSOR_CRITERIA

    def __init__(
        self,
        *,
        criterion="squared_effect",
        splitter="best",
        max_depth=3,
        max_leaf_nodes=None,
        min_samples_leaf=100,
        min_samples_treatment=10,
        n_reg=100,
        max_features=None,
        honesty=False,
        estimation_fraction=0.5,
        random_state=None,
        control=0,
    ):
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
        self.random_state = random_state
        self.control = control
