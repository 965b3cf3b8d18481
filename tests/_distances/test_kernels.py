# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml._distances.kernel_matrix and kernel_row against NumPy closed forms."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist

from skml._distances import kernel_matrix
from skml._distances._kernels import (
    _py_exp_inplace,
    _py_kernel_row,
    _py_kernel_row_indexed,
)

KINDS = {"linear": 0, "rbf": 1, "poly": 2, "sigmoid": 3}


def _closed_form(X, Y, kernel, gamma, degree, coef0):
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    if gamma is None:
        gamma = 1.0 / X.shape[1]
    if kernel == "linear":
        return X @ Y.T
    if kernel == "rbf":
        return np.exp(-gamma * cdist(X, Y, "sqeuclidean"))
    if kernel == "poly":
        return (gamma * (X @ Y.T) + coef0) ** degree
    return np.tanh(gamma * (X @ Y.T) + coef0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kernel", KINDS)
def test_kernel_matrix_matches_closed_form(global_random_seed, kernel, dtype):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((300, 6)).astype(dtype)
    Y = rng.standard_normal((280, 6)).astype(dtype)
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    for gamma, degree, coef0 in [(None, 3, 1.0), (0.3, 2, -0.5), (0.05, 2.5, 2.0)]:
        got = kernel_matrix(X, Y, kernel=kernel, gamma=gamma, degree=degree,
                            coef0=coef0)
        assert got.dtype == dtype
        expected = _closed_form(X, Y, kernel, gamma, degree, coef0)
        assert_allclose(got, expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("kernel", KINDS)
def test_kernel_matrix_same_input_symmetric(global_random_seed, kernel):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((270, 4)) + 5.0
    got = kernel_matrix(X, kernel=kernel, gamma=0.1)
    assert_array_equal(got, got.T)
    assert_allclose(got, _closed_form(X, X, kernel, 0.1, 3, 1.0), rtol=1e-10)
    # A copy of X takes the general (not the symmetric) path: equal to rounding.
    assert_allclose(kernel_matrix(X, X.copy(), kernel=kernel, gamma=0.1), got,
                    rtol=1e-12, atol=1e-12 * float(np.abs(got).max()))
    if kernel == "rbf":
        assert_array_equal(np.diag(got), 1.0)
    assert_array_equal(kernel_matrix(X, kernel=kernel, gamma=0.1, n_jobs=1),
                       kernel_matrix(X, kernel=kernel, gamma=0.1, n_jobs=2))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kernel", KINDS)
def test_kernel_row_matches_kernel_matrix(global_random_seed, kernel, dtype):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((50, 5)).astype(dtype)
    out = np.empty(50)
    gamma, coef0, degree = 0.2, 0.5, 3.0
    _py_kernel_row(X[7], X, KINDS[kernel], gamma, coef0, degree, out)
    expected = _closed_form(X, X, kernel, gamma, degree, coef0)[7]
    assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kernel", KINDS)
def test_kernel_row_indexed_matches_closed_form(global_random_seed, kernel, dtype):
    # More rows than one chunk of the rbf exp (256), in scattered order.
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((700, 5)).astype(dtype)
    rows = rng.permutation(700)[:600].astype(np.intp)
    out = np.full(700, -7.0)
    gamma, coef0, degree = 0.2, 0.5, 3.0
    _py_kernel_row_indexed(X[11], X, rows, KINDS[kernel], gamma, coef0, degree, out)
    expected = _closed_form(X, X, kernel, gamma, degree, coef0)[11]
    assert_allclose(out[rows], expected[rows], rtol=1e-12, atol=1e-12)
    untouched = np.setdiff1d(np.arange(700), rows)
    assert_array_equal(out[untouched], -7.0)


def test_exp_inplace_within_two_ulp_of_numpy(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    x = np.concatenate([
        rng.uniform(-1.0, 1.0, 20_000),
        rng.uniform(-60.0, 0.0, 20_000),      # the rbf range
        rng.uniform(-708.0, 709.7, 20_000),   # every normal result
        rng.uniform(-745.0, -708.5, 2_000),   # subnormal results
        np.arange(-1070, 1024) * np.log(2.0),  # the reduction's boundaries
    ])
    got = x.copy()
    _py_exp_inplace(got)
    expected = np.exp(x)
    normal = expected >= np.finfo(np.float64).tiny
    # two ulp: skml's exp and numpy's are each within about one of the truth
    err = np.abs(got[normal] - expected[normal]) / np.spacing(expected[normal])
    assert err.max() <= 2.0
    # subnormals carry fewer bits: within two of their spacing (5e-324)
    assert_allclose(got[~normal], expected[~normal], rtol=0, atol=1e-323)


def test_exp_inplace_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 709.78, 709.79, 1e308,
                  -745.13, -745.14, -1e308, 5e-324, -5e-324, 1e-300])
    got = x.copy()
    _py_exp_inplace(got)
    with np.errstate(over="ignore"):
        assert_array_equal(got, np.exp(x))
    _py_exp_inplace(np.empty(0))
