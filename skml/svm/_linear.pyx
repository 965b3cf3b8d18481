# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Dual coordinate descent for linear SVMs (Hsieh et al. 2008; Ho and Lin 2012).

Each pass visits the active samples in a random order and minimises the dual in
one variable exactly, keeping ``w = sum_i coef_i x_i`` up to date; bounded
variables whose projected gradient says they will stay put are shrunk away, and
the solver re-checks the full set before stopping (the scheme of liblinear,
written afresh).
"""

from libc.math cimport INFINITY, fabs

from skml.utils._typedefs cimport float64_t, intp_t


cdef inline float64_t _dot(const float64_t* a, const float64_t* b,
                           intp_t n) noexcept nogil:
    cdef intp_t k
    cdef float64_t s = 0.0
    for k in range(n):
        s += a[k] * b[k]
    return s


cdef inline void _axpy(float64_t c, const float64_t* x, float64_t* w,
                       intp_t n) noexcept nogil:
    cdef intp_t k
    for k in range(n):
        w[k] += c * x[k]


cdef inline intp_t _rand_below(unsigned long long* state, intp_t n) noexcept nogil:
    # xorshift64*; returns an integer in [0, n).
    cdef unsigned long long scrambled
    state[0] ^= state[0] >> 12
    state[0] ^= state[0] << 25
    state[0] ^= state[0] >> 27
    scrambled = (state[0] * 2685821657736338717ULL) >> 11
    return <intp_t> (scrambled % <unsigned long long> n)


cdef void _shuffle(intp_t* a, intp_t n, unsigned long long* state) noexcept nogil:
    cdef intp_t k, j, tmp
    for k in range(n - 1, 0, -1):
        j = _rand_below(state, k + 1)
        tmp = a[k]
        a[k] = a[j]
        a[j] = tmp


def dual_cd_svc(
    const float64_t[:, ::1] X,
    const float64_t[::1] y,
    const float64_t[::1] C,
    bint squared_hinge,
    float64_t tol,
    intp_t max_iter,
    unsigned long long seed,
    float64_t[::1] w,
    float64_t[::1] alpha,
    intp_t[::1] index,
):
    """Binary L2-regularised SVM dual; fills ``w`` and ``alpha``, returns passes.

    ``y`` is +1/-1, ``C`` the per-sample bound; ``index`` is scratch of length
    n_samples. Stops when the projected-gradient spread is below ``tol``.
    """
    cdef intp_t n = X.shape[0], d = X.shape[1]
    cdef intp_t i, s, it = 0, active = n
    cdef float64_t G, PG, a_old, U, Dii, qd
    cdef float64_t pg_max_old = INFINITY, pg_min_old = -INFINITY
    cdef float64_t pg_max, pg_min
    cdef unsigned long long state = seed * 2654435761ULL + 88172645463325252ULL
    with nogil:
        for i in range(n):
            index[i] = i
            alpha[i] = 0.0
        for i in range(d):
            w[i] = 0.0
        while it < max_iter:
            pg_max = -INFINITY
            pg_min = INFINITY
            _shuffle(&index[0], active, &state)
            s = 0
            while s < active:
                i = index[s]
                if squared_hinge:
                    U = INFINITY
                    Dii = 0.5 / C[i]
                else:
                    U = C[i]
                    Dii = 0.0
                G = y[i] * _dot(&w[0], &X[i, 0], d) - 1.0 + alpha[i] * Dii
                PG = 0.0
                if alpha[i] == 0.0:
                    if G > pg_max_old:
                        active -= 1
                        index[s] = index[active]
                        index[active] = i
                        continue
                    if G < 0.0:
                        PG = G
                elif alpha[i] == U:
                    if G < pg_min_old:
                        active -= 1
                        index[s] = index[active]
                        index[active] = i
                        continue
                    if G > 0.0:
                        PG = G
                else:
                    PG = G
                pg_max = max(pg_max, PG)
                pg_min = min(pg_min, PG)
                if fabs(PG) > 1e-12:
                    qd = _dot(&X[i, 0], &X[i, 0], d) + Dii
                    a_old = alpha[i]
                    alpha[i] = min(max(a_old - G / qd, 0.0), U)
                    _axpy((alpha[i] - a_old) * y[i], &X[i, 0], &w[0], d)
                s += 1
            it += 1
            if pg_max - pg_min <= tol:
                if active == n:
                    break
                active = n
                pg_max_old = INFINITY
                pg_min_old = -INFINITY
                continue
            pg_max_old = pg_max if pg_max > 0 else INFINITY
            pg_min_old = pg_min if pg_min < 0 else -INFINITY
    return it


def dual_cd_svr(
    const float64_t[:, ::1] X,
    const float64_t[::1] y,
    const float64_t[::1] C,
    bint squared,
    float64_t epsilon,
    float64_t tol,
    intp_t max_iter,
    unsigned long long seed,
    float64_t[::1] w,
    float64_t[::1] beta,
    intp_t[::1] index,
):
    """L2-regularised epsilon-insensitive SVR dual; fills ``w``, returns passes.

    Stops when the summed violation falls below ``tol`` times that of the first
    pass.
    """
    cdef intp_t n = X.shape[0], d = X.shape[1]
    cdef intp_t i, s, it = 0, active = n
    cdef float64_t G, Gp, Gn, H, U, lam, viol, dlt, b_old
    cdef float64_t g_max_old = INFINITY, g_max, norm1, norm1_init = 0.0
    cdef unsigned long long state = seed * 2654435761ULL + 88172645463325252ULL
    with nogil:
        for i in range(n):
            index[i] = i
            beta[i] = 0.0
        for i in range(d):
            w[i] = 0.0
        while it < max_iter:
            g_max = 0.0
            norm1 = 0.0
            _shuffle(&index[0], active, &state)
            s = 0
            while s < active:
                i = index[s]
                if squared:
                    U = INFINITY
                    lam = 0.5 / C[i]
                else:
                    U = C[i]
                    lam = 0.0
                G = -y[i] + lam * beta[i] + _dot(&w[0], &X[i, 0], d)
                H = _dot(&X[i, 0], &X[i, 0], d) + lam
                Gp = G + epsilon
                Gn = G - epsilon
                viol = 0.0
                if beta[i] == 0.0:
                    if Gp < 0.0:
                        viol = -Gp
                    elif Gn > 0.0:
                        viol = Gn
                    elif Gp > g_max_old and Gn < -g_max_old:
                        active -= 1
                        index[s] = index[active]
                        index[active] = i
                        continue
                elif beta[i] >= U:
                    if Gp > 0.0:
                        viol = Gp
                    elif Gp < -g_max_old:
                        active -= 1
                        index[s] = index[active]
                        index[active] = i
                        continue
                elif beta[i] <= -U:
                    if Gn < 0.0:
                        viol = -Gn
                    elif Gn > g_max_old:
                        active -= 1
                        index[s] = index[active]
                        index[active] = i
                        continue
                elif beta[i] > 0.0:
                    viol = fabs(Gp)
                else:
                    viol = fabs(Gn)
                g_max = max(g_max, viol)
                norm1 += viol
                s += 1
                if H <= 0.0:
                    continue
                if Gp < H * beta[i]:
                    dlt = -Gp / H
                elif Gn > H * beta[i]:
                    dlt = -Gn / H
                else:
                    dlt = -beta[i]
                if fabs(dlt) < 1e-12:
                    continue
                b_old = beta[i]
                beta[i] = min(max(b_old + dlt, -U), U)
                if beta[i] != b_old:
                    _axpy(beta[i] - b_old, &X[i, 0], &w[0], d)
            if it == 0:
                norm1_init = norm1
            it += 1
            if norm1 <= tol * norm1_init:
                if active == n:
                    break
                active = n
                g_max_old = INFINITY
                continue
            g_max_old = g_max
    return it
