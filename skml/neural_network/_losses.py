# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Output activations paired with their canonical losses.

Each pair has the gradient ``p - y`` with respect to the output layer's
pre-activation ``z``: softmax with the categorical cross-entropy (multiclass),
the logistic function with the binary cross-entropy (binary and multilabel), the
identity with half the squared error (regression).

``loss_grad(Z, Y, r, delta)`` computes, for a batch, the weighted mean loss
``sum_i r_i l_i`` (``r`` holds the sample weights divided by their sum) and
writes ``delta_i = r_i (p_i - y_i)``. It may overwrite ``Z``. The loss objects own
the scratch buffers of that computation, allocated once for the batch size.
"""

import numpy as np
from scipy.special import expit, log_expit


class _OutputLoss:
    """Base: scratch buffers of ``(batch_size, n_outputs)`` and ``(batch_size,)``."""

    out_activation = None

    def allocate(self, batch_size, n_outputs, dtype):
        self._matrix = np.empty((batch_size, n_outputs), dtype=dtype)
        self._matrix2 = np.empty((batch_size, n_outputs), dtype=dtype)
        self._vector = np.empty(batch_size, dtype=dtype)
        self._vector2 = np.empty(batch_size, dtype=dtype)
        return self


class _SoftmaxCrossEntropy(_OutputLoss):
    out_activation = "softmax"

    def loss_grad(self, Z, Y, r, delta):
        n = Z.shape[0]
        row_max, log_norm = self._vector[:n], self._vector2[:n]
        scratch = self._matrix[:n]
        np.maximum.reduce(Z, axis=1, out=row_max)
        Z -= row_max[:, None]
        np.exp(Z, out=delta)
        np.add.reduce(delta, axis=1, out=log_norm)
        delta /= log_norm[:, None]  # the probabilities
        np.log(log_norm, out=log_norm)
        # -log p(true class) = log_norm - z_true (on the shifted z).
        np.multiply(Z, Y, out=scratch)
        np.add.reduce(scratch, axis=1, out=row_max)
        np.subtract(log_norm, row_max, out=log_norm)
        loss = float(np.dot(r, log_norm))
        delta -= Y
        delta *= r[:, None]
        return loss

    @staticmethod
    def predict(Z):
        Z = Z - Z.max(axis=1, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=1, keepdims=True)
        return Z

    @staticmethod
    def predict_log(Z):
        Z = Z - Z.max(axis=1, keepdims=True)
        Z -= np.log(np.exp(Z).sum(axis=1, keepdims=True))
        return Z


class _LogisticCrossEntropy(_OutputLoss):
    out_activation = "logistic"

    def loss_grad(self, Z, Y, r, delta):
        n = Z.shape[0]
        softplus, yz = self._matrix[:n], self._matrix2[:n]
        per_sample = self._vector[:n]
        # log(1 + exp(z)) - y z = max(z, 0) + log1p(exp(-|z|)) - y z
        np.multiply(Y, Z, out=yz)
        np.abs(Z, out=softplus)
        np.negative(softplus, out=softplus)
        np.exp(softplus, out=softplus)
        np.log1p(softplus, out=softplus)
        softplus -= yz
        np.maximum(Z, 0.0, out=yz)
        softplus += yz
        np.add.reduce(softplus, axis=1, out=per_sample)
        loss = float(np.dot(r, per_sample))
        expit(Z, out=delta)
        delta -= Y
        delta *= r[:, None]
        return loss

    @staticmethod
    def predict(Z):
        return expit(Z)

    @staticmethod
    def predict_log(Z):
        return log_expit(Z)


class _SquaredError(_OutputLoss):
    out_activation = "identity"

    def loss_grad(self, Z, Y, r, delta):
        n = Z.shape[0]
        squares, per_sample = self._matrix[:n], self._vector[:n]
        np.subtract(Z, Y, out=delta)
        np.multiply(delta, delta, out=squares)
        np.add.reduce(squares, axis=1, out=per_sample)
        loss = 0.5 * float(np.dot(r, per_sample))
        delta *= r[:, None]
        return loss

    @staticmethod
    def predict(Z):
        return Z


def get_loss(out_activation):
    """Return a fresh loss object for an output activation name."""
    return {
        "softmax": _SoftmaxCrossEntropy,
        "logistic": _LogisticCrossEntropy,
        "identity": _SquaredError,
    }[out_activation]()
