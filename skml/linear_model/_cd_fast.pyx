# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Coordinate descent for the elastic net and for penalised logistic regression.

The elastic-net solvers minimise, over ``w``,

    P(w) = 1/2 ||y - X w||^2 + alpha ||w||_1 + beta/2 ||w||^2

(the Python side scales ``alpha`` and ``beta`` by the number of samples), either
on ``X`` itself (``enet_cd``, updating the residual) or on its Gram matrix
(``enet_cd_gram``). Both stop on the duality gap and discard features with the
Gap Safe screening rule (Ndiaye et al., 2017). ``quadratic_cd`` solves the
weighted, penalised quadratic model of one proximal Newton step of logistic
regression (the inner loop of the GLMNET / newGLMNET scheme).

Nothing here validates input or raises: ``skml.linear_model`` checks shapes,
dtypes and contiguity first.
"""

from libc.math cimport fabs, fmax, sqrt
from scipy.linalg.cython_blas cimport daxpy, ddot, dgemv

from skml.utils._typedefs cimport float64_t, intp_t, uint32_t, uint8_t


# Dot products and axpy of one column are written out rather than calling BLAS:
# a threaded BLAS synchronises its threads on every call, which costs far more
# than the work of one coordinate update (60x on a busy 2-core machine).
cdef inline float64_t _dot(int n, const float64_t* x,
                           const float64_t* y) noexcept nogil:
    cdef int i
    cdef int m = n - n % 4
    cdef float64_t s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    for i in range(0, m, 4):
        s0 += x[i] * y[i]
        s1 += x[i + 1] * y[i + 1]
        s2 += x[i + 2] * y[i + 2]
        s3 += x[i + 3] * y[i + 3]
    for i in range(m, n):
        s0 += x[i] * y[i]
    return (s0 + s1) + (s2 + s3)


cdef inline void _axpy(int n, float64_t a, const float64_t* x,
                       float64_t* y) noexcept nogil:
    cdef int i
    for i in range(n):
        y[i] += a * x[i]


cdef inline float64_t _blas_dot(int n, const float64_t* x,
                                const float64_t* y) noexcept nogil:
    cdef int one = 1
    return ddot(&n, <float64_t*> x, &one, <float64_t*> y, &one)


cdef inline void _blas_axpy(int n, float64_t a, const float64_t* x,
                            float64_t* y) noexcept nogil:
    cdef int one = 1
    daxpy(&n, &a, <float64_t*> x, &one, y, &one)


cdef inline void _gemv_t(int n_rows, int n_cols, float64_t a, const float64_t* A,
                         const float64_t* x, float64_t b,
                         float64_t* y) noexcept nogil:
    """y = a * A^T x + b * y for a column-major (n_rows, n_cols) A."""
    cdef int one = 1
    cdef char trans = b"T"
    dgemv(&trans, &n_rows, &n_cols, &a, <float64_t*> A, &n_rows,
          <float64_t*> x, &one, &b, y, &one)


cdef inline void _gemv_n(int n_rows, int n_cols, float64_t a, const float64_t* A,
                         const float64_t* x, float64_t b,
                         float64_t* y) noexcept nogil:
    """y = a * A x + b * y for a column-major (n_rows, n_cols) A."""
    cdef int one = 1
    cdef char trans = b"N"
    dgemv(&trans, &n_rows, &n_cols, &a, <float64_t*> A, &n_rows,
          <float64_t*> x, &one, &b, y, &one)


cdef inline void _axpy_weighted(int n, float64_t a, const float64_t* h,
                                const float64_t* x, float64_t* y) noexcept nogil:
    """y += a * h * x, elementwise."""
    cdef int i
    for i in range(n):
        y[i] += a * h[i] * x[i]


cdef inline float64_t _weighted_norm2(int n, const float64_t* h,
                                      const float64_t* x) noexcept nogil:
    """sum_i h_i x_i^2."""
    cdef int i
    cdef int m = n - n % 2
    cdef float64_t s0 = 0.0, s1 = 0.0
    for i in range(0, m, 2):
        s0 += h[i] * x[i] * x[i]
        s1 += h[i + 1] * x[i + 1] * x[i + 1]
    for i in range(m, n):
        s0 += h[i] * x[i] * x[i]
    return s0 + s1


cdef inline uint32_t _rand(uint32_t* state) noexcept nogil:
    """xorshift32; ``state`` must be non-zero."""
    cdef uint32_t x = state[0]
    x ^= x << 13
    x ^= x >> 17
    x ^= x << 5
    state[0] = x
    return x


cdef inline float64_t _soft(float64_t z, float64_t t, bint positive) noexcept nogil:
    """Soft-thresholding ``sign(z) max(|z| - t, 0)``; clipped at 0 if positive."""
    if z > t:
        return z - t
    if z < -t and not positive:
        return z + t
    return 0.0


cdef float64_t _gap(intp_t n_features, const float64_t[::1] w, float64_t alpha,
                    float64_t beta, float64_t r_norm2, float64_t r_dot_y,
                    float64_t[::1] XtA, bint positive,
                    float64_t* dual_norm) noexcept nogil:
    """Duality gap of the elastic net given ``XtA = X^T R`` on entry.

    Overwrites ``XtA`` with ``X^T R - beta w`` and stores its dual norm. The dual
    point is the residual scaled into the dual feasible set.
    """
    cdef intp_t j
    cdef float64_t norm = 0.0, l1 = 0.0, w_norm2 = 0.0, scale, gap
    for j in range(n_features):
        XtA[j] -= beta * w[j]
        if positive:
            norm = fmax(norm, XtA[j])
        else:
            norm = fmax(norm, fabs(XtA[j]))
        l1 += fabs(w[j])
        w_norm2 += w[j] * w[j]
    dual_norm[0] = norm
    if norm > alpha:
        scale = alpha / norm
        gap = 0.5 * r_norm2 * (1.0 + scale * scale)
    else:
        scale = 1.0
        gap = r_norm2
    gap += alpha * l1 - scale * r_dot_y + 0.5 * beta * (1.0 + scale * scale) * w_norm2
    return gap


cdef intp_t _screen(intp_t n_features, const float64_t[::1] XtA, float64_t alpha,
                    float64_t beta, float64_t dual_norm, float64_t gap,
                    const float64_t[::1] norm2, intp_t[::1] active,
                    uint8_t[::1] excluded) noexcept nogil:
    """Gap Safe rule: mark features whose coefficient is zero at the optimum.

    Returns the number of active features, listed first in ``active``.
    """
    cdef intp_t j, n_active = 0
    cdef float64_t radius = sqrt(2.0 * fmax(gap, 0.0)) / alpha
    cdef float64_t denom = fmax(alpha, dual_norm), dist
    for j in range(n_features):
        if excluded[j]:
            continue
        dist = (1.0 - fabs(XtA[j]) / denom) / sqrt(norm2[j] + beta)
        if norm2[j] == 0.0 or dist > radius:
            excluded[j] = 1
        else:
            active[n_active] = j
            n_active += 1
    return n_active


def enet_cd(float64_t[::1] w, float64_t alpha, float64_t beta,
            const float64_t[::1, :] X, const float64_t[::1] y, intp_t max_iter,
            float64_t tol, bint random, uint32_t seed, bint positive):
    """Elastic-net coordinate descent on ``X`` (column-major), in place on ``w``.

    ``tol`` is relative to ``||y||^2``. Returns ``(gap, tol * ||y||^2, n_iter)``;
    ``gap > tol * ||y||^2`` means it did not converge within ``max_iter`` epochs.
    """
    cdef intp_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef intp_t n_iter = 0, it, f, j, n_active = n_features
    cdef float64_t[::1] R = y.copy()
    cdef float64_t[::1] XtA = w.copy()
    cdef float64_t[::1] norm2 = w.copy()
    cdef intp_t[::1] active = _intp_array(n_features)
    cdef uint8_t[::1] excluded = _char_array(n_features)
    cdef float64_t w_j, tmp, new, d_w_max, w_max, gap, dual_norm = 0.0
    cdef float64_t tol_abs
    cdef uint32_t state = seed | 1
    cdef bint screening = alpha > 0.0
    cdef int n = <int> n_samples
    with nogil:
        for j in range(n_features):
            norm2[j] = _dot(n, &X[0, j], &X[0, j])
            active[j] = j
            excluded[j] = 0
        # R = y - X w
        if n_features > 0:
            _gemv_n(n, <int> n_features, -1.0, &X[0, 0], &w[0], 1.0, &R[0])
        tol_abs = tol * _dot(n, &y[0], &y[0])
        gap = _dense_gap(X, y, R, w, alpha, beta, XtA, positive, &dual_norm)
        if gap <= tol_abs:
            max_iter = 0
        elif screening:
            n_active = _screen_dense(X, R, w, XtA, alpha, beta, dual_norm, gap,
                                     norm2, active, excluded)
        for it in range(max_iter):
            n_iter = it + 1
            d_w_max = 0.0
            w_max = 0.0
            for f in range(n_active):
                if random:
                    j = active[_rand(&state) % n_active]
                else:
                    j = active[f]
                if norm2[j] == 0.0:
                    continue
                w_j = w[j]
                tmp = _blas_dot(n, &X[0, j], &R[0]) + w_j * norm2[j]
                new = _soft(tmp, alpha, positive) / (norm2[j] + beta)
                if new != w_j:
                    _blas_axpy(n, w_j - new, &X[0, j], &R[0])
                    w[j] = new
                d_w_max = fmax(d_w_max, fabs(new - w_j))
                w_max = fmax(w_max, fabs(new))
            if w_max == 0.0 or d_w_max / w_max <= tol or it == max_iter - 1:
                gap = _dense_gap(X, y, R, w, alpha, beta, XtA, positive, &dual_norm)
                if gap <= tol_abs:
                    break
                if screening:
                    n_active = _screen_dense(X, R, w, XtA, alpha, beta, dual_norm,
                                             gap, norm2, active, excluded)
    return gap, tol_abs, n_iter


cdef float64_t _dense_gap(const float64_t[::1, :] X, const float64_t[::1] y,
                          const float64_t[::1] R, const float64_t[::1] w,
                          float64_t alpha, float64_t beta, float64_t[::1] XtA,
                          bint positive, float64_t* dual_norm) noexcept nogil:
    cdef int n = <int> X.shape[0]
    cdef intp_t n_features = X.shape[1]
    if n_features == 0:
        dual_norm[0] = 0.0
        return 0.0
    _gemv_t(n, <int> n_features, 1.0, &X[0, 0], &R[0], 0.0, &XtA[0])
    return _gap(n_features, w, alpha, beta, _dot(n, &R[0], &R[0]),
                _dot(n, &R[0], &y[0]), XtA, positive, dual_norm)


cdef intp_t _screen_dense(const float64_t[::1, :] X, float64_t[::1] R,
                          float64_t[::1] w, const float64_t[::1] XtA,
                          float64_t alpha, float64_t beta, float64_t dual_norm,
                          float64_t gap, const float64_t[::1] norm2,
                          intp_t[::1] active, uint8_t[::1] excluded) noexcept nogil:
    """Screen, and put screened-out coefficients back to zero in the residual."""
    cdef intp_t j, n_features = X.shape[1]
    cdef int n = <int> X.shape[0]
    cdef intp_t n_active = _screen(n_features, XtA, alpha, beta, dual_norm, gap,
                                   norm2, active, excluded)
    for j in range(n_features):
        if excluded[j] and w[j] != 0.0:
            _axpy(n, w[j], &X[0, j], &R[0])
            w[j] = 0.0
    return n_active


def enet_cd_gram(float64_t[::1] w, float64_t alpha, float64_t beta,
                 const float64_t[::1, :] Q, const float64_t[::1] q,
                 float64_t y_norm2, intp_t max_iter, float64_t tol, bint random,
                 uint32_t seed, bint positive):
    """Elastic-net coordinate descent on the Gram matrix ``Q = X^T X`` and
    ``q = X^T y`` (``y_norm2 = y^T y``), in place on ``w``.

    Same stopping rule and return value as ``enet_cd``.
    """
    cdef intp_t n_features = Q.shape[0]
    cdef intp_t n_iter = 0, it, f, j, n_active = n_features
    cdef float64_t[::1] H = w.copy()     # H = Q w
    cdef float64_t[::1] XtA = w.copy()
    cdef float64_t[::1] norm2 = w.copy()
    cdef intp_t[::1] active = _intp_array(n_features)
    cdef uint8_t[::1] excluded = _char_array(n_features)
    cdef float64_t w_j, tmp, new, d_w_max, w_max, gap, dual_norm = 0.0
    cdef float64_t tol_abs = tol * y_norm2
    cdef uint32_t state = seed | 1
    cdef bint screening = alpha > 0.0
    cdef int p = <int> n_features
    if n_features == 0:
        return 0.0, tol_abs, 0
    with nogil:
        for j in range(n_features):
            norm2[j] = Q[j, j]
            active[j] = j
            excluded[j] = 0
        _gemv_n(p, p, 1.0, &Q[0, 0], &w[0], 0.0, &H[0])
        gap = _gram_gap(q, y_norm2, H, w, alpha, beta, XtA, positive, &dual_norm)
        if gap <= tol_abs:
            max_iter = 0
        elif screening:
            n_active = _screen_gram(Q, H, w, XtA, alpha, beta, dual_norm, gap,
                                    norm2, active, excluded)
        for it in range(max_iter):
            n_iter = it + 1
            d_w_max = 0.0
            w_max = 0.0
            for f in range(n_active):
                if random:
                    j = active[_rand(&state) % n_active]
                else:
                    j = active[f]
                if norm2[j] == 0.0:
                    continue
                w_j = w[j]
                tmp = q[j] - H[j] + w_j * norm2[j]
                new = _soft(tmp, alpha, positive) / (norm2[j] + beta)
                if new != w_j:
                    _axpy(p, new - w_j, &Q[0, j], &H[0])
                    w[j] = new
                d_w_max = fmax(d_w_max, fabs(new - w_j))
                w_max = fmax(w_max, fabs(new))
            if w_max == 0.0 or d_w_max / w_max <= tol or it == max_iter - 1:
                gap = _gram_gap(q, y_norm2, H, w, alpha, beta, XtA, positive,
                                &dual_norm)
                if gap <= tol_abs:
                    break
                if screening:
                    n_active = _screen_gram(Q, H, w, XtA, alpha, beta, dual_norm,
                                            gap, norm2, active, excluded)
    return gap, tol_abs, n_iter


cdef float64_t _gram_gap(const float64_t[::1] q, float64_t y_norm2,
                         const float64_t[::1] H, const float64_t[::1] w,
                         float64_t alpha, float64_t beta, float64_t[::1] XtA,
                         bint positive, float64_t* dual_norm) noexcept nogil:
    # With R = y - X w: X^T R = q - H, R^T y = y^T y - w^T q,
    # R^T R = y^T y - 2 w^T q + w^T H.
    cdef intp_t j, n_features = q.shape[0]
    cdef float64_t wq = 0.0, wH = 0.0
    for j in range(n_features):
        XtA[j] = q[j] - H[j]
        wq += w[j] * q[j]
        wH += w[j] * H[j]
    return _gap(n_features, w, alpha, beta, fmax(y_norm2 - 2.0 * wq + wH, 0.0),
                y_norm2 - wq, XtA, positive, dual_norm)


cdef intp_t _screen_gram(const float64_t[::1, :] Q, float64_t[::1] H,
                         float64_t[::1] w, const float64_t[::1] XtA,
                         float64_t alpha, float64_t beta, float64_t dual_norm,
                         float64_t gap, const float64_t[::1] norm2,
                         intp_t[::1] active, uint8_t[::1] excluded) noexcept nogil:
    cdef intp_t j, n_features = Q.shape[0]
    cdef intp_t n_active = _screen(n_features, XtA, alpha, beta, dual_norm, gap,
                                   norm2, active, excluded)
    for j in range(n_features):
        if excluded[j] and w[j] != 0.0:
            _axpy(<int> n_features, -w[j], &Q[0, j], &H[0])
            w[j] = 0.0
    return n_active


def quadratic_cd(float64_t[::1] z, float64_t[::1] z_b,
                 const float64_t[::1, :] X, const float64_t[::1] grad,
                 float64_t grad_b, const float64_t[::1] h, float64_t[::1] u,
                 float64_t[::1] hess, float64_t lam1, float64_t lam2,
                 bint fit_intercept, intp_t max_epochs, float64_t tol):
    """Minimise the proximal Newton model of a penalised GLM, in place on ``z``.

    With ``w`` the coefficients where the model is built (``z = w`` on entry),
    ``grad = X^T g`` the data gradient and ``h`` the per-sample curvature, it
    minimises over ``z`` (and the unpenalised intercept step ``z_b[0]``)

        grad^T (z - w) + grad_b z_b + 1/2 sum_i h_i (x_i (z - w) + z_b)^2
            + lam2/2 ||z||^2 + lam1 ||z||_1.

    ``u`` (zeros on entry) holds ``h * (X (z - w) + z_b)``; ``hess`` receives the
    weighted column norms. Stops when the largest curvature-scaled step of an
    epoch, ``|dz_j| * (hess_j + lam2)``, is below ``tol``. Returns the epochs run.
    """
    cdef intp_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef intp_t i, j, epoch, n_epochs = 0
    cdef int n = <int> n_samples
    cdef float64_t a, b, z0, new, delta, step, h_sum = 0.0
    with nogil:
        for i in range(n_samples):
            h_sum += h[i]
        for j in range(n_features):
            hess[j] = _weighted_norm2(n, &h[0], &X[0, j])
        for epoch in range(max_epochs):
            n_epochs = epoch + 1
            step = 0.0
            for j in range(n_features):
                a = hess[j] + lam2
                if a <= 0.0:
                    continue
                z0 = z[j]
                # grad_j of the data part plus the curvature term X_j^T u;
                # the L2 term lam2 * z0 is folded in below.
                b = grad[j] + _dot(n, &X[0, j], &u[0])
                new = _soft(a * z0 - b - lam2 * z0, lam1, False) / a
                delta = new - z0
                if delta != 0.0:
                    z[j] = new
                    _axpy_weighted(n, delta, &h[0], &X[0, j], &u[0])
                    step = fmax(step, fabs(delta) * a)
            if fit_intercept and h_sum > 0.0:
                b = grad_b
                for i in range(n_samples):
                    b += u[i]
                delta = -b / h_sum
                if delta != 0.0:
                    z_b[0] += delta
                    for i in range(n_samples):
                        u[i] += delta * h[i]
                    step = fmax(step, fabs(delta) * h_sum)
            if step <= tol:
                break
    return n_epochs


def _intp_array(intp_t n):
    import numpy as np
    return np.zeros(n, dtype=np.intp)


def _char_array(intp_t n):
    import numpy as np
    return np.zeros(n, dtype=np.uint8)
