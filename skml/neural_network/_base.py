# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The training loop shared by MLPClassifier and MLPRegressor.

Python validates and resolves every parameter, then trains a ``_Network``
(forward/backward passes on preallocated buffers) with an optimizer from
:mod:`skml.neural_network.optimizers` and a schedule from
:mod:`skml.neural_network.schedules`. A batch costs a fixed number of NumPy calls
(BLAS products and in-place ufuncs, independent of the batch size); its rows are
gathered into a preallocated buffer with ``np.take(..., out=)``.
"""

import copy
import math
import time
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from skml.neural_network._activations import ACTIVATIONS
from skml.neural_network._early_stopping import EarlyStopping
from skml.neural_network._network import _Network
from skml.neural_network._optimizers import (
    SGD,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    Optimizer,
    RMSprop,
)
from skml.neural_network._schedules import (
    ConstantLR,
    CosineAnnealingLR,
    InverseScalingLR,
    LRSchedule,
    ReduceLROnPlateau,
    StepLR,
)
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

_SOLVERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
}
_SCHEDULES = {"constant", "step", "cosine", "invscaling", "adaptive"}


class _BaseMLP(BaseEstimator):
    """Parameters, validation and training of the MLP estimators.

    Subclasses define ``_encode_targets(y, first_pass, classes)`` (returning the
    2-D float target matrix and the output activation) and ``_validation_score``.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "negative_slope": [Interval(Real, 0, 1, closed="left")],
        "weight_init": [StrOptions({"auto", "he", "xavier"})],
        "solver": [StrOptions(set(_SOLVERS)), Optimizer],
        "learning_rate": [StrOptions(_SCHEDULES), LRSchedule],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "batch_norm": ["boolean"],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        negative_slope=0.01,
        weight_init="auto",
        solver="adam",
        learning_rate="constant",
        learning_rate_init=0.001,
        alpha=1e-4,
        l1=0.0,
        dropout=0.0,
        batch_norm=False,
        clip_norm=None,
        batch_size="auto",
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        warm_start=False,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.negative_slope = negative_slope
        self.weight_init = weight_init
        self.solver = solver
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.alpha = alpha
        self.l1 = l1
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.clip_norm = clip_norm
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.verbose = verbose

    # ---------------------------------------------------------- resolution

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral) and not isinstance(sizes, bool):
            return [int(sizes)]
        values = list(sizes) if np.ndim(sizes) == 1 else [None]
        if not all(
            isinstance(v, Integral) and not isinstance(v, bool) and v >= 1
            for v in values
        ):
            raise ValueError(
                "hidden_layer_sizes must be a positive integer or a 1-D sequence of "
                f"positive integers (one per hidden layer), got {sizes!r}."
            )
        return [int(v) for v in values]

    def _dropout_rates(self, n_hidden):
        rates = self.dropout
        if isinstance(rates, Real) and not isinstance(rates, bool):
            return [float(rates)] * n_hidden
        rates = np.asarray(rates)
        if rates.ndim != 1 or len(rates) != n_hidden:
            raise ValueError(
                "dropout must be a float or a sequence with one rate per hidden "
                f"layer ({n_hidden}), got {self.dropout!r}."
            )
        if rates.dtype.kind not in "fiu" or not ((rates >= 0) & (rates < 1)).all():
            raise ValueError(
                f"dropout rates must be in [0, 1), got {self.dropout!r}."
            )
        return [float(p) for p in rates]

    def _make_optimizer(self):
        if isinstance(self.solver, str):
            return _SOLVERS[self.solver](learning_rate=self.learning_rate_init)
        return copy.deepcopy(self.solver).reset()

    def _make_schedule(self):
        name = self.learning_rate
        if not isinstance(name, str):
            return copy.deepcopy(name)
        if name == "constant":
            return ConstantLR()
        if name == "step":
            return StepLR(step_size=max(1, self.max_iter // 3), gamma=0.1)
        if name == "cosine":
            return CosineAnnealingLR(T_max=self.max_iter)
        if name == "invscaling":
            return InverseScalingLR(power_t=0.5)
        return ReduceLROnPlateau(
            factor=0.2, patience=self.n_iter_no_change, threshold=self.tol,
            min_lr=1e-6,
        )

    def _network(self, layer_units, out_activation, dtype):
        return _Network(
            layer_units,
            self.activation,
            self.negative_slope,
            out_activation,
            self._dropout_rates(len(layer_units) - 2),
            self.batch_norm,
            dtype,
            self.weight_init,
        )

    # ------------------------------------------------------------- fitting

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        hidden = self._hidden_sizes()
        self._dropout_rates(len(hidden))
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "validation set to hold out of a single batch."
            )
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=not is_classifier(self),
            reset=first_pass,
        )
        if not first_pass:
            X = X.astype(self.coefs_[0].dtype, copy=False)
        dtype = X.dtype
        Y, out_activation = self._encode_targets(y, first_pass, classes)
        Y = np.ascontiguousarray(Y, dtype=dtype)
        sample_weight = _check_sample_weight(sample_weight, X, dtype=dtype)
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        network = self._network(layer_units, out_activation, dtype)
        random_state = check_random_state(self.random_state)
        if first_pass:
            params, stats = network.init_params(random_state)
            self._init_state(out_activation, Y.shape[1])
        else:
            params, stats = self._packed_state(network)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        rng = np.random.default_rng([seed, self.t_])
        if not incremental or not hasattr(self, "optimizer_"):
            self._start_optimizer(first_pass)
        if not incremental or not hasattr(self, "lr_schedule_"):
            self.lr_schedule_ = self._make_schedule()
            self.optimizer_.learning_rate = self.lr_schedule_.start(
                self.learning_rate_init
            )
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._train(network, params, stats, X, Y, y, sample_weight, rng,
                        incremental)
        return self

    def _init_state(self, out_activation, n_outputs):
        self.n_outputs_ = n_outputs
        self.out_activation_ = out_activation
        self.n_layers_ = len(self._hidden_sizes()) + 2
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = None
        self.best_loss_ = math.inf
        for name in ("optimizer_", "lr_schedule_"):
            if hasattr(self, name):
                delattr(self, name)

    def _packed_state(self, network):
        expected = network.coef_shapes
        if [c.shape for c in self.coefs_] != expected or (
            bool(self.bn_gammas_) != network.batch_norm
        ) or network.loss.out_activation != self.out_activation_:
            raise ValueError(
                "The network of the fitted model (layers "
                f"{[c.shape for c in self.coefs_]}, batch_norm="
                f"{bool(self.bn_gammas_)}) does not match the parameters and data "
                f"(layers {expected}, batch_norm={self.batch_norm}); set "
                "warm_start=False to train a new network."
            )
        params = network.pack(self.coefs_, self.intercepts_, self.bn_gammas_,
                              self.bn_betas_)
        stats = np.concatenate(
            [*self.bn_running_means_, *self.bn_running_vars_, np.empty(0)]
        ).astype(network.dtype)
        return params, stats

    def _start_optimizer(self, first_pass):
        optimizer = self._make_optimizer()
        previous = getattr(self, "optimizer_", None)
        # A warm start keeps the optimizer's state (moments, step count) when
        # the solver is still of the same kind.
        if not first_pass and type(previous) is type(optimizer):
            optimizer.set_state(previous.get_state())
        self.optimizer_ = optimizer

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the number of "
                f"training samples ({n_samples}); using {n_samples}.",
                UserWarning,
                stacklevel=4,
            )
        return min(self.batch_size, n_samples)

    def _split_validation(self, X, Y, y, sample_weight, rng):
        n_val = math.ceil(self.validation_fraction * X.shape[0])
        if n_val < 2:
            raise ValueError(
                f"The validation set holds {n_val} sample(s); increase "
                "validation_fraction or the number of samples (early_stopping=True)."
            )
        single_label = getattr(self, "_y_type", None) in ("binary", "multiclass")
        stratify = y if single_label else None
        (X, X_val, Y, _, y_train, y_val, sample_weight, sw_val) = train_test_split(
            X, Y, y, sample_weight,
            test_size=self.validation_fraction,
            random_state=int(rng.integers(np.iinfo(np.int32).max)),
            stratify=stratify,
        )
        return X, Y, sample_weight, (X_val, y_val, sw_val)

    def _train(self, network, params, stats, X, Y, y, sample_weight, rng, incremental):
        validation = None
        if self.early_stopping:
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, y, sample_weight, rng
            )
        if sp.issparse(X):
            X = X.tocsr()
        else:
            X = np.ascontiguousarray(X)
        n_samples = X.shape[0]
        batch_size = self._batch_size(n_samples)
        network.allocate(batch_size, params, np.zeros_like(params), stats)
        self._bind(network)
        optimizer, schedule = self.optimizer_, self.lr_schedule_
        epochs = _Epochs(network, optimizer, X, Y, sample_weight, batch_size,
                         rng, self.alpha, self.l1, self.clip_norm)
        stopper = EarlyStopping(
            patience=self.n_iter_no_change,
            min_delta=self.tol,
            mode="max" if self.early_stopping else "min",
        )
        if self.early_stopping:
            stopper._keep([params, stats])
        max_iter = 1 if incremental else self.max_iter
        stopped = False
        for _ in range(max_iter):
            tic = time.perf_counter()
            order = rng.permutation(n_samples) if self.shuffle else None
            epoch_loss = epochs.run(order)
            self.n_iter_ += 1
            self.t_ += n_samples
            if not math.isfinite(epoch_loss):
                raise ValueError(
                    f"The training loss became non-finite ({epoch_loss}) in epoch "
                    f"{self.n_iter_}: training diverged. Lower learning_rate_init "
                    f"(the learning rate was {optimizer.learning_rate:g}), set "
                    "clip_norm to clip the gradients, or scale the input features."
                )
            self.loss_ = epoch_loss
            self.loss_curve_.append(epoch_loss)
            self.best_loss_ = min(self.best_loss_, epoch_loss)
            if validation is not None:
                score = self._validation_score(network, *validation)
                self.validation_scores_.append(score)
                stop_now = stopper.update(score, [params, stats])
                self.best_validation_score_ = stopper.best_score_
            else:
                stop_now = stopper.update(epoch_loss)
            if self.verbose:
                message = f"Epoch {self.n_iter_}, loss = {epoch_loss:.8f}"
                if validation is not None:
                    message += f", validation score = {self.validation_scores_[-1]:.6f}"
                message += (f", learning rate = {optimizer.learning_rate:.3g}"
                            f" ({time.perf_counter() - tic:.2f} s)")
                print(message)
            # A plateau schedule lowers the rate instead of stopping, until the
            # rate has reached its floor (before this epoch's reduction).
            lower_instead = (
                isinstance(schedule, ReduceLROnPlateau) and not schedule.at_min_lr
            )
            optimizer.learning_rate = schedule.step(epoch_loss)
            if incremental:
                break
            if stop_now:
                if lower_instead:
                    stopper.n_bad_epochs_ = 0  # the schedule lowers the rate instead
                    continue
                if self.verbose:
                    what = "Training loss" if validation is None else "Validation score"
                    print(f"{what} did not improve by more than tol={self.tol} for "
                          f"{self.n_iter_no_change} consecutive epochs; stopping.")
                stopped = True
                break
        if validation is not None and stopper.best_params_ is not None:
            best_params, best_stats = stopper.best_params_
            np.copyto(params, best_params)
            np.copyto(stats, best_stats)
        if not incremental and not stopped:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached "
                "and the optimization has not converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        if not np.isfinite(params).all():
            raise ValueError(
                "The optimizer produced non-finite weights; lower learning_rate_init "
                "or scale the input features."
            )

    def _bind(self, network):
        """Expose the network's parameter views as the fitted attributes."""
        self.coefs_ = network.coefs
        self.intercepts_ = network.intercepts
        self.bn_gammas_ = network.gammas
        self.bn_betas_ = network.betas
        self.bn_running_means_ = network.running_means
        self.bn_running_vars_ = network.running_vars

    # ---------------------------------------------------------- prediction

    def _forward(self, X):
        """Output-layer pre-activation for new data."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False
        )
        X = X.astype(self.coefs_[0].dtype, copy=False)
        network = self._predict_network()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return network.forward_predict(
                X,
                self.coefs_,
                self.intercepts_,
                self.bn_gammas_,
                self.bn_betas_,
                self.bn_running_means_,
                self.bn_running_vars_,
            )

    def _predict_network(self):
        units = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
        return _Network(
            units, self.activation, self.negative_slope, self.out_activation_,
            [0.0] * (len(units) - 2), bool(self.bn_gammas_), self.coefs_[0].dtype,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class _Epochs:
    """One pass over the training data in mini-batches, on reused buffers."""

    def __init__(self, network, optimizer, X, Y, sample_weight, batch_size, rng,
                 alpha, l1, clip_norm):
        self.network, self.optimizer = network, optimizer
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self.dense = not sp.issparse(X)
        self.X_buf = (
            np.empty((batch_size, X.shape[1]), dtype=X.dtype) if self.dense else None
        )
        self.Y_buf = np.empty((batch_size, Y.shape[1]), dtype=Y.dtype)
        self.w_buf = np.empty(batch_size, dtype=sample_weight.dtype)
        self.draw_masks = rng if any(p > 0 for p in network.dropout) else None
        self.alpha, self.l1, self.clip_norm = float(alpha), float(l1), clip_norm
        self.total_weight = float(sample_weight.sum())

    def run(self, order=None):
        """Train on every batch once, in ``order`` (None: as stored); return the
        weighted mean of the batch objectives (NaN without any weight)."""
        X, Y, sample_weight = self.X, self.Y, self.sample_weight
        network, optimizer = self.network, self.optimizer
        params, grads = [network.params], [network.grads]
        flat_grads, clip_norm = network.grads, self.clip_norm
        accumulated = 0.0
        n_samples = X.shape[0]
        for start in range(0, n_samples, self.batch_size):
            stop = min(start + self.batch_size, n_samples)
            if order is None:
                Xb, Yb, wb = X[start:stop], Y[start:stop], sample_weight[start:stop]
            else:
                m, idx = stop - start, order[start:stop]
                if self.dense:
                    Xb = np.take(X, idx, axis=0, out=self.X_buf[:m], mode="clip")
                else:
                    Xb = X[idx]
                Yb = np.take(Y, idx, axis=0, out=self.Y_buf[:m], mode="clip")
                wb = np.take(sample_weight, idx, out=self.w_buf[:m], mode="clip")
            batch_weight = float(wb.sum())
            loss = network.loss_grad(
                Xb, Yb, wb, alpha=self.alpha, l1=self.l1,
                random_state=self.draw_masks, weight_sum=batch_weight,
            )
            if loss is None:
                continue
            accumulated += loss * batch_weight
            if clip_norm is not None:
                norm = math.sqrt(float(np.dot(flat_grads, flat_grads)))
                if norm > clip_norm:
                    flat_grads *= clip_norm / norm
            optimizer.update(params, grads)
        if not self.total_weight > 0:
            return math.nan
        return accumulated / self.total_weight
