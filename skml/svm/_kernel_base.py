# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""What the kernel SVMs (SVC, SVR) share: parameters, kernels, the SMO call."""

import warnings
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning

from skml._distances import KERNELS, kernel_matrix
from skml.svm._smo import smo_solve
from skml.utils._openmp import effective_n_threads
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    check_is_fitted,
    validate_data,
)

# Kernel blocks of predict hold at most this many float64 entries (64 MiB).
_BLOCK_ENTRIES = 1 << 23
_NO_LIMIT = 10_000_000


def _max_iter(max_iter, n_variables):
    """The iteration cap handed to SMO; -1 means libsvm's generous default."""
    if max_iter == -1:
        return max(_NO_LIMIT, 100 * n_variables)
    return int(max_iter)


class _BaseSVM(BaseEstimator):
    """Parameters, kernel resolution and the SMO call of SVC and SVR."""

    _parameter_constraints: dict = {
        "kernel": [StrOptions({*KERNELS, "precomputed"}), callable],
        "degree": [Interval(Integral, 0, None, closed="left")],
        "gamma": [
            StrOptions({"scale", "auto"}),
            Interval(Real, 0.0, None, closed="neither"),
        ],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "C": [Interval(Real, 0.0, None, closed="neither")],
        "shrinking": ["boolean"],
        "cache_size": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, -1, None, closed="left")],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.kernel == "precomputed"
        return tags

    # --- fitting -----------------------------------------------------------------

    def _validate_fit_X(self, X, y, **kwargs):
        X, y = validate_data(
            self, X, y, dtype=np.float64, order="C", accept_sparse=False, **kwargs
        )
        if self.max_iter == 0:
            raise ValueError("max_iter must be -1 (no limit) or a positive integer.")
        if self.kernel == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError(
                "With kernel='precomputed', X must be the square kernel matrix of "
                f"the training samples; got shape {X.shape}."
            )
        return X, y

    def _resolve_gamma(self, X, sample_weight):
        """gamma as a float; "scale" uses the sample-weighted variance of X.

        Weighting makes a weight-2 sample equivalent to a repeated one (and a
        weight-0 sample to a removed one); without weights it is ``X.var()``.
        """
        if self.kernel in ("precomputed",) or callable(self.kernel):
            return 0.0
        if self.gamma == "scale":
            w = sample_weight / sample_weight.sum()
            mean = np.dot(w, X).sum() / X.shape[1]
            var = np.dot(w, (X - mean) ** 2).sum() / X.shape[1]
            return 1.0 / (X.shape[1] * var) if var != 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _train_kernel(self, X):
        """The kernel matrix the solver reads, or None for built-in kernels."""
        if self.kernel == "precomputed":
            return X
        if callable(self.kernel):
            return self._call_kernel(X, X)
        return None

    def _call_kernel(self, X, Y):
        K = np.asarray(self.kernel(X, Y), dtype=np.float64)
        if K.shape != (X.shape[0], Y.shape[0]):
            raise ValueError(
                f"The kernel callable must return an array of shape "
                f"{(X.shape[0], Y.shape[0])}; got {K.shape}."
            )
        if not np.all(np.isfinite(K)):
            raise ValueError("The kernel callable returned non-finite values.")
        return np.ascontiguousarray(K)

    def _solve(self, X, K, rows, y, p, C, idx, n_threads):
        """One SMO run on the samples ``rows`` (of X, or of the kernel K).

        ``idx`` maps each variable to a position in ``rows``. Returns
        ``(alpha, rho, n_iter, converged)``.
        """
        if K is not None:
            Ksub = np.ascontiguousarray(K[np.ix_(rows, rows)])
            Xsub = np.zeros((1, 1))
            kind = 0
        else:
            Xsub = np.ascontiguousarray(X[rows])
            Ksub = np.zeros((1, 1))
            kind = KERNELS.index(self.kernel)
        cache_bytes = int(self.cache_size * 2**20)
        return smo_solve(
            Xsub, Ksub, K is not None, kind, self._gamma, float(self.coef0),
            float(self.degree), np.ascontiguousarray(idx, dtype=np.intp),
            np.ascontiguousarray(y, dtype=np.float64),
            np.ascontiguousarray(p, dtype=np.float64),
            np.ascontiguousarray(C, dtype=np.float64), float(self.tol),
            _max_iter(self.max_iter, len(idx)), cache_bytes, bool(self.shrinking),
            n_threads,
        )

    def _solve_many(self, problems):
        """Solve several SMO problems; threads over problems when there are many."""
        n_threads = effective_n_threads(None)
        if len(problems) == 1 or n_threads == 1:
            return [self._solve(*prob, n_threads) for prob in problems]
        return Parallel(n_jobs=n_threads, backend="threading")(
            delayed(self._solve)(*prob, 1) for prob in problems
        )

    def _warn_convergence(self, results):
        converged = all(r[3] for r in results)
        if not converged:
            warnings.warn(
                f"Solver terminated early (max_iter={self.max_iter}). Consider "
                "pre-processing your data with StandardScaler or MinMaxScaler.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.fit_status_ = 0 if converged else 1
        self.n_iter_ = np.array([r[2] for r in results], dtype=np.int32)

    # --- prediction --------------------------------------------------------------

    def _validate_predict_X(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=np.float64, order="C", accept_sparse=False, reset=False
        )
        return X

    def _kernel_blocks(self, X):
        """Yield ``(start, stop, K)``: kernel blocks of X against the SVs."""
        n_sv = self.support_.shape[0]
        step = max(1, _BLOCK_ENTRIES // max(1, n_sv))
        for start in range(0, X.shape[0], step):
            stop = min(start + step, X.shape[0])
            Xb = X[start:stop]
            if self.kernel == "precomputed":
                K = Xb[:, self.support_]
            elif callable(self.kernel):
                K = self._call_kernel(Xb, self.support_vectors_)
            else:
                K = kernel_matrix(
                    np.ascontiguousarray(Xb), self.support_vectors_,
                    kernel=self.kernel, gamma=self._gamma, degree=self.degree,
                    coef0=self.coef0,
                )
            yield start, stop, K
