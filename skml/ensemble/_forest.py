# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Random forests and extremely randomized trees on the shared tree core.

Every tree is a skml decision tree fitted through its own fit path (the forest
validates the data and encodes the classes once; ``build_tree`` grows each tree
without the GIL); trees are grown in joblib threads. The seed of every tree is
drawn from ``random_state`` up front and a tree's bootstrap depends on its seed
only, so the forest does not depend on ``n_jobs``. Predictions visit the trees
in a fixed order for each block of samples, so they do not depend on ``n_jobs``
either.
"""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from scipy.sparse import hstack as sparse_hstack
from scipy.sparse import issparse
from sklearn.base import (
    BaseEstimator,
    MultiOutputMixin,
    is_classifier,
)
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from skml._splitting import as_sorted_csc, bin_features, with_codes_by_feature
from skml.ensemble._bootstrap import _BootstrapSampler, _n_samples_bootstrap
from skml.ensemble._forest_predict import accumulate_leaf_values
from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor
from skml.tree._classes import (
    BaseDecisionTree,
    check_poisson_targets,
    encode_classes,
    warn_deprecated_criterion,
)
from skml.utils._sklearn import (
    Interval,
    RealNotInt,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
    validate_data,
)

MAX_INT = np.iinfo(np.int32).max
_CHUNK = 8  # trees per prediction task


def _grow_tree(tree, X, y, sample_weight, params):
    """Fit one tree through its own fit path (runs in a worker thread)."""
    sampler = params["sampler"]
    if sampler is not None:
        # The weights chose the rows; the tree sees how often each was drawn.
        indices = sampler.indices(tree.random_state)
        sample_weight = np.bincount(indices, minlength=X.shape[0]).astype(np.float64)
        if params["class_weight"] == "balanced_subsample":
            sample_weight *= compute_sample_weight(
                "balanced", params["y_original"], indices=indices
            )
        del indices  # n_draws entries per thread, not needed while growing
    return tree._fit(
        X,
        y,
        sample_weight,
        check_input=False,
        bins=params["bins"],
        classes=params["classes"],
    )


def _sum_chunk(trees, X, width):
    # Sum of the trees' leaf values: each tree visits all the rows in turn.
    out = np.zeros((X.shape[0], width))
    accumulate_leaf_values(trees, X, out, 1)
    return out


def _prediction_csr(X):
    # X as float32 CSR without duplicate entries (they add up), int32 column
    # indices and intp row starts.
    X = X.tocsr().astype(np.float32, copy=False)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    X.indices = X.indices.astype(np.int32, copy=False)
    X.indptr = X.indptr.astype(np.intp, copy=False)
    return X


class BaseForest(MultiOutputMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of the forests; not for direct use."""

    # Tree parameters passed to every tree (the criterion's options differ
    # between classifiers and regressors: see the constraints at the end).
    _tree_params = (
        "criterion",
        "max_depth",
        "min_samples_split",
        "min_samples_leaf",
        "min_weight_fraction_leaf",
        "max_features",
        "max_leaf_nodes",
        "min_impurity_decrease",
        "ccp_alpha",
    )

    _parameter_constraints: dict = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        # The trees' own constraints, so that both always agree.
        **{
            name: BaseDecisionTree._parameter_constraints[name]
            for name in _tree_params[1:]
        },
        "bootstrap": ["boolean"],
        "oob_score": ["boolean", callable],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "max_samples": [
            None,
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
    }

    @abstractmethod
    def __init__(
        self,
        *,
        n_estimators,
        criterion,
        max_depth,
        min_samples_split,
        min_samples_leaf,
        min_weight_fraction_leaf,
        max_features,
        max_leaf_nodes,
        min_impurity_decrease,
        bootstrap,
        oob_score,
        n_jobs,
        random_state,
        verbose,
        warm_start,
        ccp_alpha,
        max_samples,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples

    def _splitter(self):
        return getattr(self, "splitter", "random")

    def _make_template(self):
        cls = DecisionTreeClassifier if is_classifier(self) else DecisionTreeRegressor
        params = {name: getattr(self, name) for name in self._tree_params}
        return cls(splitter=self._splitter(), **params)

    def _make_tree(self, seed):
        tree = type(self.estimator_)(**self.estimator_.get_params())
        tree.random_state = int(seed)
        return tree

    def _parallel(self):
        return Parallel(n_jobs=self.n_jobs, prefer="threads", verbose=self.verbose)

    def _encode_y(self, y, sample_weight):
        """Encode the class labels once for all the trees; return (y, weight).

        ``y`` becomes float64 class indices into ``classes_``; the class
        weights of the whole data (not "balanced_subsample", which each tree
        computes on its bootstrap) are multiplied into ``sample_weight``.
        """
        check_classification_targets(y)
        y_encoded, self.classes_ = encode_classes(y)
        self.n_classes_ = np.array([len(c) for c in self.classes_], dtype=np.intp)
        class_weight = self.class_weight
        if class_weight is not None:
            if class_weight in ("balanced", "balanced_subsample") and self.warm_start:
                warnings.warn(
                    'class_weight presets "balanced" or "balanced_subsample" are '
                    "not recommended for warm_start if the fitted data differs "
                    "from the full dataset.",
                    UserWarning,
                    stacklevel=2,
                )
            if class_weight != "balanced_subsample" or not self.bootstrap:
                if class_weight == "balanced_subsample":
                    class_weight = "balanced"
                expanded = compute_sample_weight(class_weight, y)
                sample_weight = (
                    expanded if sample_weight is None else sample_weight * expanded
                )
        return y_encoded, sample_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Build a forest of trees from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input samples; converted to float32. NaN marks a
            missing value.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels for classification).

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None weighs samples equally.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            dtype=np.float32,
            ensure_all_finite="allow-nan",
            y_numeric=not is_classifier(self),
            accept_sparse="csc",
            accept_large_sparse=False,
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        n_samples, n_features = X.shape
        y = np.atleast_1d(y)
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please "
                "change the shape of y to (n_samples,), for example using ravel().",
                DataConversionWarning,
                stacklevel=2,
            )
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        self.n_outputs_ = y.shape[1]
        y_original = y
        classes = None
        if is_classifier(self):
            y, sample_weight = self._encode_y(y, sample_weight)
            classes = self.classes_
        else:
            y = np.ascontiguousarray(y, dtype=np.float64)
            if self.criterion == "poisson":
                check_poisson_targets(y)
        if sample_weight is not None and not np.sum(sample_weight) > 0:
            raise ValueError("The sample weights sum to zero; nothing to fit.")
        warn_deprecated_criterion(self.criterion)
        if self.criterion == "absolute_error" and self._splitter() == "hist":
            raise ValueError(
                "criterion='absolute_error' needs exact target order within a "
                "node; use splitter='best', not 'hist'."
            )
        if not self.bootstrap and self.max_samples is not None:
            raise ValueError(
                "`max_sample` cannot be set if `bootstrap=False`. Either switch to "
                "`bootstrap=True` or set `max_sample=None`."
            )
        if self.oob_score:
            self._check_oob_target(y)
        sampler = None
        if self.bootstrap:
            n_draws = _n_samples_bootstrap(n_samples, sample_weight, self.max_samples)
            sampler = _BootstrapSampler(X, y, sample_weight, n_draws)
        # What ``estimators_samples_`` regenerates the trees' draws from.
        self._sampler = sampler
        self._n_samples = n_samples

        self.estimator_ = self._make_template()
        # Fails early on a bad max_features, before any tree is grown.
        self.estimator_._resolve_params(n_samples, n_features)
        random_state = check_random_state(self.random_state)
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_ = []
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"len(estimators_)={len(self.estimators_)} when warm_start==True"
            )
        if n_more == 0:
            warnings.warn(
                "Warm-start fitting without increasing n_estimators does not fit "
                "new trees.",
                stacklevel=2,
            )
        else:
            # Same seeds as a one-shot fit with the same random_state.
            seeds = random_state.randint(MAX_INT, size=self.n_estimators)
            seeds = seeds[len(self.estimators_) :]
            trees = [self._make_tree(seed) for seed in seeds]
            # X once in the layout of the exact splitter, binned once for hist.
            X_fit = as_sorted_csc(X) if issparse(X) else np.asfortranarray(X)
            params = {
                "sampler": sampler,
                "class_weight": getattr(self, "class_weight", None),
                "y_original": y_original,
                "classes": classes,
                "bins": (
                    with_codes_by_feature(bin_features(X_fit))
                    if self._splitter() == "hist"
                    else None
                ),
            }
            trees = self._parallel()(
                delayed(_grow_tree)(tree, X_fit, y, sample_weight, params)
                for tree in trees
            )
            self.estimators_.extend(trees)

        if is_classifier(self) and self.n_outputs_ == 1:
            self.n_classes_ = self.n_classes_[0]
            self.classes_ = self.classes_[0]
        if self.oob_score:
            self._set_oob_score(X, y, sampler)
        return self

    def _check_oob_target(self, y):
        """Raise unless the OOB estimate is defined for ``y`` (encoded)."""
        if not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        y_type = type_of_target(y)
        # Accuracy (what ``score`` computes) is not defined for several
        # multi-class outputs; a callable may define a score there.
        if y_type == "unknown" or (
            is_classifier(self)
            and y_type == "multiclass-multioutput"
            and not callable(self.oob_score)
        ):
            raise ValueError(
                "The type of target cannot be used to compute OOB estimates. Got "
                f"{y_type} while only the following are supported: continuous, "
                "continuous-multioutput, binary, multiclass, multilabel-indicator "
                "(pass a callable oob_score to score other targets)."
            )

    def _set_oob_score(self, X, y, sampler):
        """OOB predictions and score; ``y`` is the encoded 2-D target of fit.

        As in scikit-learn, a row that every tree drew has no OOB prediction:
        it is left at zero, with a warning, and still counts in the score. The
        score is ``oob_score(y, y_pred)`` (accuracy or R^2 by default) with
        ``y`` of shape (n_samples, n_outputs); ``y_pred`` is the index of the
        most probable class for classifiers, ``oob_prediction_`` for
        regressors.
        """
        n_samples = X.shape[0]
        if issparse(X):
            X = X.tocsr()  # row subsets below
        classification = is_classifier(self)
        width = int(np.max(self.n_classes_)) if classification else 1
        oob_pred = np.zeros((n_samples, self.n_outputs_, width))
        n_oob_pred = np.zeros((n_samples, self.n_outputs_), dtype=np.intp)
        for tree in self.estimators_:
            unsampled = np.flatnonzero(sampler.counts(tree.random_state) == 0)
            if not len(unsampled):
                continue
            value = tree.tree_.value
            oob_pred[unsampled] += value.take(tree.tree_.apply(X[unsampled]), axis=0)
            n_oob_pred[unsampled] += 1
        if (n_oob_pred == 0).any():
            warnings.warn(
                "Some inputs do not have OOB scores. This probably means too few "
                "trees were used to compute any reliable OOB estimates.",
                UserWarning,
                stacklevel=2,
            )
            n_oob_pred[n_oob_pred == 0] = 1
        oob_pred /= n_oob_pred[:, :, np.newaxis]
        scoring = self.oob_score if callable(self.oob_score) else None
        if classification:
            if self.n_outputs_ == 1:
                self.oob_decision_function_ = oob_pred[:, 0, : self.n_classes_]
            else:
                # (n_samples, n_classes, n_outputs) as in scikit-learn.
                self.oob_decision_function_ = oob_pred.transpose(0, 2, 1)
            y_pred = np.argmax(self.oob_decision_function_, axis=1)
            self.oob_score_ = (scoring or accuracy_score)(y, y_pred)
        else:
            pred = oob_pred[:, :, 0]
            self.oob_prediction_ = pred[:, 0] if self.n_outputs_ == 1 else pred
            self.oob_score_ = (scoring or r2_score)(y, self.oob_prediction_)

    def __len__(self):
        """Return the number of trees in the forest."""
        return len(self.estimators_)

    def __getitem__(self, index):
        """Return the index'th tree of the forest."""
        return self.estimators_[index]

    def __iter__(self):
        """Return an iterator over the trees of the forest."""
        return iter(self.estimators_)

    @property
    def estimator(self):
        """The kind of tree the forest grows, with its default parameters.

        Returns
        -------
        estimator : DecisionTreeClassifier or DecisionTreeRegressor
            An unfitted tree: ``splitter="random"`` for extra-trees. The
            forest's tree parameters are set on ``estimator_`` at fit.
        """
        cls = DecisionTreeClassifier if is_classifier(self) else DecisionTreeRegressor
        return cls() if hasattr(self, "splitter") else cls(splitter="random")

    @property
    def estimators_samples_(self):
        """The rows drawn for each tree: its in-bag sample indices.

        Returns
        -------
        estimators_samples_ : list of ndarray of int32
            For each tree, the indices of the rows of the training data drawn
            for it, with repetitions, in draw order (as many as the bootstrap
            size: see ``max_samples``); all the rows, in order, without
            bootstrap. They are regenerated from the trees' seeds at each
            access, as in scikit-learn.
        """
        check_is_fitted(self)
        if self._sampler is None:
            return [
                np.arange(self._n_samples, dtype=np.int32) for _ in self.estimators_
            ]
        return [
            self._sampler.indices(tree.random_state).astype(np.int32)
            for tree in self.estimators_
        ]

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            dtype=np.float32,
            order="C",
            reset=False,
            ensure_all_finite="allow-nan",
            accept_sparse="csr",
        )

    def _sum_trees(self, X, width):
        """Mean over the trees of the leaf values: (n_samples, n_outputs, width).

        Fixed chunks of trees are summed in joblib threads (without the GIL),
        and the chunk sums are added in chunk order: the same numbers for any
        ``n_jobs``.
        """
        if issparse(X):
            X = _prediction_csr(X)
        n_samples = X.shape[0]
        trees = [tree.tree_ for tree in self.estimators_]
        # The compiled sum reads X[i, feature] and width values per leaf: a
        # tree restored from a file must agree with the forest.
        for k, tree in enumerate(trees):
            if (
                tree.n_features != X.shape[1]
                or tree.n_outputs != self.n_outputs_
                or tree.max_n_classes != width
            ):
                raise ValueError(
                    f"Tree {k} of the forest has {tree.n_features} features and "
                    f"values of shape ({tree.n_outputs}, {tree.max_n_classes}); "
                    f"the forest expects {X.shape[1]} and "
                    f"({self.n_outputs_}, {width})."
                )
        chunks = [
            trees[start : start + _CHUNK] for start in range(0, len(trees), _CHUNK)
        ]
        sums = Parallel(n_jobs=self.n_jobs, prefer="threads", return_as="generator")(
            delayed(_sum_chunk)(chunk, X, self.n_outputs_ * width) for chunk in chunks
        )
        out = None
        for chunk_sum in sums:
            if out is None:
                out = chunk_sum
            else:
                out += chunk_sum
        out /= len(trees)
        return out.reshape(n_samples, self.n_outputs_, width)

    def apply(self, X):
        """Apply the trees of the forest to X: the leaf of every sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        Returns
        -------
        X_leaves : ndarray of shape (n_samples, n_estimators)
            For each sample and each tree, the index of the sample's leaf.
        """
        X = self._validate_X_predict(X)
        leaves = self._parallel()(
            delayed(tree.tree_.apply)(X) for tree in self.estimators_
        )
        return np.array(leaves).T

    def decision_path(self, X):
        """Return the decision path in the forest.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        Returns
        -------
        indicator : sparse matrix of shape (n_samples, n_nodes)
            CSR matrix whose nonzero elements mark the nodes a sample goes
            through, the nodes of the trees side by side.
        n_nodes_ptr : ndarray of shape (n_estimators + 1,)
            Columns ``n_nodes_ptr[i]:n_nodes_ptr[i + 1]`` belong to tree ``i``.
        """
        X = self._validate_X_predict(X)
        indicators = self._parallel()(
            delayed(tree.tree_.decision_path)(X) for tree in self.estimators_
        )
        n_nodes = [0] + [indicator.shape[1] for indicator in indicators]
        n_nodes_ptr = np.array(n_nodes).cumsum()
        return sparse_hstack(indicators).tocsr(), n_nodes_ptr

    @property
    def feature_importances_(self):
        """The impurity-based importance of each feature.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
            Mean of the trees' normalized importances, normalized to sum to 1
            (all zeros when no tree has a split).
        """
        check_is_fitted(self)
        importances = [
            tree.tree_.compute_feature_importances()
            for tree in self.estimators_
            if tree.tree_.node_count > 1
        ]
        if not importances:
            return np.zeros(self.n_features_in_)
        mean = np.mean(importances, axis=0)
        return mean / np.sum(mean)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        return tags


