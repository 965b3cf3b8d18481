# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Primal Newton for the L2-regularised squared-hinge SVM (many samples, few features).

``f(w) = 0.5 ||w||^2 + sum_i C_i max(0, 1 - y_i w.x_i)^2`` is piecewise quadratic
and once differentiable; its generalised Hessian on the margin violators ``I`` is
``Id + 2 X_I' diag(C_I) X_I``. Newton steps (the ``d x d`` system solved
directly, by BLAS) with a backtracking line search converge in a handful of
passes over the data, where dual coordinate descent needs hundreds when
``n_samples >> n_features`` (Keerthi and DeCoste 2005; liblinear's primal solver
uses the same objective with a trust region).
"""

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from threadpoolctl import threadpool_limits


def _objective(w, margin, C):
    viol = np.maximum(0.0, 1.0 - margin)
    return 0.5 * np.dot(w, w) + np.dot(C, viol * viol)


def primal_newton_svc(X, y, C, tol, max_iter):
    """Return ``(w, n_iter)``; see ``_newton``.

    BLAS runs single-threaded: its products here are tall and thin, and a
    second BLAS thread on a busy machine costs far more than it gains.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _newton(X, y, C, tol, max_iter)


def _newton(X, y, C, tol, max_iter):
    """Return ``(w, n_iter)``; stops when ``||grad|| <= tol * eps0 * ||grad_0||``.

    ``eps0 = max(min(n_pos, n_neg), 1) / n`` as in liblinear, so that ``tol``
    means what it means for scikit-learn's ``dual=False``.
    """
    n, d = X.shape
    n_pos = np.count_nonzero(y > 0)
    eps0 = max(min(n_pos, n - n_pos), 1) / n
    w = np.zeros(d)
    margin = np.zeros(n)
    g0 = None
    for it in range(1, max_iter + 1):
        viol = 1.0 - margin
        active = viol > 0
        Xa = X[active]
        ca = C[active]
        grad = w - 2.0 * Xa.T @ (ca * y[active] * viol[active])
        gnorm = np.linalg.norm(grad)
        if g0 is None:
            g0 = gnorm
        if gnorm <= tol * eps0 * g0:
            return w, it - 1
        H = (Xa.T * (2.0 * ca)) @ Xa
        H.flat[:: d + 1] += 1.0
        step = -cho_solve(cho_factor(H, check_finite=False), grad, check_finite=False)
        Xs = X @ step
        ys = y * Xs
        f = _objective(w, margin, C)
        slope = np.dot(grad, step)
        t = 1.0
        while t > 1e-10:
            new_margin = margin + t * ys
            if _objective(w + t * step, new_margin, C) <= f + 1e-4 * t * slope:
                break
            t *= 0.5
        w = w + t * step
        margin = margin + t * ys
    return w, max_iter
