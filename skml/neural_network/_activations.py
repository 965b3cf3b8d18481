# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Hidden-layer activations, applied in place.

``forward(Z, out, scratch)`` writes ``f(Z)`` into ``out`` (which may be ``Z``);
``backward(A, delta, scratch)`` multiplies ``delta`` in place by ``f'(z)``,
computed from the activation's output ``A = f(z)`` alone, so the pre-activation
need not be kept. ``scratch`` is an array of ``A``'s shape and dtype whose
content is overwritten; ``None`` allocates one (prediction paths only).
"""

import math

import numpy as np
from scipy.special import expit


def _scratch(array, scratch):
    return np.empty_like(array) if scratch is None else scratch


def xavier_bound(fan_in, fan_out):
    """Glorot and Bengio's (Xavier) uniform bound, ``sqrt(6 / (fan_in + fan_out))``."""
    return math.sqrt(6.0 / (fan_in + fan_out))


class _Activation:
    """Base: an element-wise activation with its initialisation rules."""

    name = None
    # Whether "auto" initialisation uses He et al.'s rule (the rectifiers).
    rectifier = False
    # He et al.'s gain: the weight variance is gain / fan_in.
    he_gain = 2.0

    def init_bound(self, fan_in, fan_out, rule="auto"):
        """Half-width of the uniform initialisation of a hidden layer's weights.

        ``rule="auto"`` is He et al.'s rule for the rectifiers (variance
        ``he_gain / fan_in``) and Glorot and Bengio's otherwise.
        """
        if rule == "he" or (rule == "auto" and self.rectifier):
            return math.sqrt(3.0 * self.he_gain / fan_in)
        return xavier_bound(fan_in, fan_out)


class _Identity(_Activation):
    name = "identity"

    def forward(self, Z, out, scratch=None):
        if out is not Z:
            np.copyto(out, Z)
        return out

    def backward(self, A, delta, scratch=None):
        return delta


class _ReLU(_Activation):
    name = "relu"
    rectifier = True

    def forward(self, Z, out, scratch=None):
        return np.maximum(Z, 0.0, out=out)

    def backward(self, A, delta, scratch=None):
        # A >= 0, so sign(A) is the 0/1 derivative (0 at the kink).
        scratch = np.sign(A, out=_scratch(A, scratch))
        delta *= scratch
        return delta


class _LeakyReLU(_Activation):
    name = "leaky_relu"

    rectifier = True

    def __init__(self, negative_slope):
        self.negative_slope = float(negative_slope)
        self.he_gain = 2.0 / (1.0 + self.negative_slope**2)

    def forward(self, Z, out, scratch=None):
        # max(z, s z) for 0 <= s < 1.
        scratch = np.multiply(Z, self.negative_slope, out=_scratch(Z, scratch))
        return np.maximum(Z, scratch, out=out)

    def backward(self, A, delta, scratch=None):
        # f(z) > 0 exactly where z > 0 (for s > 0, and for s = 0 the derivative
        # is 0 there anyway): the derivative is s + (1 - s) [A > 0].
        slope = self.negative_slope
        scratch = np.greater(A, 0.0, out=_scratch(A, scratch))
        scratch *= 1.0 - slope
        scratch += slope
        delta *= scratch
        return delta


class _Tanh(_Activation):
    name = "tanh"

    def forward(self, Z, out, scratch=None):
        return np.tanh(Z, out=out)

    def backward(self, A, delta, scratch=None):
        scratch = np.multiply(A, A, out=_scratch(A, scratch))
        np.subtract(1.0, scratch, out=scratch)
        delta *= scratch
        return delta


class _Logistic(_Activation):
    name = "logistic"

    def forward(self, Z, out, scratch=None):
        return expit(Z, out=out)

    def backward(self, A, delta, scratch=None):
        scratch = np.subtract(1.0, A, out=_scratch(A, scratch))
        scratch *= A
        delta *= scratch
        return delta


ACTIVATIONS = ("identity", "logistic", "tanh", "relu", "leaky_relu")


def get_activation(name, negative_slope=0.01):
    """Return the activation object named ``name``."""
    if name == "leaky_relu":
        return _LeakyReLU(negative_slope)
    return {
        "identity": _Identity,
        "logistic": _Logistic,
        "tanh": _Tanh,
        "relu": _ReLU,
    }[name]()
