# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""What the XGBoost and LightGBM wrappers share: one fit path.

``_BoosterWrapper`` validates the data, encodes the classes, checks the sample
weights, resolves the explicit parameters and the ``params`` dict into one
library parameter dict, splits off the early-stopping validation set, and then
hands everything to a *backend*: a small class holding only what differs between
the libraries (parameter names, how to build the data and train, how to predict,
how to serialise a booster). The backend imports its library when it is first
used, never at import time of skml.

A fitted booster is pickled as the library's own model format (bytes for
XGBoost, a model string for LightGBM), so pickle and ``skops.io`` see no library
object, and a corrupt model raises ``ValueError`` on load.
"""

import importlib
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils import assert_all_finite, check_random_state, column_or_1d
from sklearn.utils.multiclass import check_classification_targets

from skml.utils._openmp import effective_n_threads
from skml.utils._sklearn import (
    Interval,
    RealNotInt,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
    validate_data,
)

# "auto" early stopping is on above this many training samples (as in
# scikit-learn's HistGradientBoosting*).
_AUTO_EARLY_STOPPING_MIN_SAMPLES = 10_000
_MAX_SEED = np.iinfo(np.int32).max


def import_library(name):
    """Import ``name`` (``"xgboost"`` or ``"lightgbm"``), or raise an ImportError
    that names the skml extra providing it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ImportError(
            f"This estimator needs {name}, which could not be imported ({exc}). "
            f'Install it with: pip install "skml[{name}]"'
        ) from exc


