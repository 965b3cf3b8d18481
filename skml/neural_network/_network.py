# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""A fully connected network: parameter layout, forward and backward passes.

All trainable parameters live in ONE flat array (weights of every layer first,
then intercepts, then the batch-normalisation scales and shifts), and the
gradient in another flat array of the same layout; per-layer arrays are views of
them. The optimizer therefore updates a single array per step, and the L1/L2
penalties and the gradient clipping act on contiguous slices.

:meth:`_Network.allocate` creates every per-batch buffer once, for the largest
batch; :meth:`_Network.loss_grad` then runs forward and backward passes on
row-prefix views of them (``buffer[:n]``) with ``out=`` arguments only: matrix
products (BLAS), in-place activations and in-place reductions, no allocation
(except for sparse input, whose first layer goes through scipy).

Batch normalisation (Ioffe and Szegedy) normalises a hidden layer's
pre-activation with the (weighted) batch mean and variance during training and
with running averages (momentum ``BN_MOMENTUM``) at prediction. Inverted dropout
zeroes a hidden unit's output with probability ``p`` and scales the others by
``1 / (1 - p)`` during training only.
"""

import numpy as np
import scipy.sparse as sp

from skml.neural_network._activations import get_activation, xavier_bound
from skml.neural_network._losses import get_loss
from skml.utils._sklearn import safe_sparse_dot

BN_MOMENTUM = 0.1
BN_EPSILON = 1e-5


class _Network:
    """Layout, initialisation and passes of a multilayer perceptron.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activation : str
        Hidden activation name.
    negative_slope : float
        Slope of ``"leaky_relu"`` for negative inputs.
    out_activation : {"softmax", "logistic", "identity"}
        Output activation, which fixes the loss.
    dropout : list of float
        Dropout rate of each hidden layer.
    batch_norm : bool
        Whether hidden layers are batch-normalised.
    dtype : dtype
        float32 or float64, for parameters and buffers.
    weight_init : {"auto", "he", "xavier"}
        Initialisation rule of the hidden layers' weights.
    """

    def __init__(self, layer_units, activation, negative_slope, out_activation,
                 dropout, batch_norm, dtype, weight_init="auto"):
        self.weight_init = weight_init
        self.layer_units = list(layer_units)
        self.n_layers = len(layer_units) - 1
        self.activation = get_activation(activation, negative_slope)
        self.loss = get_loss(out_activation)
        self.dropout = [float(p) for p in dropout]
        self.batch_norm = bool(batch_norm)
        self.dtype = np.dtype(dtype)
        hidden = self.layer_units[1:-1]
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.coef_shapes = shapes
        # (start, stop, shape) of each view, in flat order.
        layout, start = [], 0
        for shape in shapes:
            layout.append((start, start + shape[0] * shape[1], shape))
            start = layout[-1][1]
        self.n_coefs = start
        for units in self.layer_units[1:]:
            layout.append((start, start + units, (units,)))
            start = layout[-1][1]
        if self.batch_norm:
            for units in hidden * 2:  # scales, then shifts
                layout.append((start, start + units, (units,)))
                start = layout[-1][1]
        self.n_params = start
        self._layout = layout
        self.n_stats = 2 * sum(hidden) if self.batch_norm else 0

    # ------------------------------------------------------------ parameters

    def views(self, flat):
        """Split a flat parameter (or gradient) array into per-layer views:
        ``(coefs, intercepts, gammas, betas)``."""
        views = [flat[a:b].reshape(shape) for a, b, shape in self._layout]
        n = self.n_layers
        n_hidden = n - 1
        coefs, intercepts = views[:n], views[n:2 * n]
        if self.batch_norm:
            gammas = views[2 * n:2 * n + n_hidden]
            betas = views[2 * n + n_hidden:]
        else:
            gammas = betas = []
        return coefs, intercepts, gammas, betas

    def stats_views(self, stats):
        """Split the flat running statistics into ``(means, variances)``."""
        hidden = self.layer_units[1:-1]
        bounds = np.cumsum([0] + hidden * 2)
        views = [stats[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        return views[: len(hidden)], views[len(hidden):]

    def init_params(self, random_state):
        """Draw initial parameters into a new flat array, and initial running
        statistics (mean 0, variance 1)."""
        flat = np.zeros(self.n_params, dtype=self.dtype)
        coefs, _, gammas, _ = self.views(flat)
        for i, coef in enumerate(coefs):
            fan_in, fan_out = coef.shape
            if i < self.n_layers - 1:
                bound = self.activation.init_bound(fan_in, fan_out, self.weight_init)
            else:  # the output layer: not followed by the hidden activation
                bound = xavier_bound(fan_in, fan_out)
            coef[...] = random_state.uniform(-bound, bound, coef.shape)
        for gamma in gammas:
            gamma.fill(1.0)
        stats = np.zeros(self.n_stats, dtype=self.dtype)
        for var in self.stats_views(stats)[1]:
            var.fill(1.0)
        return flat, stats

    def pack(self, coefs, intercepts, gammas=(), betas=()):
        """Copy per-layer arrays into a new flat array of this layout."""
        flat = np.empty(self.n_params, dtype=self.dtype)
        arrays = [*coefs, *intercepts, *gammas, *betas]
        views = [view for group in self.views(flat) for view in group]
        if len(arrays) != len(views):
            raise ValueError("The arrays do not match the network's layout.")
        for view, array in zip(views, arrays):
            view[...] = array
        return flat

    # ------------------------------------------------------------- buffers

    def allocate(self, batch_size, params, grads, stats):
        """Bind the parameter, gradient and statistics arrays and allocate the
        per-batch buffers for batches of up to ``batch_size`` rows."""
        self.params, self.grads, self.stats = params, grads, stats
        self.coefs, self.intercepts, self.gammas, self.betas = self.views(params)
        (self.g_coefs, self.g_intercepts, self.g_gammas,
         self.g_betas) = self.views(grads)
        self.running_means, self.running_vars = (
            self.stats_views(stats) if self.batch_norm else ([], [])
        )
        dtype = self.dtype
        hidden = self.layer_units[1:-1]

        def new(width):
            return np.empty((batch_size, width), dtype=dtype)

        # Z: pre-activation (with batch norm: the normalised x_hat);
        # A: activation (the same buffer as Z without batch norm);
        # A_drop: the output after dropout; dA: gradient w.r.t. the output.
        self._Z = [new(h) for h in hidden] + [new(self.layer_units[-1])]
        self._A = [new(h) if self.batch_norm else z for h, z in zip(hidden, self._Z)]
        self._masks = [new(h) if p > 0 else None for h, p in zip(hidden, self.dropout)]
        self._A_drop = [new(h) if p > 0 else None for h, p in zip(hidden, self.dropout)]
        self._dA = [new(h) for h in hidden]
        self._scratch = [new(h) for h in hidden]
        self._delta_out = new(self.layer_units[-1])
        self._r = np.empty(batch_size, dtype=dtype)
        self._mean = [np.empty(h, dtype=dtype) for h in hidden]
        self._inv_std = [np.empty(h, dtype=dtype) for h in hidden]
        self._vec = [np.empty(h, dtype=dtype) for h in hidden]
        self._vec2 = [np.empty(h, dtype=dtype) for h in hidden]
        self._coef_scratch = np.empty(self.n_coefs, dtype=dtype)
        self.loss.allocate(batch_size, self.layer_units[-1], dtype)
        return self

    # ------------------------------------------------------------- training

    def draw_masks(self, random_state, n):
        """Draw the dropout masks of a batch of ``n`` rows into their buffers."""
        for mask, p in zip(self._masks, self.dropout):
            if mask is None:
                continue
            mask = mask[:n]
            random_state.random(out=mask, dtype=self.dtype.type)
            np.greater_equal(mask, p, out=mask)
            mask *= 1.0 / (1.0 - p)

    def loss_grad(self, X, Y, sample_weight, alpha=0.0, l1=0.0, random_state=None,
                  update_stats=True, weight_sum=None):
        """Forward and backward pass on one batch.

        Writes the gradient into ``self.grads`` and returns the batch objective:
        the weighted mean loss plus ``(alpha / 2 ||W||^2 + l1 ||W||_1) / S``
        over the weights ``W`` (not intercepts), with ``S`` the batch's sum of
        sample weights (its size, without weights), as scikit-learn's MLP.
        Returns None (and leaves the gradient alone) when ``S`` is 0.

        ``random_state`` (a Generator) draws new dropout masks; None keeps the
        masks already in the buffers. ``update_stats`` updates the batch-norm
        running statistics. ``weight_sum`` is ``sample_weight.sum()``, if known.
        """
        n = X.shape[0]
        if weight_sum is None:
            weight_sum = float(sample_weight.sum())
        if not weight_sum > 0:
            return None
        r = np.multiply(sample_weight, 1.0 / weight_sum, out=self._r[:n])
        if random_state is not None:
            self.draw_masks(random_state, n)
        act = self.activation
        n_hidden = self.n_layers - 1
        sparse_input = sp.issparse(X)
        inputs = [X]
        # ---------------------------------------------------------- forward
        for i in range(self.n_layers):
            Z = self._Z[i][:n]
            if i == 0 and sparse_input:
                Z[...] = safe_sparse_dot(inputs[i], self.coefs[i])
            else:
                np.matmul(inputs[i], self.coefs[i], out=Z)
            Z += self.intercepts[i]
            if i == n_hidden:
                break
            A = self._A[i][:n]
            if self.batch_norm:
                self._batch_norm_forward(i, Z, A, r, update_stats)
                act.forward(A, out=A, scratch=self._scratch[i][:n])
            else:
                act.forward(Z, out=A, scratch=self._scratch[i][:n])
            if self._masks[i] is not None:
                A = np.multiply(A, self._masks[i][:n], out=self._A_drop[i][:n])
            inputs.append(A)
        delta = self._delta_out[:n]
        loss = self.loss.loss_grad(Z, Y, r, delta)
        # --------------------------------------------------------- backward
        for i in range(self.n_layers - 1, -1, -1):
            if i == 0 and sparse_input:
                self.g_coefs[i][...] = safe_sparse_dot(inputs[i].T, delta)
            else:
                np.matmul(inputs[i].T, delta, out=self.g_coefs[i])
            np.add.reduce(delta, axis=0, out=self.g_intercepts[i])
            if i == 0:
                break
            j = i - 1  # the hidden layer below
            dA = np.matmul(delta, self.coefs[i].T, out=self._dA[j][:n])
            if self._masks[j] is not None:
                dA *= self._masks[j][:n]
            act.backward(self._A[j][:n], dA, scratch=self._scratch[j][:n])
            if self.batch_norm:
                self._batch_norm_backward(j, dA, r)
            delta = dA
        # -------------------------------------------------------- penalties
        if alpha or l1:
            coefs, g_coefs = self.params[: self.n_coefs], self.grads[: self.n_coefs]
            scratch = self._coef_scratch
            if alpha:
                scale = alpha / weight_sum
                loss += 0.5 * scale * float(np.dot(coefs, coefs))
                np.multiply(coefs, scale, out=scratch)
                g_coefs += scratch
            if l1:
                scale = l1 / weight_sum
                loss += scale * float(np.abs(coefs, out=scratch).sum())
                np.sign(coefs, out=scratch)
                scratch *= scale
                g_coefs += scratch
        return loss

    def _batch_norm_forward(self, i, Z, out, r, update_stats):
        """Normalise ``Z`` in place into x_hat (weighted by ``r``); write
        ``gamma x_hat + beta`` into ``out``."""
        mean, inv_std = self._mean[i], self._inv_std[i]
        np.matmul(r, Z, out=mean)
        Z -= mean
        np.multiply(Z, Z, out=out)
        var = np.matmul(r, out, out=inv_std)
        # A one-row batch has no spread: it would drag the running variance to 0.
        if update_stats and Z.shape[0] > 1:
            running_mean, running_var = self.running_means[i], self.running_vars[i]
            step = self._vec[i]
            running_mean *= 1.0 - BN_MOMENTUM
            running_mean += np.multiply(mean, BN_MOMENTUM, out=step)
            running_var *= 1.0 - BN_MOMENTUM
            running_var += np.multiply(var, BN_MOMENTUM, out=step)
        var += BN_EPSILON
        np.sqrt(var, out=inv_std)
        np.divide(1.0, inv_std, out=inv_std)
        Z *= inv_std
        np.multiply(Z, self.gammas[i], out=out)
        out += self.betas[i]

    def _batch_norm_backward(self, i, dH, r):
        """Gradients of the scale and shift; turn ``dH`` (w.r.t. the layer's
        normalised output) in place into the gradient w.r.t. its pre-activation.

        With ``x_hat = (z - mu) s``, weighted statistics ``mu = sum_k r_k z_k``
        and ``s^-2 = sum_k r_k (z_k - mu)^2 + eps``, and ``g = gamma dH``:
        ``dz_i = s (g_i - r_i sum_k g_k - r_i x_hat_i sum_k g_k x_hat_k)``.
        """
        n = dH.shape[0]
        x_hat, scratch = self._Z[i][:n], self._scratch[i][:n]
        gamma = self.gammas[i]
        sum_g, sum_gx = self._vec[i], self._vec2[i]
        np.multiply(dH, x_hat, out=scratch)
        np.add.reduce(scratch, axis=0, out=self.g_gammas[i])
        np.add.reduce(dH, axis=0, out=self.g_betas[i])
        np.multiply(self.g_betas[i], gamma, out=sum_g)
        np.multiply(self.g_gammas[i], gamma, out=sum_gx)
        dH *= gamma
        np.multiply(x_hat, sum_gx, out=scratch)
        scratch += sum_g
        scratch *= r[:, None]
        dH -= scratch
        dH *= self._inv_std[i]

    # ----------------------------------------------------------- prediction

    def forward_predict(self, X, coefs, intercepts, gammas=(), betas=(),
                        running_means=(), running_vars=()):
        """Output-layer pre-activation for ``X`` (no dropout; batch norm with the
        running statistics). Allocates; for prediction."""
        A = X
        for i, (coef, intercept) in enumerate(zip(coefs, intercepts)):
            Z = safe_sparse_dot(A, coef)
            Z += intercept
            if i == len(coefs) - 1:
                return Z
            if self.batch_norm:
                scale = gammas[i] / np.sqrt(running_vars[i] + BN_EPSILON)
                Z -= running_means[i]
                Z *= scale
                Z += betas[i]
            A = self.activation.forward(Z, out=Z)
        return A

