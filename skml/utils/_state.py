# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Checks of the state a compiled object is restored from (pickle, skops.io).

A model file may be corrupt or malicious; the ``__setstate__`` of every
compiled object checks what it is given with these helpers before any of it
reaches nogil code, and raises ``ValueError`` naming the problem.
"""

import numbers

import numpy as np

_INTP_MAX = np.iinfo(np.intp).max

# dtype kinds accepted for each kind of array, and what they are stored as.
_KINDS = {
    "int": ("iu", np.intp, "an integer"),
    "float": ("f", np.float64, "a floating-point"),
    "flag": ("iub", np.uint8, "an integer or boolean"),
}


def bad_state(owner, message):
    """The error for an invalid state of ``owner`` (a class name)."""
    return ValueError(f"Bad {owner} state: {message}.")


def state_items(state, owner, names):
    """The entries ``names`` of a state dict, which must hold exactly those."""
    if not isinstance(state, dict):
        raise bad_state(owner, f"expected a dict, got {type(state).__name__}")
    missing = [name for name in names if name not in state]
    if missing:
        raise bad_state(owner, f"missing entries {missing}")
    extra = sorted(str(name) for name in state if name not in names)
    if extra:
        raise bad_state(owner, f"unexpected entries {extra}")
    return [state[name] for name in names]


def state_int(value, owner, name, low=0):
    """``value`` as an int, which must be an integer >= ``low``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise bad_state(owner, f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if not low <= value <= _INTP_MAX:
        raise bad_state(owner, f"{name} = {value} must be in [{low}, {_INTP_MAX}]")
    return value


def state_float(value, owner, name):
    """``value`` as a float, which must be a real number (not NaN)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise bad_state(owner, f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if np.isnan(value):
        raise bad_state(owner, f"{name} must not be NaN")
    return value


def state_array(value, owner, name, kind, shape):
    """``value`` as a C-contiguous array of ``kind`` ("int": intp, "float":
    float64, "flag": uint8) and of shape ``shape``.

    The array must already have a dtype of that kind (any width; integers must
    fit in intp) and exactly that shape: nothing is reinterpreted.
    """
    kinds, dtype, label = _KINDS[kind]
    if not isinstance(value, np.ndarray):
        raise bad_state(owner, f"{name} must be an ndarray, got {type(value).__name__}")
    if value.dtype.kind not in kinds:
        raise bad_state(
            owner, f"{name} must have {label} dtype, got dtype {value.dtype}"
        )
    shape = tuple(int(s) for s in shape)
    if value.shape != shape:
        raise bad_state(
            owner, f"{name} must have shape {shape}, got shape {value.shape}"
        )
    if kind == "int" and value.dtype.kind == "u" and value.size:
        if value.max() > _INTP_MAX:
            raise bad_state(owner, f"{name} holds values too large for intp")
    if kind == "flag" and value.size and not np.all((value == 0) | (value == 1)):
        i = first((value != 0) & (value != 1))
        raise bad_state(owner, f"{name}[{i}] = {value[i]} must be 0 or 1")
    return np.ascontiguousarray(value, dtype=dtype)


def first(mask):
    """Index of the first True entry of a boolean array (for error messages)."""
    return int(np.flatnonzero(mask)[0])
