# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Public pairwise distances and kernels on top of the compiled ``skml._distances``.

This module validates and resolves everything (arrays, metric, parameters); the
compiled core is then handed C-contiguous float arrays of one dtype.
"""

import numbers

import numpy as np
from scipy import sparse
from sklearn.utils import check_array

from skml import _distances

__all__ = ["pairwise_distances", "pairwise_kernels"]

# Accepted names, including scikit-learn's aliases, -> core metric name.
_METRIC_ALIASES = {
    "euclidean": "euclidean",
    "l2": "euclidean",
    "sqeuclidean": "sqeuclidean",
    "manhattan": "manhattan",
    "cityblock": "manhattan",
    "l1": "manhattan",
    "chebyshev": "chebyshev",
    "minkowski": "minkowski",
    "cosine": "cosine",
}
# Keyword arguments each kernel takes, with their defaults (gamma=None: 1/n_features).
_KERNEL_PARAMS = {
    "linear": {},
    "rbf": {"gamma": None},
    "poly": {"gamma": None, "degree": 3, "coef0": 1.0},
    "sigmoid": {"gamma": None, "coef0": 1.0},
}


def _check_n_jobs(n_jobs):
    if n_jobs is not None and (
        not isinstance(n_jobs, numbers.Integral) or isinstance(n_jobs, bool)
    ):
        raise TypeError(f"n_jobs must be None or an int, got {n_jobs!r}.")
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, -1 or a positive int.")


def _check_one(array, dtype, name):
    try:
        return check_array(array, dtype=dtype, order="C", input_name=name)
    except ValueError as exc:
        if "convert" in str(exc):  # strings or objects that are not numbers
            raise ValueError(f"{name} must contain numeric data only: {exc}") from exc
        raise


def _check_arrays(X, Y):
    """Validate X and Y and return them C-contiguous, of one float dtype.

    float32 stays float32 when both inputs are float32; anything else (ints,
    mixed precisions) becomes float64. ``Y`` is returned as ``X`` itself when it
    was None or X.
    """
    for name, array in (("X", X), ("Y", Y)):
        if sparse.issparse(array):
            raise TypeError(
                f"Sparse input is not supported yet ({name} is a "
                f"{type(array).__name__}); convert it with {name}.toarray()."
            )
    same = Y is None or Y is X
    kind = [np.asarray(a).dtype if hasattr(a, "dtype") else None for a in (X, Y)]
    both_float32 = kind[0] == np.float32 and (same or kind[1] == np.float32)
    dtype = np.float32 if both_float32 else np.float64
    X = _check_one(X, dtype, "X")
    if same:
        return X, X
    Y = _check_one(Y, dtype, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            "X and Y have a different number of features: "
            f"X.shape[1] == {X.shape[1]} while Y.shape[1] == {Y.shape[1]}."
        )
    return X, Y


def _check_real(name, value, *, minimum=None, allow_none=False, what=""):
    if value is None and allow_none:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name}{what} must be a real number, got {value!r}.")
    if np.isnan(value) or (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise ValueError(f"{name}{what} must be a number{bound}, got {value!r}.")
    return float(value)


def pairwise_distances(X, Y=None, metric="euclidean", *, n_jobs=None, **kwds):
    """Compute the distance matrix between the rows of X and the rows of Y.

    A drop-in for :func:`sklearn.metrics.pairwise_distances` restricted to the
    metrics below, computed by skml's compiled, multi-threaded distance core.
    float32 input gives a float32 result (computed with float64 accumulation
    where it matters for accuracy); other inputs give float64.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
        Input samples. Sparse matrices are not supported yet (a ``TypeError``
        says so).

    Y : array-like of shape (n_samples_Y, n_features), default=None
        Second set of samples. ``None`` means ``Y = X``: the result is then
        exactly symmetric with a zero diagonal.

    metric : {"euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski", \
            "cosine"}, default="euclidean"
        The distance. The aliases ``"l2"`` (euclidean), ``"l1"`` and
        ``"cityblock"`` (manhattan) are accepted. For cosine, a zero vector is at
        distance 1 from every other vector, as in scikit-learn.

    n_jobs : int, default=None
        Number of threads. ``None`` uses the OpenMP default (all available
        cores unless limited), ``-1`` all cores. The result does not depend on it.

    **kwds : dict
        Parameters of the metric: only ``p`` (float >= 1, default 2) for
        ``metric="minkowski"``.

    Returns
    -------
    distances : ndarray of shape (n_samples_X, n_samples_Y)
        ``distances[i, j]`` is the distance between ``X[i]`` and ``Y[j]``.

    See Also
    --------
    pairwise_kernels : Kernel matrices between the rows of X and Y.
    sklearn.metrics.pairwise_distances : The scikit-learn equivalent.

    Examples
    --------
    >>> from skml.metrics import pairwise_distances
    >>> X = [[0.0, 0.0], [3.0, 4.0]]
    >>> pairwise_distances(X)
    array([[0., 5.],
           [5., 0.]])
    >>> pairwise_distances(X, [[1.0, 1.0]], metric="manhattan")
    array([[2.],
           [5.]])
    """
    if not isinstance(metric, str):
        raise TypeError(
            f"metric must be a string among {sorted(_METRIC_ALIASES)}, got "
            f"{metric!r}; callables are not supported."
        )
    if metric not in _METRIC_ALIASES:
        raise ValueError(
            f"Unknown metric {metric!r}. Valid metrics are "
            f"{sorted(_METRIC_ALIASES)}."
        )
    metric = _METRIC_ALIASES[metric]
    p = 2.0
    allowed = {"p"} if metric == "minkowski" else set()
    unexpected = set(kwds) - allowed
    if unexpected:
        raise TypeError(
            f"Unexpected keyword argument(s) {sorted(unexpected)} for metric "
            f"{metric!r}; only minkowski takes one (p)."
        )
    if metric == "minkowski":
        p = _check_real(
            "p", kwds.get("p", 2.0), minimum=1, what=" of the minkowski metric"
        )
    _check_n_jobs(n_jobs)
    X, Y = _check_arrays(X, Y)
    return _distances.pairwise(X, Y, metric=metric, p=p, n_jobs=n_jobs)


def pairwise_kernels(X, Y=None, metric="linear", *, n_jobs=None, **kwds):
    """Compute the kernel matrix between the rows of X and the rows of Y.

    A drop-in for :func:`sklearn.metrics.pairwise.pairwise_kernels` restricted to
    the kernels below. float32 input gives a float32 result.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
        Input samples. Sparse matrices are not supported yet.

    Y : array-like of shape (n_samples_Y, n_features), default=None
        Second set of samples; ``None`` means ``Y = X`` (symmetric result).

    metric : {"linear", "rbf", "poly", "sigmoid"}, default="linear"
        The kernel: ``x.y``, ``exp(-gamma ||x - y||^2)``,
        ``(gamma x.y + coef0) ** degree`` or ``tanh(gamma x.y + coef0)``.

    n_jobs : int, default=None
        Number of threads; the result does not depend on it.

    **kwds : dict
        Parameters of the kernel: ``gamma`` (float, default ``1 / n_features``)
        for rbf, poly and sigmoid; ``degree`` (float >= 0, default 3) for poly;
        ``coef0`` (float, default 1) for poly and sigmoid.

    Returns
    -------
    kernel : ndarray of shape (n_samples_X, n_samples_Y)
        ``kernel[i, j]`` is the kernel between ``X[i]`` and ``Y[j]``.

    See Also
    --------
    pairwise_distances : Distance matrices between the rows of X and Y.
    sklearn.metrics.pairwise.pairwise_kernels : The scikit-learn equivalent.

    Examples
    --------
    >>> from skml.metrics import pairwise_kernels
    >>> X = [[1.0, 0.0], [1.0, 2.0]]
    >>> pairwise_kernels(X, metric="linear")
    array([[1., 1.],
           [1., 5.]])
    """
    if not isinstance(metric, str) or metric not in _KERNEL_PARAMS:
        raise ValueError(
            f"Unknown kernel {metric!r}. Valid kernels are {sorted(_KERNEL_PARAMS)}."
        )
    defaults = _KERNEL_PARAMS[metric]
    unexpected = set(kwds) - set(defaults)
    if unexpected:
        raise TypeError(
            f"Unexpected keyword argument(s) {sorted(unexpected)} for kernel "
            f"{metric!r}; it takes {sorted(defaults) or 'none'}."
        )
    params = {**defaults, **kwds}
    what = f" of the {metric} kernel"
    gamma = _check_real("gamma", params.get("gamma"), allow_none=True, what=what)
    degree = _check_real("degree", params.get("degree", 3), minimum=0, what=what)
    coef0 = _check_real("coef0", params.get("coef0", 1.0), what=what)
    _check_n_jobs(n_jobs)
    X, Y = _check_arrays(X, Y)
    return _distances.kernel_matrix(
        X, Y, kernel=metric, gamma=gamma, degree=degree, coef0=coef0, n_jobs=n_jobs
    )
