# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""MLPClassifier and MLPRegressor.

The two share their parameters, training loop and most of their docstrings (the
parameter and attribute sections below are composed into both).
"""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from skml.neural_network._base import _BaseMLP
from skml.neural_network._losses import get_loss
from skml.utils._sklearn import _check_partial_fit_first_call, _fit_context

_PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(100,)
        Number of units of each hidden layer; ``()`` fits a model with no
        hidden layer.

    activation : {"relu", "leaky_relu", "tanh", "logistic", "identity"}, \
default="relu"
        Hidden-layer activation.

    negative_slope : float, default=0.01
        Slope of ``"leaky_relu"`` for negative inputs, in ``[0, 1)``.

    weight_init : {"auto", "he", "xavier"}, default="auto"
        Uniform initialisation of the hidden layers' weights: He et al.'s
        (variance ``2 / fan_in``, ``2 / (1 + negative_slope^2) / fan_in`` for
        ``"leaky_relu"``) or Glorot and Bengio's (Xavier, variance
        ``2 / (fan_in + fan_out)``, scikit-learn's choice for every
        activation but ``"logistic"``). ``"auto"`` is He for the rectifiers,
        Xavier otherwise.
        The output layer is Xavier-initialised, intercepts start at 0.

    solver : {"adam", "adamw", "sgd", "momentum", "nesterov", "rmsprop"} or \
Optimizer, default="adam"
        Optimizer: a name (with the default hyperparameters of the class in
        :mod:`skml.neural_network.optimizers`) or an instance, which is copied,
        never modified. ``"adamw"`` applies a decoupled weight decay of 0.01 to
        every parameter.

    learning_rate : {"constant", "step", "cosine", "invscaling", "adaptive"} \
or LRSchedule, default="constant"
        Per-epoch learning-rate schedule, or an instance from
        :mod:`skml.neural_network.schedules` (copied). ``"step"`` divides the
        rate by 10 every ``max_iter // 3`` epochs, ``"cosine"`` anneals it to 0
        over ``max_iter`` epochs, ``"invscaling"`` divides it by
        ``sqrt(epoch + 1)`` and ``"adaptive"`` divides it by 5 whenever the
        training loss has not decreased by ``tol`` for ``n_iter_no_change``
        epochs (training then stops only once the rate is below ``1e-6``).

    learning_rate_init : float, default=0.001
        Initial learning rate; it overrides the ``learning_rate`` of an
        optimizer instance.

    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the intercepts): each
        batch adds ``alpha / 2 * ||W||^2 / n_batch`` to its mean loss, as in
        scikit-learn.

    l1 : float, default=0.0
        Strength of the L1 penalty on the weights, added as
        ``l1 * ||W||_1 / n_batch``.

    dropout : float or array-like of float, default=0.0
        Dropout rate of the hidden layers' outputs during training (inverted
        dropout: no rescaling at prediction), one for all layers or one per
        hidden layer, each in ``[0, 1)``.

    batch_norm : bool, default=False
        Normalise every hidden layer's pre-activation with the batch statistics
        during training and running averages (momentum 0.1, epsilon 1e-5) at
        prediction, followed by a learnt scale and shift.

    clip_norm : float, default=None
        Rescale each batch's gradient to this Euclidean norm when it is
        larger; None disables clipping.

    batch_size : int or "auto", default="auto"
        Rows per mini-batch; ``"auto"`` is ``min(200, n_samples)``.

    max_iter : int, default=200
        Maximum number of epochs (passes over the data) of ``fit``.

    shuffle : bool, default=True
        Shuffle the samples before each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling, the dropout masks and the
        validation split.

    tol : float, default=1e-4
        Smallest improvement of the training loss (or, with early stopping,
        of the validation score) that counts.

    n_iter_no_change : int, default=10
        Training stops after this many consecutive epochs without an
        improvement larger than ``tol``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its
        score stops improving, and restore the weights of the best epoch.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    warm_start : bool, default=False
        Continue from the previous solution at the next ``fit``, with the
        optimizer's state; the learning-rate schedule restarts.

    verbose : bool or int, default=False
        Print the loss (and validation score) after every epoch.
"""

_ATTRIBUTES = """
    coefs_ : list of ndarray
        Weight matrix of each layer, of shape ``(n_units_in, n_units_out)``.

    intercepts_ : list of ndarray
        Intercept vector of each layer.

    bn_gammas_, bn_betas_ : list of ndarray
        Batch-normalisation scale and shift of each hidden layer (empty lists
        without ``batch_norm``).

    bn_running_means_, bn_running_vars_ : list of ndarray
        Running batch mean and variance of each hidden layer's
        pre-activation, used at prediction (empty without ``batch_norm``).

    loss_ : float
        Training loss of the last epoch (penalties included).

    loss_curve_ : list of float
        Training loss of every epoch.

    best_loss_ : float
        Lowest training loss of an epoch.

    validation_scores_ : list of float or None
        Validation score of every epoch, with ``early_stopping`` only.

    best_validation_score_ : float or None
        Best validation score, with ``early_stopping`` only.

    n_iter_ : int
        Number of epochs run since the weights were initialised.

    t_ : int
        Number of training samples seen since the weights were initialised.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        Output activation.

    optimizer_ : Optimizer
        The optimizer, with its state.

    lr_schedule_ : LRSchedule
        The learning-rate schedule, with its state.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.
"""


def _compose(doc):
    return doc.replace("%(parameters)s", _PARAMETERS.strip("\n")).replace(
        "%(attributes)s", _ATTRIBUTES.strip("\n")
    )