class _BoosterWrapper(BaseEstimator):
    """Shared fit and predict path of the XGBoost and LightGBM wrappers.

    Subclasses set ``_backend`` (the library adapter) and define ``__init__``
    with the common parameters plus their own leaf-count parameter, named by
    ``_backend.leaves_param``.
    """

    _backend = None

    _parameter_constraints = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "colsample_bytree": [Interval(Real, 0, 1, closed="right")],
        "reg_alpha": [Interval(Real, 0, None, closed="left")],
        "reg_lambda": [Interval(Real, 0, None, closed="left")],
        "min_child_weight": [Interval(Real, 0, None, closed="left")],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "params": [dict, None],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        return tags

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------

    def _explicit_params(self):
        """The explicit parameters, by their skml names."""
        names = (
            "n_estimators",
            "learning_rate",
            "max_depth",
            self._backend.leaves_param,
            "subsample",
            "colsample_bytree",
            "reg_alpha",
            "reg_lambda",
            "min_child_weight",
            "random_state",
            "n_jobs",
        )
        return {name: getattr(self, name) for name in names}

    def _check_params_dict(self):
        """Return a copy of ``params``, refusing keys that would override an
        explicit parameter or a value the wrapper manages itself."""
        params = {} if self.params is None else dict(self.params)
        backend = self._backend
        for key in params:
            if not isinstance(key, str):
                raise TypeError(
                    f"The keys of params must be str; got {key!r} "
                    f"({type(key).__name__})."
                )
            for name, aliases in backend.aliases.items():
                if key == name or key in aliases:
                    raise ValueError(
                        f"params[{key!r}] would override the explicit parameter "
                        f"{name!r} of {type(self).__name__}: set {name}=... "
                        "instead."
                    )
            managed = backend.managed_keys(is_classifier(self))
            if key in managed:
                raise ValueError(
                    f"params[{key!r}] cannot be set on {type(self).__name__}: "
                    f"{managed[key]}"
                )
        return params

    # ------------------------------------------------------------------
    # Targets
    # ------------------------------------------------------------------

    def _encode_y(self, y):
        """Return the encoded training target and the library objective."""
        if is_classifier(self):
            check_classification_targets(y)
            self.classes_, y_encoded = np.unique(y, return_inverse=True)
            n_classes = len(self.classes_)
            if n_classes < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in y; got 1 class ({self.classes_[0]!r})."
                )
            return y_encoded.astype(np.float64), self._backend.classifier_objective(
                n_classes
            )
        return np.asarray(y, dtype=np.float64), None

    def _encode_y_val(self, y_val):
        if not is_classifier(self):
            return np.asarray(y_val, dtype=np.float64)
        check_classification_targets(y_val)
        unknown = np.setdiff1d(np.unique(y_val), self.classes_)
        if unknown.size:
            raise ValueError(
                f"y_val contains labels not seen in y: {unknown.tolist()}."
            )
        return np.searchsorted(self.classes_, y_val).astype(np.float64)

    # ------------------------------------------------------------------
    # Fit
    # ------------------------------------------------------------------

    def _validate_X(self, X, reset):
        return validate_data(
            self,
            X,
            reset=reset,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the boosted trees.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Missing values (NaN) are routed natively by the
            library.

        y : array-like of shape (n_samples,)
            Target values: class labels of any type for classifiers, real
            numbers for regressors.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples, not all zero; ``None`` weighs
            every sample 1.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data for early stopping, used instead of a split of the
            training data. Needs ``y_val`` and ``early_stopping`` not False.

        y_val : array-like of shape (n_val,), default=None
            Targets of ``X_val``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        backend = self._backend
        library = backend.library()
        params = self._check_params_dict()
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
            y_numeric=not is_classifier(self),
        )
        y, objective = self._encode_y(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
            if not np.any(sample_weight > 0):
                raise ValueError(
                    "Sample weights must contain at least one non-zero number."
                )
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if X_val is not None and self.early_stopping is False:
            raise ValueError(
                "X_val and y_val are only used for early stopping; they were "
                "given with early_stopping=False."
            )

        rng = check_random_state(self.random_state)
        if isinstance(self.random_state, Integral):
            seed = int(self.random_state)
        else:
            seed = int(rng.randint(_MAX_SEED))
        n_threads = effective_n_threads(self.n_jobs)
        explicit = self._explicit_params()
        explicit["random_state"] = seed
        explicit["n_jobs"] = n_threads
        lib_params, objective = backend.resolve_params(
            explicit, params, objective, is_classifier(self), getattr(
                self, "classes_", ()
            )
        )
        self.objective_ = objective

        early = self.early_stopping
        if early == "auto":
            early = X_val is not None or X.shape[0] > _AUTO_EARLY_STOPPING_MIN_SAMPLES
        validation = None
        if early and X_val is not None:
            X_val = self._validate_X(X_val, reset=False)
            y_val = self._encode_y_val(_check_target(y_val, X_val.shape[0]))
            validation = (X_val, y_val, None)
        elif early:
            X, y, sample_weight, validation = self._split(X, y, sample_weight, rng)

        booster, best_iteration = backend.train(
            library,
            lib_params,
            (X, y, sample_weight),
            validation,
            n_estimators=self.n_estimators,
            n_iter_no_change=self.n_iter_no_change if early else None,
            tol=self.tol,
            n_threads=n_threads,
        )
        self.booster_ = booster
        self.best_iteration_ = best_iteration
        self.n_iter_ = self.n_estimators if best_iteration is None else (
            best_iteration + 1
        )
        gains = backend.gain_importances(
            booster, self.n_features_in_, self.n_iter_
        )
        total = gains.sum()
        self.feature_importances_ = gains / total if total > 0 else gains
        return self

    def _split(self, X, y, sample_weight, rng):
        """Split off ``validation_fraction`` of the samples (stratified for
        classifiers whose every class has two samples or more)."""
        stratify = None
        if is_classifier(self) and np.bincount(y.astype(np.intp)).min() >= 2:
            stratify = y
        weights = () if sample_weight is None else (sample_weight,)
        parts = train_test_split(
            X,
            y,
            *weights,
            test_size=self.validation_fraction,
            stratify=stratify,
            random_state=rng,
        )
        if sample_weight is None:
            X_tr, X_val, y_tr, y_val = parts
            return X_tr, y_tr, None, (X_val, y_val, None)
        X_tr, X_val, y_tr, y_val, w_tr, w_val = parts
        if not np.any(w_tr > 0):
            raise ValueError(
                "Every sample left for training after the early-stopping split "
                "has zero weight; lower validation_fraction or turn "
                "early_stopping off."
            )
        return X_tr, y_tr, w_tr, (X_val, y_val, w_val)

    # ------------------------------------------------------------------
    # Predict
    # ------------------------------------------------------------------

    def _raw_predict(self, X):
        """The library's prediction on X: probabilities for classifiers
        (of class 1 when binary), values for regressors."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return self._backend.predict(
            self.booster_, X, self.n_iter_, effective_n_threads(self.n_jobs)
        )

    def _predict_proba(self, X):
        proba = self._raw_predict(X)
        if proba.ndim == 1:
            proba = np.column_stack([1.0 - proba, proba])
        return proba

    def predict(self, X):
        """Predict class labels (classifiers) or values (regressors) for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            The predicted labels or values.
        """
        check_is_fitted(self)
        if is_classifier(self):
            return self.classes_[np.argmax(self._predict_proba(X), axis=1)]
        return self._raw_predict(X)

    # ------------------------------------------------------------------
    # Persistence: the booster travels as the library's own model format
    # ------------------------------------------------------------------

    def __getstate__(self):
        state = super().__getstate__()
        if "booster_" in state and not isinstance(state["booster_"], bytes | str):
            state = dict(state)
            state["booster_"] = self._backend.dump(state["booster_"])
        return state

    def __setstate__(self, state):
        if "booster_" in state:
            state = dict(state)
            state["booster_"] = self._backend.load(
                state["booster_"], effective_n_threads(state.get("n_jobs"))
            )
        super().__setstate__(state)


def _check_target(y, len_):
    """Validate a target given next to X_val: 1-D, finite, of len_ entries."""
    y = column_or_1d(y, warn=True)
    if y.shape[0] != len_:
        raise ValueError(
            f"X_val and y_val have different numbers of samples: {len_} and "
            f"{y.shape[0]}."
        )
    if y.dtype.kind in "fc":
        assert_all_finite(y, input_name="y_val")
    return y


# Docstring pieces the four public classes share; each class fills in its
# library's names and defaults.
PARAMETERS_DOC = """\
    n_estimators : int, default=100
        Number of boosting rounds (the most, with early stopping).

    learning_rate : float, default={learning_rate}
        Shrinkage of every tree's contribution; must be > 0. {library}'s
        ``{lr_name}``.

    max_depth : int or None, default={max_depth}
        Maximum depth of a tree; ``None`` sets no limit.

{leaves_doc}

    subsample : float, default=1.0
        Fraction of the rows drawn (without replacement) for each round.

    colsample_bytree : float, default=1.0
        Fraction of the features drawn for each tree.

    reg_alpha : float, default=0.0
        L1 regularisation of the leaf values.

    reg_lambda : float, default={reg_lambda}
        L2 regularisation of the leaf values.

    min_child_weight : float, default={min_child_weight}
        Least sum of hessians (of sample weights, for squared error) in a
        leaf.

    early_stopping : "auto" or bool, default="auto"
        Stop adding trees when the validation score has not improved by more
        than ``tol`` for ``n_iter_no_change`` rounds. The validation set is
        ``X_val``/``y_val`` when given to ``fit``, otherwise a split of
        ``validation_fraction`` of the training data (stratified for
        classifiers), drawn from ``random_state``. "auto" stops early when
        ``X_val`` is given or there are more than 10,000 training samples.
        The score is the library's default metric for the objective, or the
        metric named in ``params`` (``{metric_key}``).

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping, in (0, 1).

    n_iter_no_change : int, default=10
        Rounds without improvement after which training stops.

    tol : float, default=1e-7
        Least improvement of the validation score that counts.

    random_state : int, RandomState instance or None, default=None
        Seed of the row and column subsampling and of the validation split.
        An int is handed to {library} as its seed, so results match
        {library} fitted with the same seed.

    n_jobs : int, default=None
        Number of threads: ``None`` uses OpenMP's default (honouring
        ``OMP_NUM_THREADS``), ``-1`` all CPUs, ``-2`` all but one.

    params : dict, default=None
        More {library} parameters, passed through unchanged (for example
        ``{example}``). A key that names an explicit parameter above or one of
        its {library} aliases (``{alias_example}``), or a value the wrapper
        sets itself (``{managed_example}``), raises ``ValueError``: explicit
        parameters always win, and never silently. The dict is not modified.
"""

ATTRIBUTES_DOC = """\
    booster_ : {booster}
        The fitted booster, with every round trained (with early stopping,
        ``n_iter_no_change`` rounds past the best one; predictions use the
        first ``n_iter_``).

    objective_ : str
        The objective {library} was trained with.

    n_iter_ : int
        Number of boosting rounds used for prediction.

    best_iteration_ : int or None
        Zero-based index of the best round with early stopping (then
        ``n_iter_ == best_iteration_ + 1``), ``None`` without.

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Total gain of the splits on each feature over the first ``n_iter_``
        rounds, normalised to sum to 1 (all zeros when no tree splits).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when ``X`` has string
        column names.
"""

CLASSES_DOC = """\
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
"""


def predict_proba_doc():
    """Docstring of ``predict_proba`` (identical on both classifiers)."""
    return """Predict class probabilities for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.
        """
