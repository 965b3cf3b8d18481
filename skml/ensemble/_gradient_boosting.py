# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Histogram gradient boosting on the shared split core.

Each iteration computes the gradients and hessians of the loss at the current
raw predictions (compiled, ``_gb_kernels``) and grows one tree per raw output
with ``build_tree(criterion="newton", splitter="hist")`` on features binned
once (``bin_features``), best first up to ``max_leaf_nodes`` leaves. The
builder reports the leaf of every sample it grew on, so the training raw
predictions are updated without traversing the new tree; rows left out by
``subsample`` (or of weight zero) are traversed. Leaf values are shrunk by
``learning_rate`` in the trees themselves; the non-smooth losses (absolute
error, quantile, huber) re-fit them as weighted quantiles of the residuals of
each leaf, as scikit-learn's HistGradientBoosting does.

Every random draw of iteration ``i`` (rows, columns, node features) depends on
``random_state`` and ``i`` only, so a warm-started fit continues exactly the
fit it extends, and the model does not depend on ``n_threads``.
"""

import time
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from skml._splitting import (
    HistBuffers,
    bin_features,
    build_tree,
    with_codes_by_feature,
)
from skml.ensemble import _gb_kernels
from skml.ensemble._gb_categorical import (
    bin_categorical,
    check_codes,
    check_n_categories,
    check_undeclared_categories,
    pandas_codes,
    resolve_categorical_features,
    seen_categories,
    unknown_to_missing,
)
from skml.ensemble._gb_interactions import (
    _column_groups,
    _resolve_interaction_cst,
)
from skml.ensemble._gb_losses import (
    refit_leaf_values,
)
from skml.ensemble._gb_monotonic import _node_bounds, _resolve_monotonic_cst
from skml.utils._openmp import effective_n_threads
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
    validate_data,
)

_MAX_SEED = 2**31 - 2
_EARLY_STOPPING_AUTO_ROWS = 10_000
_SCORER_TRAIN_ROWS = 10_000  # training rows a scorer is evaluated on
# Categorical splits, as scikit-learn's HistGradientBoosting (its
# MIN_CAT_SUPPORT for both): category keys G / (H + l2 + 10), and categories of
# fewer than 10 samples in a node stay on the right. Both make splits on noisy
# small categories rarer.
_CAT_SMOOTH = 10.0
_CAT_MIN_SUPPORT = 10


def _iteration_seed(base_seed, iteration):
    # Seed of every draw of one iteration: a function of (base_seed, i) only.
    return int(np.random.SeedSequence([base_seed, iteration]).generate_state(1)[0]) % (
        _MAX_SEED
    )


class BaseGradientBoosting(BaseEstimator, metaclass=ABCMeta):
    """Shared fit and prediction of the gradient-boosting estimators."""

    _parameter_constraints = {
        "loss": [StrOptions(set())],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "min_samples_leaf": [Interval(Integral, 1, None, closed="left")],
        "min_child_weight": [Interval(Real, 0, None, closed="left")],
        "l2_regularization": [Interval(Real, 0, None, closed="left")],
        "l1_regularization": [Interval(Real, 0, None, closed="left")],
        "categorical_features": ["array-like", StrOptions({"from_dtype"}), None],
        "monotonic_cst": ["array-like", dict, None],
        "interaction_cst": [
            list,
            tuple,
            StrOptions({"pairwise", "no_interactions"}),
            None,
        ],
        "max_bins": [Interval(Integral, 2, 255, closed="both")],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "colsample_bytree": [Interval(Real, 0, 1, closed="right")],
        "colsample_bynode": [Interval(Real, 0, 1, closed="right")],
        "warm_start": ["boolean"],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "scoring": [str, callable, None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_threads": [Integral, None],
    }

    @abstractmethod
    def __init__(
        self,
        loss,
        *,
        learning_rate,
        n_estimators,
        max_depth,
        max_leaf_nodes,
        min_samples_leaf,
        min_child_weight,
        l2_regularization,
        l1_regularization,
        categorical_features,
        monotonic_cst,
        interaction_cst,
        max_bins,
        subsample,
        colsample_bytree,
        colsample_bynode,
        warm_start,
        early_stopping,
        scoring,
        validation_fraction,
        n_iter_no_change,
        tol,
        verbose,
        random_state,
        n_threads,
    ):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.min_child_weight = min_child_weight
        self.l2_regularization = l2_regularization
        self.l1_regularization = l1_regularization
        self.categorical_features = categorical_features
        self.monotonic_cst = monotonic_cst
        self.interaction_cst = interaction_cst
        self.max_bins = max_bins
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.colsample_bynode = colsample_bynode
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.scoring = scoring
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.n_threads = n_threads

    # -- hooks of the two estimators ----------------------------------------

    @abstractmethod
    def _encode_y(self, y, fitting):
        """Validated float64 targets (class indices for classifiers)."""

    @abstractmethod
    def _make_loss(self, y):
        """The loss object for the encoded training targets."""

    def _sample_weight(self, y, sample_weight):
        return sample_weight

    # -- fit ----------------------------------------------------------------

    def _is_fitted(self):
        return hasattr(self, "_predictors") and hasattr(self, "n_iter_")

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_predictors")

    def _clear_state(self):
        for name in ("_predictors", "train_score_", "validation_score_", "n_iter_"):
            if hasattr(self, name):
                delattr(self, name)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the gradient-boosting model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN marks a missing value. Converted to float32
            (float32 input is not copied).
        y : array-like of shape (n_samples,)
            Target values (class labels for classification).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; None for unit weights.
        X_val : array-like of shape (n_val, n_features), default=None
            Validation data for early stopping, used instead of a split of the
            training data (``early_stopping`` must then not be False).
        y_val : array-like of shape (n_val,), default=None
            Targets of ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of ``X_val``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        start_time = time.perf_counter()
        if not (self.warm_start and self._is_fitted()):
            self._clear_state()
        # A DataFrame's category columns are encoded before validation (which
        # would reject their values); other inputs are resolved once validated.
        dataframe = hasattr(X, "columns") and hasattr(X, "dtypes")
        if dataframe:
            X, categorical, categories = self._categorical_input(X)
        X, y = validate_data(
            self,
            X,
            y,
            dtype=np.float32,
            ensure_all_finite="allow-nan",
            order="C",
            reset=not self._is_fitted(),
        )
        if not dataframe:
            X, categorical, categories = self._categorical_input(X)
        y = self._encode_y(y, fitting=True)
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        sample_weight = self._sample_weight(y, sample_weight)
        if sample_weight.sum() <= 0:
            raise ValueError("sample_weight sums to zero; nothing to fit.")
        n_threads = effective_n_threads(self.n_threads)
        has_val = X_val is not None or y_val is not None
        if has_val:
            if X_val is None or y_val is None:
                raise ValueError("X_val and y_val must be given together.")
            if self.early_stopping is False:
                raise ValueError(
                    "X_val and y_val are passed to fit while early_stopping is "
                    "False; set early_stopping to 'auto' or True."
                )
            if categories is not None:
                X_val, _ = pandas_codes(X_val, categorical, categories)
            X_val = validate_data(
                self,
                X_val,
                dtype=np.float32,
                ensure_all_finite="allow-nan",
                order="C",
                reset=False,
            )
            y_val = self._encode_y(np.asarray(y_val), fitting=False)
            if len(y_val) != X_val.shape[0]:
                raise ValueError("X_val and y_val have different numbers of rows.")
            sample_weight_val = _check_sample_weight(
                sample_weight_val, X_val, dtype=np.float64
            )
        elif sample_weight_val is not None:
            raise ValueError("sample_weight_val needs X_val and y_val.")

        warm = self._is_fitted()
        if warm:
            if self.n_estimators < self.n_iter_:
                raise ValueError(
                    f"n_estimators={self.n_estimators} must be >= n_iter_="
                    f"{self.n_iter_} when warm_start is True."
                )
            base_seed = self._base_seed
        else:
            base_seed = int(check_random_state(self.random_state).randint(_MAX_SEED))
            self._base_seed = base_seed

        if self.early_stopping == "auto":
            self.do_early_stopping_ = has_val or X.shape[0] > _EARLY_STOPPING_AUTO_ROWS
        else:
            self.do_early_stopping_ = bool(self.early_stopping)
        scorer = None
        if self.do_early_stopping_ and self.scoring not in (None, "loss"):
            scorer = check_scoring(self, self.scoring)
        X_train, y_train, w_train = X, y, sample_weight
        if self.do_early_stopping_ and not has_val:
            if self.validation_fraction is None:
                X_val = y_val = sample_weight_val = None
            else:
                stratify = y if is_classifier_loss(self) else None
                try:
                    X_train, X_val, y_train, y_val, w_train, sample_weight_val = (
                        train_test_split(
                            X,
                            y,
                            sample_weight,
                            test_size=self.validation_fraction,
                            stratify=stratify,
                            random_state=base_seed,
                        )
                    )
                except ValueError as exc:
                    raise ValueError(
                        "Cannot split a validation set off the training data "
                        f"(validation_fraction={self.validation_fraction}): {exc}"
                    ) from exc
                X_train = np.ascontiguousarray(X_train)
                X_val = np.ascontiguousarray(X_val)
                self._check_split(y_train)
        elif not self.do_early_stopping_:
            X_val = y_val = sample_weight_val = None
        known = {}
        if categorical is not None:
            check_codes(X, categorical, self.max_bins)
            known = seen_categories(X_train, categorical)
            if X_val is not None:
                X_val = unknown_to_missing(X_val, known)
        self.is_categorical_ = (
            np.zeros(X.shape[1], dtype=bool) if categorical is None else categorical
        )
        self._categories = categories
        self._known_categories = known

        loss = self._make_loss(y_train)
        K = loss.n_trees
        monotonic_cst = _resolve_monotonic_cst(self)
        if monotonic_cst is not None and categorical is not None:
            both = np.flatnonzero((monotonic_cst != 0) & categorical)
            if both.size:
                raise ValueError(
                    f"Categorical features {both.tolist()} have monotonic "
                    "constraints; a categorical feature cannot have one."
                )
        if monotonic_cst is not None and K != 1:
            raise ValueError(
                "monotonic constraints are not supported for multiclass classification."
            )
        interaction_cst = _resolve_interaction_cst(
            self.interaction_cst, self.n_features_in_
        )
        self._loss = loss
        self.n_trees_per_iteration_ = K
        if not warm:
            self._baseline = loss.baseline(y_train, w_train)
            self._predictors = []
            self.train_score_ = []
            self.validation_score_ = []
            self._gains = np.zeros(X.shape[1])
        raw = self._raw_predict_rows(X_train, self._predictors, n_threads)
        raw_val = (
            None
            if X_val is None
            else self._raw_predict_rows(X_val, self._predictors, n_threads)
        )
        train_scores = list(self.train_score_)
        val_scores = list(self.validation_score_)
        if self.do_early_stopping_ and not warm:
            self._append_scores(
                loss,
                scorer,
                X_train,
                y_train,
                w_train,
                raw,
                X_val,
                y_val,
                sample_weight_val,
                raw_val,
                train_scores,
                val_scores,
                n_threads,
            )

        n_samples, n_features = X_train.shape
        bins = bin_features(
            X_train, max_bins=self.max_bins, seed=base_seed, n_threads=n_threads
        )
        if known:
            bins = bin_categorical(bins, X_train, known)
        bins = with_codes_by_feature(bins)
        # One set of histogram buffers for all the trees of this fit.
        hist_buffers = HistBuffers()
        gradient = np.empty((K, n_samples))
        hessian = np.empty((K, n_samples))
        sample_leaf = np.empty(n_samples, dtype=np.intp)
        n_cols = max(1, int(np.ceil(self.colsample_bytree * n_features)))
        n_node_features = max(1, int(np.ceil(self.colsample_bynode * n_cols)))
        tree_params = dict(
            criterion="newton",
            splitter="hist",
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            max_features=n_node_features,
            max_leaf_nodes=self.max_leaf_nodes,
            hist_exact_below=0,
            # Equal-score splits on different features (small nodes, where
            # features cut the same samples apart) go to the lowest feature,
            # as in HistGradientBoosting: without column sampling the model
            # does not depend on random_state.
            hist_ties_to_lowest_feature=True,
            l2_regularization=self.l2_regularization,
            l1_regularization=self.l1_regularization,
            min_child_weight=self.min_child_weight,
            n_threads=n_threads,
            cat_smooth=_CAT_SMOOTH,
            cat_min_support=_CAT_MIN_SUPPORT,
        )
        stopped = self.do_early_stopping_ and self._should_stop(
            val_scores or train_scores
        )
        for iteration in range(len(self._predictors), self.n_estimators):
            if stopped:
                break
            tic = time.perf_counter()
            seed = _iteration_seed(base_seed, iteration)
            rng = np.random.RandomState(seed)
            loss.update(y_train, raw, w_train)
            loss.gradient_hessian(y_train, raw, gradient, hessian, n_threads)
            weight = w_train
            if self.subsample < 1.0:
                n_rows = max(1, int(np.ceil(self.subsample * n_samples)))
                rows = rng.choice(n_samples, n_rows, replace=False)
                weight = np.zeros(n_samples)
                weight[rows] = w_train[rows]
                if not weight.any():
                    weight[rows] = 1.0 * (w_train[rows] >= 0)
            columns = None
            tree_bins = bins
            if n_cols < n_features:
                columns = np.sort(rng.choice(n_features, n_cols, replace=False))
                codes, thresholds, n_bins, codes_by_feature = bins
                tree_bins = (
                    np.ascontiguousarray(codes[:, columns]),
                    thresholds[columns],
                    n_bins[columns],
                    codes_by_feature[columns],
                )
            tree_cst = monotonic_cst
            if columns is not None and monotonic_cst is not None:
                tree_cst = monotonic_cst[columns]
            tree_categorical = categorical
            if columns is not None and categorical is not None:
                tree_categorical = categorical[columns]
            tree_groups = _column_groups(interaction_cst, columns, n_features)
            shape = np.broadcast_to(np.float32(0), (n_samples, len(tree_bins[2])))
            trees = []
            for k in range(K):
                sample_leaf.fill(-1)
                tree = build_tree(
                    shape,
                    gradient[k],
                    weight,
                    bins=tree_bins,
                    hessians=hessian[k],
                    monotonic_cst=tree_cst,
                    interaction_cst=tree_groups,
                    categorical=tree_categorical,
                    seed=(seed + k) % _MAX_SEED,
                    sample_leaf=sample_leaf,
                    hist_buffers=hist_buffers,
                    **tree_params,
                )
                self._add_gains(tree, columns)
                value_bounds = None
                if loss.refit_leaves and tree_cst is not None:
                    value_bounds = _node_bounds(tree, tree_cst)
                if columns is not None:
                    _gb_kernels.remap_features(tree, columns, n_features)
                if loss.refit_leaves:
                    refit_leaf_values(
                        loss,
                        tree,
                        sample_leaf,
                        y_train,
                        raw[k],
                        weight,
                        self.learning_rate,
                        value_bounds,
                    )
                else:
                    _gb_kernels.set_node_values(
                        tree, tree.value[:, 0, 0] * self.learning_rate
                    )
                _gb_kernels.add_leaf_values(tree, sample_leaf, raw[k], n_threads)
                missed = np.flatnonzero(sample_leaf < 0)
                if len(missed):
                    out = np.zeros((1, len(missed)))
                    _gb_kernels.predict_raw(
                        [tree], 1, np.ascontiguousarray(X_train[missed]), out, n_threads
                    )
                    raw[k, missed] += out[0]
                trees.append(tree)
            self._predictors.append(trees)
            if raw_val is not None:
                _gb_kernels.predict_raw(trees, K, X_val, raw_val, n_threads)
            if self.do_early_stopping_ or self.verbose:
                self._append_scores(
                    loss,
                    scorer,
                    X_train,
                    y_train,
                    w_train,
                    raw,
                    X_val,
                    y_val,
                    sample_weight_val,
                    raw_val,
                    train_scores,
                    val_scores,
                    n_threads,
                )
            if self.verbose:
                self._print_iteration(iteration, train_scores, val_scores, tic)
            if self.do_early_stopping_:
                stopped = self._should_stop(val_scores or train_scores)
        self.n_iter_ = len(self._predictors)
        keep = self.do_early_stopping_
        self.train_score_ = np.asarray(train_scores if keep else [], dtype=float)
        self.validation_score_ = np.asarray(val_scores if keep else [], dtype=float)
        if self.verbose:
            print(
                f"Fit {self.n_iter_} iterations of {K} tree(s) in "
                f"{time.perf_counter() - start_time:.3f}s"
            )
        return self

    def _categorical_input(self, X):
        # The categorical mask of X's columns (None for none), X with its
        # pandas category columns as codes, and their categories (None when
        # X is no DataFrame). A warm start keeps the first fit's encoding.
        categorical = resolve_categorical_features(self.categorical_features, X)
        if self._is_fitted():
            before = self.is_categorical_
            now = np.zeros(len(before), dtype=bool)
            if categorical is not None:
                now = categorical
            if now.shape != before.shape or np.any(now != before):
                raise ValueError(
                    "categorical_features changed since the previous fit; a warm "
                    "start needs the same categorical features."
                )
            if self._categories is not None:
                X, _ = pandas_codes(X, categorical, self._categories)
            return X, categorical, self._categories
        check_undeclared_categories(X, categorical)
        X, categories = pandas_codes(X, categorical)
        check_n_categories(categories, self.max_bins)
        return X, categorical, categories

    def _check_split(self, y_train):
        """Hook: classifiers check every class is left in the training part."""

    def _add_gains(self, tree, columns):
        # Sum of the split gains S_left + S_right - S_parent of every feature
        # (a node's impurity is -S for the newton criterion).
        left = tree.children_left
        inner = np.flatnonzero(left >= 0)
        if not len(inner):
            return
        impurity = tree.impurity
        gain = (
            impurity[inner]
            - impurity[left[inner]]
            - impurity[tree.children_right[inner]]
        )
        features = tree.feature[inner]
        if columns is not None:
            features = columns[features]
        np.add.at(self._gains, features, gain)

    def _append_scores(
        self,
        loss,
        scorer,
        X_train,
        y_train,
        w_train,
        raw,
        X_val,
        y_val,
        w_val,
        raw_val,
        train_scores,
        val_scores,
        n_threads,
    ):
        if scorer is None:
            train_scores.append(-loss.loss(y_train, raw, w_train, n_threads))
            if raw_val is not None:
                val_scores.append(-loss.loss(y_val, raw_val, w_val, n_threads))
            return
        self.n_iter_ = len(self._predictors)
        n = X_train.shape[0]
        rows = slice(None)
        if n > _SCORER_TRAIN_ROWS:
            rows = np.random.RandomState(self._base_seed).choice(
                n, _SCORER_TRAIN_ROWS, replace=False
            )
        train_scores.append(scorer(self, X_train[rows], self._decode(y_train[rows])))
        if raw_val is not None:
            val_scores.append(scorer(self, X_val, self._decode(y_val)))

    def _decode(self, y):
        return y

    def _print_iteration(self, iteration, train_scores, val_scores, tic):
        parts = []
        if train_scores:
            parts.append(f"train score: {train_scores[-1]:.5f}")
        if val_scores:
            parts.append(f"validation score: {val_scores[-1]:.5f}")
        parts.append(f"in {time.perf_counter() - tic:.3f}s")
        print(f"[{iteration + 1}/{self.n_estimators}] " + ", ".join(parts))

    def _should_stop(self, scores):
        # Stop when none of the last n_iter_no_change scores beats the one
        # before them by more than tol (scores: higher is better).
        reference = self.n_iter_no_change + 1
        if len(scores) < reference:
            return False
        threshold = scores[-reference] + self.tol
        return not any(score > threshold for score in scores[-reference + 1 :])

    # -- prediction ---------------------------------------------------------

    def _raw_predict_rows(self, X, predictors, n_threads):
        # Raw predictions (K, n_rows): baseline, then every tree in order.
        K = len(self._baseline)
        raw = np.empty((K, X.shape[0]))
        raw[:] = self._baseline[:, None]
        flat = [tree for trees in predictors for tree in trees]
        _gb_kernels.predict_raw(flat, K, X, raw, n_threads)
        return raw

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        categories = getattr(self, "_categories", None)
        if categories is not None:
            X, _ = pandas_codes(X, self.is_categorical_, categories)
        X = validate_data(
            self,
            X,
            dtype=np.float32,
            ensure_all_finite="allow-nan",
            order="C",
            reset=False,
        )
        # Categories not seen at fit go the way of the missing values.
        return unknown_to_missing(X, getattr(self, "_known_categories", {}))

    def _raw_predict(self, X):
        X = self._validate_X_predict(X)
        n_threads = effective_n_threads(self.n_threads)
        return self._raw_predict_rows(X, self._predictors[: self.n_iter_], n_threads)

    def _staged_raw_predict(self, X):
        X = self._validate_X_predict(X)
        n_threads = effective_n_threads(self.n_threads)
        K = len(self._baseline)
        raw = np.empty((K, X.shape[0]))
        raw[:] = self._baseline[:, None]
        for trees in self._predictors[: self.n_iter_]:
            _gb_kernels.predict_raw(trees, K, X, raw, n_threads)
            yield raw.copy()

    @property
    def feature_importances_(self):
        """Normalised total gain of the splits on each feature.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
            Sums to one unless no tree has a split (all zeros then).
        """
        check_is_fitted(self)
        total = self._gains.sum()
        if total <= 0:
            return np.zeros_like(self._gains)
        return self._gains / total

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def is_classifier_loss(estimator):
    return isinstance(estimator, ClassifierMixin)
