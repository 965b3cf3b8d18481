# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""First-order optimizers that update a list of NumPy arrays in place.

Every optimizer keeps its state (step count, velocities, moment estimates) as
public attributes ending in ``_``, one array per parameter array, so that a model
can be pickled and trained further (warm start) with the state it had. The
per-step work is a fixed sequence of in-place ufunc calls on each array, through
one scratch array per parameter: no array is allocated after the first step.
"""

import math
from numbers import Integral, Real

import numpy as np

__all__ = ["SGD", "Adam", "AdamW", "Momentum", "Nesterov", "Optimizer", "RMSprop"]


def _check_real(name, value, low, high=None, *, low_open=False, high_open=True):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = high is not None and (value >= high if high_open else value > high)
    if not math.isfinite(value) or too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open or high is None else "]"
        upper = "inf" if high is None else high
        raise ValueError(
            f"{name} must be in the range {left}{low}, {upper}{right}, got {value!r}."
        )
    return value


class Optimizer:
    """Base class of the in-place first-order optimizers.

    Subclasses implement ``_step(params, grads, scratch)`` with the update rule
    and name their state arrays in ``_state_names``.

    Parameters
    ----------
    learning_rate : float
        Step size. Schedules and estimators change it between steps by setting
        the attribute.

    Attributes
    ----------
    t_ : int
        Number of steps taken.

    See Also
    --------
    Adam : The default optimizer of the MLP estimators.

    Examples
    --------
    A sign-SGD optimizer, written as a subclass:

    >>> import numpy as np
    >>> from skml.neural_network.optimizers import Optimizer
    >>> class SignSGD(Optimizer):
    ...     def _step(self, params, grads, scratch):
    ...         for param, grad, s in zip(params, grads, scratch):
    ...             np.sign(grad, out=s)
    ...             param -= self.learning_rate * s
    >>> w = np.array([1.0, 1.0])
    >>> _ = SignSGD(learning_rate=0.5).update([w], [np.array([3.0, -0.1])])
    >>> w
    array([0.5, 1.5])
    """

    # Names of the per-parameter state lists (besides the step count ``t_``).
    _state_names = ()

    def __init__(self, learning_rate):
        self.learning_rate = _check_real(
            "learning_rate", learning_rate, 0.0, low_open=True, high_open=False
        )
        self.t_ = 0
        for name in self._state_names:
            setattr(self, name, None)
        self._scratch = None

    def update(self, params, grads):
        """Update the parameters in place by one step.

        Parameters
        ----------
        params : list of ndarray
            Floating-point parameter arrays, modified in place. The same list
            of shapes must be passed at every step.

        grads : list of ndarray
            Gradients of the objective with respect to ``params``, same shapes
            and dtypes. They are not modified.

        Returns
        -------
        self : object
            The optimizer, with its state advanced by one step.
        """
        if len(params) != len(grads):
            raise ValueError(
                f"params and grads must have the same length, got {len(params)} "
                f"and {len(grads)}."
            )
        scratch = self._scratch
        if scratch is None or len(scratch) != len(params) or any(
            s.shape != p.shape or s.dtype != p.dtype for s, p in zip(scratch, params)
        ):
            scratch = self._prepare(params, grads)
        self.t_ += 1
        self._step(params, grads, scratch)
        return self

    def _prepare(self, params, grads):
        """Check the arrays, create or check the state, allocate scratch."""
        for i, (param, grad) in enumerate(zip(params, grads)):
            if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
                raise TypeError(
                    f"params[{i}] must be a floating-point ndarray, got "
                    f"{type(param).__name__} of dtype {getattr(param, 'dtype', None)}."
                )
            if not param.flags.writeable:
                raise ValueError(f"params[{i}] is read-only; it is updated in place.")
            if np.shape(grad) != param.shape:
                raise ValueError(
                    f"grads[{i}] has shape {np.shape(grad)}, params[{i}] has shape "
                    f"{param.shape}."
                )
        for name in self._state_names:
            state = getattr(self, name)
            if state is None:
                setattr(self, name, [np.zeros_like(p) for p in params])
            elif len(state) != len(params) or any(
                s.shape != p.shape for s, p in zip(state, params)
            ):
                raise ValueError(
                    f"The optimizer state {name} has shapes "
                    f"{[s.shape for s in state]}, the parameters have shapes "
                    f"{[p.shape for p in params]}; call reset() to start afresh."
                )
            else:
                setattr(self, name, [s.astype(p.dtype, copy=False) for s, p in
                                     zip(state, params)])
        self._scratch = [np.empty_like(p) for p in params]
        return self._scratch

    def reset(self):
        """Forget the state: the next step is a first step.

        Returns
        -------
        self : object
            The optimizer, with its step count and state cleared.
        """
        self.t_ = 0
        for name in self._state_names:
            setattr(self, name, None)
        self._scratch = None
        return self

    def get_state(self):
        """Return a copy of the optimizer's state.

        Returns
        -------
        state : dict
            ``"t"`` (the number of steps taken) and one list of arrays per state
            variable (None before the first step).
        """
        state = {"t": self.t_}
        for name in self._state_names:
            arrays = getattr(self, name)
            state[name.rstrip("_")] = (
                None if arrays is None else [a.copy() for a in arrays]
            )
        return state

    def set_state(self, state):
        """Restore a state returned by :meth:`get_state`.

        Parameters
        ----------
        state : dict
            As returned by :meth:`get_state` of an optimizer of the same class.

        Returns
        -------
        self : object
            The optimizer, with the given state.
        """
        expected = {"t"} | {name.rstrip("_") for name in self._state_names}
        if not isinstance(state, dict) or set(state) != expected:
            got = sorted(state) if isinstance(state, dict) else type(state).__name__
            raise ValueError(
                f"state must be a dict with keys {sorted(expected)}, got {got}."
            )
        t = state["t"]
        if isinstance(t, bool) or not isinstance(t, Integral) or t < 0:
            raise ValueError(f"state['t'] must be a non-negative integer, got {t!r}.")
        arrays = {}
        for name in self._state_names:
            value = state[name.rstrip("_")]
            if value is not None:
                value = [np.array(a, dtype=np.result_type(a, np.float32))
                         for a in value]
                if any(a.dtype.kind != "f" for a in value):
                    raise ValueError(f"state[{name.rstrip('_')!r}] must hold "
                                     "floating-point arrays.")
            arrays[name] = value
        self.t_ = int(t)
        for name, value in arrays.items():
            setattr(self, name, value)
        self._scratch = None
        return self

    def _hyperparameters(self):
        names = ["learning_rate"] + [
            name for name in vars(self)
            if not name.endswith("_") and not name.startswith("_")
            and name != "learning_rate"
        ]
        return {name: getattr(self, name) for name in names}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_scratch"] = None  # rebuilt at the next step
        return state

    def _step(self, params, grads, scratch):
        raise NotImplementedError


class SGD(Optimizer):
    """Plain stochastic gradient descent.

    Each step sets ``param -= learning_rate * grad``.

    Read more in the :ref:`User Guide <neural_network_optimizers>`.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Step size.

    Attributes
    ----------
    t_ : int
        Number of steps taken.

    See Also
    --------
    Momentum : SGD with heavy-ball momentum.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neural_network.optimizers import SGD
    >>> w = np.array([1.0, -2.0])
    >>> _ = SGD(learning_rate=0.1).update([w], [np.array([1.0, 1.0])])
    >>> w
    array([ 0.9, -2.1])
    """

    def __init__(self, learning_rate=0.01):
        super().__init__(learning_rate)

    def _step(self, params, grads, scratch):
        lr = self.learning_rate
        for param, grad, s in zip(params, grads, scratch):
            np.multiply(grad, lr, out=s)
            param -= s


class Momentum(Optimizer):
    """Stochastic gradient descent with (heavy-ball) momentum.

    Each step sets ``velocity = momentum * velocity - learning_rate * grad`` and
    ``param += velocity``; the velocity starts at zero.

    Read more in the :ref:`User Guide <neural_network_optimizers>`.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Step size.

    momentum : float, default=0.9
        Fraction of the previous velocity kept, in ``[0, 1)``.

    Attributes
    ----------
    t_ : int
        Number of steps taken.

    velocities_ : list of ndarray or None
        One velocity per parameter array (None before the first step).

    See Also
    --------
    Nesterov : The look-ahead variant of momentum.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neural_network.optimizers import Momentum
    >>> w = np.array([1.0])
    >>> opt = Momentum(learning_rate=0.1, momentum=0.5)
    >>> for _ in range(2):
    ...     _ = opt.update([w], [np.array([1.0])])
    >>> w
    array([0.75])
    """

    _state_names = ("velocities_",)

    def __init__(self, learning_rate=0.01, momentum=0.9):
        super().__init__(learning_rate)
        self.momentum = _check_real("momentum", momentum, 0.0, 1.0)

    def _step(self, params, grads, scratch):
        lr, mu = self.learning_rate, self.momentum
        for param, grad, v, s in zip(params, grads, self.velocities_, scratch):
            v *= mu
            np.multiply(grad, lr, out=s)
            v -= s
            param += v


class Nesterov(Optimizer):
    """Stochastic gradient descent with Nesterov's accelerated momentum.

    Each step sets ``velocity = momentum * velocity - learning_rate * grad`` and
    ``param += momentum * velocity - learning_rate * grad`` (the gradient is
    taken at the current parameters, as in Sutskever et al., 2013).

    Read more in the :ref:`User Guide <neural_network_optimizers>`.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Step size.

    momentum : float, default=0.9
        Fraction of the previous velocity kept, in ``[0, 1)``.

    Attributes
    ----------
    t_ : int
        Number of steps taken.

    velocities_ : list of ndarray or None
        One velocity per parameter array (None before the first step).

    See Also
    --------
    Momentum : Heavy-ball momentum.

    References
    ----------
    I. Sutskever, J. Martens, G. Dahl and G. Hinton (2013). On the importance of
    initialization and momentum in deep learning. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neural_network.optimizers import Nesterov
    >>> w = np.array([1.0])
    >>> _ = Nesterov(learning_rate=0.1, momentum=0.5).update([w], [np.array([1.0])])
    >>> w
    array([0.85])
    """

    _state_names = ("velocities_",)

    def __init__(self, learning_rate=0.01, momentum=0.9):
        super().__init__(learning_rate)
        self.momentum = _check_real("momentum", momentum, 0.0, 1.0)

    def _step(self, params, grads, scratch):
        lr, mu = self.learning_rate, self.momentum
        for param, grad, v, s in zip(params, grads, self.velocities_, scratch):
            v *= mu
            np.multiply(grad, lr, out=s)
            v -= s
            param -= s
            np.multiply(v, mu, out=s)
            param += s


class RMSprop(Optimizer):
    """RMSprop: steps scaled by a running root mean square of the gradients.

    Each step sets ``square_avg = rho * square_avg + (1 - rho) * grad**2`` and
    ``param -= learning_rate * grad / (sqrt(square_avg) + epsilon)``; the average
    starts at zero.

    Read more in the :ref:`User Guide <neural_network_optimizers>`.

    Parameters
    ----------
    learning_rate : float, default=0.001
        Step size.

    rho : float, default=0.9
        Decay of the running average of squared gradients, in ``[0, 1)``.

    epsilon : float, default=1e-8
        Added to the root mean square, for numerical stability.

    Attributes
    ----------
    t_ : int
        Number of steps taken.

    square_avgs_ : list of ndarray or None
        One running average of squared gradients per parameter array (None
        before the first step).

    See Also
    --------
    Adam : RMSprop with momentum and bias correction.

    References
    ----------
    T. Tieleman and G. Hinton (2012). Lecture 6.5, RMSprop. COURSERA: Neural
    Networks for Machine Learning.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neural_network.optimizers import RMSprop
    >>> w = np.array([1.0])
    >>> opt = RMSprop(learning_rate=0.01, rho=0.75, epsilon=0.0)
    >>> _ = opt.update([w], [np.array([3.0])])
    >>> w
    array([0.98])
    """

    _state_names = ("square_avgs_",)

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-8):
        super().__init__(learning_rate)
        self.rho = _check_real("rho", rho, 0.0, 1.0)
        self.epsilon = _check_real("epsilon", epsilon, 0.0)

    def _step(self, params, grads, scratch):
        lr, rho, eps = self.learning_rate, self.rho, self.epsilon
        for param, grad, sq, s in zip(params, grads, self.square_avgs_, scratch):
            sq *= rho
            np.multiply(grad, grad, out=s)
            s *= 1.0 - rho
            sq += s
            np.sqrt(sq, out=s)
            s += eps
            np.divide(grad, s, out=s)
            s *= lr
            param -= s


class Adam(Optimizer):
    """Adam: adaptive moment estimation with bias correction.

    Each step ``t`` (from 1) sets ``m = beta_1 * m + (1 - beta_1) * grad``,
    ``v = beta_2 * v + (1 - beta_2) * grad**2`` and
    ``param -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)`` with the
    bias-corrected ``m_hat = m / (1 - beta_1**t)`` and
    ``v_hat = v / (1 - beta_2**t)`` (Algorithm 1 of Kingma and Ba, exactly).

    Read more in the :ref:`User Guide <neural_network_optimizers>`.

    Parameters
    ----------
    learning_rate : float, default=0.001
        Step size.

    beta_1 : float, default=0.9
        Decay of the first-moment estimate, in ``[0, 1)``.

    beta_2 : float, default=0.999
        Decay of the second-moment estimate, in ``[0, 1)``.

    epsilon : float, default=1e-8
        Added to ``sqrt(v_hat)``, for numerical stability.

    Attributes
    ----------
    t_ : int
        Number of steps taken.

    first_moments_ : list of ndarray or None
        ``m``, one array per parameter array (None before the first step).

    second_moments_ : list of ndarray or None
        ``v``, one array per parameter array (None before the first step).

    See Also
    --------
    AdamW : Adam with decoupled weight decay.

    References
    ----------
    D. P. Kingma and J. Ba (2015). Adam: a method for stochastic optimization.
    ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neural_network.optimizers import Adam
    >>> w = np.array([1.0, 1.0])
    >>> _ = Adam(learning_rate=0.1, epsilon=0.0).update([w], [np.array([5.0, -1e-3])])
    >>> w  # the first step is learning_rate * sign(grad)
    array([0.9, 1.1])
    """

    _state_names = ("first_moments_", "second_moments_")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta_1 = _check_real("beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = _check_real("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = _check_real("epsilon", epsilon, 0.0)

    def _step(self, params, grads, scratch):
        b1, b2, eps, t = self.beta_1, self.beta_2, self.epsilon, self.t_
        # sqrt(v_hat) = sqrt(v) / sqrt(1 - b2**t); step = lr * m / (1 - b1**t) / ...
        v_scale = 1.0 / math.sqrt(1.0 - b2**t)
        step = self.learning_rate / (1.0 - b1**t)
        for param, grad, m, v, s in zip(
            params, grads, self.first_moments_, self.second_moments_, scratch
        ):
            self._decay(param)
            m *= b1
            np.multiply(grad, 1.0 - b1, out=s)
            m += s
            v *= b2
            np.multiply(grad, grad, out=s)
            s *= 1.0 - b2
            v += s
            np.sqrt(v, out=s)
            s *= v_scale
            s += eps
            np.divide(m, s, out=s)
            s *= step
            param -= s

    def _decay(self, param):
        pass


class AdamW(Adam):
    """Adam with decoupled weight decay.

    Before each Adam step (see :class:`Adam`), every parameter shrinks by
    ``param *= 1 - learning_rate * weight_decay``, instead of a penalty added to
    the gradient (Loshchilov and Hutter). The decay applies to every array
    passed to :meth:`update`.

    Read more in the :ref:`User Guide <neural_network_optimizers>`.

    Parameters
    ----------
    learning_rate : float, default=0.001
        Step size.

    beta_1 : float, default=0.9
        Decay of the first-moment estimate, in ``[0, 1)``.

    beta_2 : float, default=0.999
        Decay of the second-moment estimate, in ``[0, 1)``.

    epsilon : float, default=1e-8
        Added to ``sqrt(v_hat)``, for numerical stability.

    weight_decay : float, default=0.01
        Decoupled weight-decay coefficient, non-negative.

    Attributes
    ----------
    t_ : int
        Number of steps taken.

    first_moments_ : list of ndarray or None
        ``m``, one array per parameter array (None before the first step).

    second_moments_ : list of ndarray or None
        ``v``, one array per parameter array (None before the first step).

    See Also
    --------
    Adam : Adam without weight decay.

    References
    ----------
    I. Loshchilov and F. Hutter (2019). Decoupled weight decay regularization.
    ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neural_network.optimizers import AdamW
    >>> w = np.array([1.0])
    >>> opt = AdamW(learning_rate=0.1, epsilon=0.0, weight_decay=0.5)
    >>> _ = opt.update([w], [np.array([2.0])])
    >>> w  # 1 * (1 - 0.1 * 0.5) - 0.1
    array([0.85])
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.01,
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = _check_real("weight_decay", weight_decay, 0.0)

    def _decay(self, param):
        if self.weight_decay:
            param *= 1.0 - self.learning_rate * self.weight_decay