def _predict_proba(forest, X):
    X = forest._validate_X_predict(X)
    n_classes = np.atleast_1d(forest.n_classes_)
    out = forest._sum_trees(X, int(n_classes.max()))
    probas = [out[:, k, : n_classes[k]] for k in range(forest.n_outputs_)]
    return probas[0] if forest.n_outputs_ == 1 else probas


def _predict_class(forest, X):
    proba = _predict_proba(forest, X)
    if forest.n_outputs_ == 1:
        return forest.classes_.take(np.argmax(proba, axis=1), axis=0)
    n_samples = proba[0].shape[0]
    out = np.empty((n_samples, forest.n_outputs_), dtype=forest.classes_[0].dtype)
    for k in range(forest.n_outputs_):
        out[:, k] = forest.classes_[k].take(np.argmax(proba[k], axis=1), axis=0)
    return out


def _predict_value(forest, X):
    X = forest._validate_X_predict(X)
    out = forest._sum_trees(X, 1)[:, :, 0]
    return out[:, 0] if forest.n_outputs_ == 1 else out


def _classifier_methods():
    """The prediction methods shared by the two forest classifiers."""

    def predict(self, X):
        """Predict the class of each sample in X.

        The predicted class is the one with the highest mean probability over
        the trees.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted classes.
        """
        return _predict_class(self, X)

    def predict_proba(self, X):
        """Predict class probabilities of the samples in X.

        The mean over the trees of the class fractions in the sample's leaf.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples; converted to float32.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or list of ndarray
            Class probabilities, columns in the order of ``classes_`` (a list of
            such arrays for multi-output problems).
        """
        return _predict_proba(self, X)

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
        proba = _predict_proba(self, X)
        with np.errstate(divide="ignore"):
            if self.n_outputs_ == 1:
                return np.log(proba)
            return [np.log(p) for p in proba]

    return predict, predict_proba, predict_log_proba


def _regressor_predict(self, X):
    """Predict the regression target of each sample in X.

    The mean over the trees of the training targets' mean in the sample's leaf.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input samples; converted to float32.

    Returns
    -------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        The predicted values.
    """
    return _predict_value(self, X)


_predict, _predict_proba_method, _predict_log_proba = _classifier_methods()

_CLASSIFIER_CONSTRAINTS = {
    "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
    "class_weight": [
        StrOptions({"balanced_subsample", "balanced"}),
        dict,
        list,
        None,
    ],
}
_REGRESSOR_CONSTRAINTS = {
    "criterion": [
        StrOptions({"squared_error", "friedman_mse", "poisson", "absolute_error"})
    ],
}