class MLPClassifier(ClassifierMixin, _BaseMLP):
    # The docstring is composed below, from the shared sections.

    def _encode_targets(self, y, first_pass, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        y_type = type_of_target(y)
        if first_pass:
            if y_type == "multilabel-indicator":
                labels = np.arange(y.shape[1])
            elif classes is not None:
                labels = unique_labels(np.asarray(classes))
            else:
                labels = unique_labels(y)
            if len(labels) < 2:
                raise ValueError(
                    "MLPClassifier needs samples of at least two classes; y has "
                    f"one class: {labels[0]!r}."
                )
            self.classes_ = labels
            if y_type != "multilabel-indicator":
                y_type = "binary" if len(labels) == 2 else "multiclass"
            self._y_type = y_type
        elif (y_type == "multilabel-indicator") != (
            self._y_type == "multilabel-indicator"
        ):
            raise ValueError(
                f"y is {y_type}, the model was fitted on {self._y_type} targets."
            )
        if self._y_type == "multilabel-indicator":
            if y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y has {y.shape[1]} labels, the model {len(self.classes_)}."
                )
            return y, "logistic"
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            raise ValueError(
                f"y contains labels not seen in the first call or in classes: "
                f"{np.unique(np.asarray(y)[unknown])[:5]!r}; with warm_start or "
                "partial_fit, y must keep the classes of the first fit."
            )
        if self._y_type == "binary":
            return (index == 1).astype(float)[:, None], "logistic"
        return np.eye(len(self.classes_))[index], "softmax"

    def _validation_score(self, network, X, y, sample_weight):
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 data train in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix (multilabel).

        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        return self._fit(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train the network for one epoch on a batch of data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix (multilabel).

        classes : array-like of shape (n_classes,), default=None
            Every class label, required at the first call (ignored later).
            For multilabel ``y``, one entry per label column.

        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss.

        Returns
        -------
        self : object
            The updated classifier.
        """
        # Sets classes_ from `classes` at the first call (and raises without).
        first_call = _check_partial_fit_first_call(self, classes)
        if first_call or not hasattr(self, "coefs_"):
            classes = self.classes_
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities (multilabel: the probability of each label).
        """
        Z = self._forward(X)
        proba = get_loss(self.out_activation_).predict(Z)
        if self._y_type == "binary":
            proba = np.hstack([1.0 - proba, proba])
        return proba

    def predict_log_proba(self, X):
        """Logarithm of the probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, computed without forming the probabilities.
        """
        Z = self._forward(X)
        loss = get_loss(self.out_activation_)
        if self._y_type == "binary":
            return np.hstack([loss.predict_log(-Z), loss.predict_log(Z)])
        return loss.predict_log(Z)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (multilabel: a 0/1 indicator matrix).
        """
        Z = self._forward(X)
        if self._y_type == "multilabel-indicator":
            return (Z > 0).astype(int)
        if self._y_type == "binary":
            return self.classes_[(Z[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(Z, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


MLPClassifier.__doc__ = _compose(
    """Multilayer perceptron classifier.

    A fully connected network trained by mini-batch stochastic optimisation of
    the cross-entropy: a softmax output for several classes, a logistic output
    for two classes and for multilabel indicator targets. Parameters and
    attributes follow scikit-learn's ``MLPClassifier`` (stochastic solvers),
    with more optimizers and schedules, L1 and dropout regularisation, batch
    normalisation and gradient clipping.

    Read more in the :ref:`User Guide <neural_network>`.

%(parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (multilabel: ``0, ..., n_labels - 1``).

%(attributes)s

    See Also
    --------
    MLPRegressor : Multilayer perceptron regressor.
    sklearn.neural_network.MLPClassifier : The scikit-learn version.

    Notes
    -----
    Every batch is a fixed number of NumPy calls on preallocated buffers (BLAS
    matrix products and in-place ufuncs); the parameters of all layers are
    views of one flat array, which the optimizer updates in one go.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skml.neural_network import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), MLPClassifier(
    ...     hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=300,
    ...     random_state=0)).fit(X, y)
    >>> print(f"{clf.score(X, y):.2f}")
    0.99
    """
)


class MLPRegressor(RegressorMixin, _BaseMLP):
    # The docstring is composed below, from the shared sections.

    def _encode_targets(self, y, first_pass, classes):
        y = np.asarray(y)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not first_pass and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs, the model {self.n_outputs_}."
            )
        return Y, "identity"

    def _validation_score(self, network, X, y, sample_weight):
        return r2_score(y, self.predict(X), sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 data train in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        return self._fit(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train the network for one epoch on a batch of data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss.

        Returns
        -------
        self : object
            The updated regressor.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict target values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values (1-D for a single output).
        """
        Z = self._forward(X)
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


MLPRegressor.__doc__ = _compose(
    """Multilayer perceptron regressor.

    A fully connected network with an identity output, trained by mini-batch
    stochastic optimisation of half the squared error. Parameters and
    attributes follow scikit-learn's ``MLPRegressor`` (stochastic solvers),
    with more optimizers and schedules, L1 and dropout regularisation, batch
    normalisation and gradient clipping.

    Read more in the :ref:`User Guide <neural_network>`.

%(parameters)s

    Attributes
    ----------
%(attributes)s

    See Also
    --------
    MLPClassifier : Multilayer perceptron classifier.
    sklearn.neural_network.MLPRegressor : The scikit-learn version.

    Notes
    -----
    The loss of a batch is ``sum_i w_i ||y_i - f(x_i)||^2 / (2 sum_i w_i)``,
    summed over the outputs, plus the penalties.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skml.neural_network import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1, random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01,
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> print(f"{reg.score(X, y):.2f}")
    0.99
    """
)
