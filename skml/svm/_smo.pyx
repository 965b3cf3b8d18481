# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Sequential minimal optimisation for the SVM duals (C-SVC and epsilon-SVR).

Solves ``min 0.5 a'Qa + p'a`` subject to ``y'a = 0`` and ``0 <= a_t <= C_t`` with
``Q_ts = y_t y_s K(x_idx[t], x_idx[s])``, the problem libsvm solves. C-SVC has one
variable per sample (``p = -1``); epsilon-SVR two (``idx[t] = idx[t + n] = t``,
``p = eps -/+ y``, ``y = +1/-1``). The ideas are libsvm's (Fan, Chen and Lin 2005;
Chang and Lin 2011), written afresh:

- second-order working-set selection (WSS2): the first variable maximises the
  violation, the second the decrease of the objective along the pair;
- shrinking: bounded variables that cannot move are taken out of the active set,
  and their gradient is rebuilt (from ``G_bar``, the contribution of the
  variables at their upper bound) before the final check;
- an LRU cache of kernel rows in float32 (as libsvm's), sized in bytes. A row
  computed while the active set is shrunk holds only the active entries; it stays
  valid until the active set grows again (a generation counter).

Kernel rows come from the shared distance core (``kernel_row``,
``kernel_row_indexed``), computed in ``prange`` chunks when the row is long.
"""

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY

from skml._distances._kernels cimport (
    KernelSpec,
    kernel_row,
    kernel_row_indexed,
)
from skml.utils._typedefs cimport float32_t, float64_t, intp_t

cdef float64_t TAU = 1e-12
cdef intp_t FULL = -1
# Rows shorter than this many multiply-adds are computed by one thread. Each
# entry is computed alone, so a row does not depend on the thread count. Not
# lower: with 64k, a 10k x 20 fit on a loaded 2-core machine (load 10) took 8x
# longer on two threads than on one, every row waiting at the team's barrier
# for a descheduled thread.
cdef intp_t PARALLEL_WORK = 1048576
cdef intp_t CHUNK = 256

cdef enum Status:
    LOWER = 0
    UPPER = 1
    FREE = 2


cdef class _Solver:
    """State of one SMO run: variables, gradients, active set and the row cache.

    Built and run by ``smo_solve``; never stored on an estimator.
    """
    # problem
    cdef const float64_t[:, ::1] X       # samples (unused when precomputed)
    cdef const float64_t[:, ::1] K       # precomputed kernel, or (1, 1)
    cdef bint precomputed
    cdef KernelSpec spec
    cdef intp_t n                         # samples
    cdef intp_t n_vars                    # variables
    cdef const intp_t[::1] idx            # variable -> sample
    cdef const float64_t[::1] y           # +1 / -1
    cdef const float64_t[::1] p           # linear term
    cdef const float64_t[::1] C           # upper bounds
    cdef float64_t eps
    cdef int n_threads
    # iterate
    cdef float64_t[::1] alpha
    cdef float64_t[::1] G
    cdef float64_t[::1] G_bar
    cdef unsigned char[::1] status
    cdef float64_t[::1] QD                # K(x_idx[t], x_idx[t])
    # active set: active[:active_size] are the active variables; pos is inverse
    cdef intp_t[::1] active
    cdef intp_t[::1] pos
    cdef intp_t active_size
    cdef intp_t[::1] active_samples       # samples of the active variables
    cdef intp_t n_active_samples
    cdef unsigned char[::1] sample_mark
    cdef intp_t generation
    cdef bint unshrink
    # LRU cache of kernel rows over samples, in float32 like libsvm's (twice
    # the rows per MB; the solver's sums stay in float64)
    cdef float32_t[:, ::1] data
    cdef float64_t[::1] rowbuf            # one row in float64, before rounding
    cdef intp_t n_slots
    cdef intp_t n_used
    cdef intp_t[::1] slot_of              # sample -> slot or -1
    cdef intp_t[::1] sample_in            # slot -> sample
    cdef intp_t[::1] gen_of               # slot -> generation or FULL
    cdef intp_t[::1] prev
    cdef intp_t[::1] next
    cdef intp_t head                      # most recently used slot
    # scratch for gradient reconstruction
    cdef float64_t[:, ::1] scratch
    cdef intp_t[::1] free_samples
    cdef float64_t[::1] free_coef

    def __cinit__(self, X, K, bint precomputed, int kind, float64_t gamma,
                  float64_t coef0, float64_t degree, idx, y, p, C, float64_t eps,
                  intp_t cache_bytes, int n_threads):
        cdef intp_t t
        self.X = X
        self.K = K
        self.precomputed = precomputed
        self.spec = KernelSpec(kind, gamma, coef0, degree)
        self.idx = idx
        self.y = y
        self.p = p
        self.C = C
        self.eps = eps
        self.n_threads = max(1, n_threads)
        self.n_vars = idx.shape[0]
        self.n = K.shape[0] if precomputed else X.shape[0]
        self.alpha = np.zeros(self.n_vars)
        self.G = np.array(p, dtype=np.float64)
        self.G_bar = np.zeros(self.n_vars)
        self.status = np.zeros(self.n_vars, dtype=np.uint8)
        for t in range(self.n_vars):
            self._update_status(t)
        self.active = np.arange(self.n_vars, dtype=np.intp)
        self.pos = np.arange(self.n_vars, dtype=np.intp)
        self.active_size = self.n_vars
        self.active_samples = np.zeros(self.n_vars, dtype=np.intp)
        self.sample_mark = np.zeros(self.n, dtype=np.uint8)
        self.generation = 0
        self.unshrink = False
        self.n_slots = min(self.n, max(2, cache_bytes // (4 * self.n)))
        self.data = np.empty((self.n_slots, self.n), dtype=np.float32)
        self.rowbuf = np.empty(self.n)
        self.n_used = 0
        self.slot_of = np.full(self.n, -1, dtype=np.intp)
        self.sample_in = np.full(max(1, self.n_slots), -1, dtype=np.intp)
        self.gen_of = np.full(max(1, self.n_slots), FULL, dtype=np.intp)
        self.prev = np.full(max(1, self.n_slots), -1, dtype=np.intp)
        self.next = np.full(max(1, self.n_slots), -1, dtype=np.intp)
        self.head = -1
        self.scratch = np.empty((self.n_threads, self.n))
        self.free_samples = np.empty(self.n_vars, dtype=np.intp)
        self.free_coef = np.empty(self.n_vars)
        self.QD = np.empty(self.n_vars)
        if precomputed:
            for t in range(self.n_vars):
                self.QD[t] = self.K[self.idx[t], self.idx[t]]
        else:
            with nogil:
                self._diagonal()

    cdef void _diagonal(self) noexcept nogil:
        cdef intp_t t, s
        cdef intp_t[::1] one = self.free_samples[:1]
        cdef float64_t[::1] out = self.scratch[0]
        for t in range(self.n_vars):
            s = self.idx[t]
            one[0] = s
            kernel_row_indexed(self.X[s], self.X, one, self.spec, out)
            self.QD[t] = out[s]

    cdef inline void _update_status(self, intp_t t) noexcept nogil:
        if self.alpha[t] >= self.C[t]:
            self.status[t] = UPPER
        elif self.alpha[t] <= 0.0:
            self.status[t] = LOWER
        else:
            self.status[t] = FREE

    # ---- kernel rows ----------------------------------------------------

    cdef void _touch(self, intp_t slot) noexcept nogil:
        # Move ``slot`` to the front of the LRU list.
        if self.head == slot:
            return
        if self.prev[slot] != -1:   # unlink
            self.next[self.prev[slot]] = self.next[slot]
            self.prev[self.next[slot]] = self.prev[slot]
        if self.head == -1:
            self.prev[slot] = slot
            self.next[slot] = slot
        else:                        # insert before head (the list is circular)
            self.next[slot] = self.head
            self.prev[slot] = self.prev[self.head]
            self.next[self.prev[self.head]] = slot
            self.prev[self.head] = slot
        self.head = slot

    cdef void _compute(self, intp_t s, float32_t[::1] dst, bint full) noexcept nogil:
        # The row into rowbuf (float64), then rounded into the cache slot.
        cdef intp_t k, r
        cdef float64_t[::1] out = self.rowbuf
        full = full or self.active_size == self.n_vars
        if self.precomputed:
            if full:
                for k in range(self.n):
                    dst[k] = <float32_t> self.K[s, k]
            else:
                for k in range(self.n_active_samples):
                    r = self.active_samples[k]
                    dst[r] = <float32_t> self.K[s, r]
            return
        self._kernel_into(s, out, full)
        if full:
            for k in range(self.n):
                dst[k] = <float32_t> out[k]
        else:
            for k in range(self.n_active_samples):
                r = self.active_samples[k]
                dst[r] = <float32_t> out[r]

    cdef void _kernel_into(
        self, intp_t s, float64_t[::1] out, bint full
    ) noexcept nogil:
        cdef intp_t c, c0, c1, n_chunks, m
        cdef intp_t d = self.X.shape[1]
        if full:
            m = self.n
            if m * d < PARALLEL_WORK or self.n_threads == 1:
                kernel_row(self.X[s], self.X, self.spec, out)
                return
            n_chunks = (m + CHUNK - 1) // CHUNK
            for c in prange(n_chunks, schedule="static", num_threads=self.n_threads):
                c0 = c * CHUNK
                c1 = min(c0 + CHUNK, m)
                kernel_row(self.X[s], self.X[c0:c1], self.spec, out[c0:c1])
        else:
            m = self.n_active_samples
            if m * d < PARALLEL_WORK or self.n_threads == 1:
                kernel_row_indexed(self.X[s], self.X, self.active_samples[:m],
                                   self.spec, out)
                return
            n_chunks = (m + CHUNK - 1) // CHUNK
            for c in prange(n_chunks, schedule="static", num_threads=self.n_threads):
                c0 = c * CHUNK
                c1 = min(c0 + CHUNK, m)
                kernel_row_indexed(self.X[s], self.X, self.active_samples[c0:c1],
                                   self.spec, out)

    cdef const float32_t* _row(self, intp_t s, bint full) noexcept nogil:
        """Kernel row of sample ``s``: every sample, or the active ones at least."""
        cdef intp_t slot
        cdef bint need_full
        need_full = full or self.active_size == self.n_vars
        slot = self.slot_of[s]
        if slot >= 0:
            self._touch(slot)
            if self.gen_of[slot] == FULL or (
                not need_full and self.gen_of[slot] == self.generation
            ):
                return &self.data[slot, 0]
        else:
            if self.n_used < self.n_slots:
                slot = self.n_used
                self.n_used += 1
            else:                    # evict the least recently used
                slot = self.prev[self.head]
                self.slot_of[self.sample_in[slot]] = -1
            self.slot_of[s] = slot
            self.sample_in[slot] = s
            self._touch(slot)
        self._compute(s, self.data[slot], need_full)
        self.gen_of[slot] = FULL if need_full else self.generation
        return &self.data[slot, 0]

    # ---- active set -----------------------------------------------------

    cdef void _refresh_active_samples(self) noexcept nogil:
        cdef intp_t k, s, m = 0
        for k in range(self.active_size):
            s = self.idx[self.active[k]]
            if not self.sample_mark[s]:
                self.sample_mark[s] = 1
                self.active_samples[m] = s
                m += 1
        for k in range(m):
            self.sample_mark[self.active_samples[k]] = 0
        self.n_active_samples = m

    cdef void _deactivate(self, intp_t t) noexcept nogil:
        # Swap t with the last active variable and shrink the active set.
        cdef intp_t k = self.pos[t], last = self.active[self.active_size - 1]
        self.active[k] = last
        self.pos[last] = k
        self.active[self.active_size - 1] = t
        self.pos[t] = self.active_size - 1
        self.active_size -= 1

    cdef void _reconstruct_gradient(self) noexcept nogil:
        """Rebuild the gradient of the inactive variables and activate all."""
        cdef intp_t k, t, n_free = 0
        if self.active_size == self.n_vars:
            return
        for k in range(self.active_size):
            t = self.active[k]
            if self.status[t] == FREE:
                self.free_samples[n_free] = self.idx[t]
                self.free_coef[n_free] = self.y[t] * self.alpha[t]
                n_free += 1
        for k in prange(self.active_size, self.n_vars, schedule="static",
                        num_threads=self.n_threads):
            t = self.active[k]
            self.G[t] = self.G_bar[t] + self.p[t] + self._free_sum(
                t, n_free, threadid())
        self.active_size = self.n_vars
        self.generation += 1
        self._refresh_active_samples()

    cdef float64_t _free_sum(self, intp_t t, intp_t n_free,
                             intp_t tid) noexcept nogil:
        # y_t sum_f coef_f K(x_idx[t], x_f) over the free variables f, through a
        # scattered kernel row in this thread's scratch.
        cdef intp_t f
        cdef float64_t total = 0.0
        cdef float64_t[::1] out
        if n_free == 0:
            return 0.0
        if self.precomputed:
            for f in range(n_free):
                total += self.free_coef[f] * self.K[self.idx[t], self.free_samples[f]]
            return self.y[t] * total
        out = self.scratch[tid]
        kernel_row_indexed(self.X[self.idx[t]], self.X, self.free_samples[:n_free],
                           self.spec, out)
        for f in range(n_free):
            total += self.free_coef[f] * out[self.free_samples[f]]
        return self.y[t] * total

    cdef inline bint _be_shrunk(self, intp_t t, float64_t gmax1,
                                float64_t gmax2) noexcept nogil:
        if self.status[t] == UPPER:
            if self.y[t] > 0:
                return -self.G[t] > gmax1
            return -self.G[t] > gmax2
        if self.status[t] == LOWER:
            if self.y[t] > 0:
                return self.G[t] > gmax2
            return self.G[t] > gmax1
        return False

    cdef void _shrink(self) noexcept nogil:
        cdef intp_t k, t
        cdef float64_t gmax1 = -INFINITY, gmax2 = -INFINITY
        for k in range(self.active_size):
            t = self.active[k]
            if self.y[t] > 0:
                if self.status[t] != UPPER and -self.G[t] >= gmax1:
                    gmax1 = -self.G[t]
                if self.status[t] != LOWER and self.G[t] >= gmax2:
                    gmax2 = self.G[t]
            else:
                if self.status[t] != UPPER and -self.G[t] >= gmax2:
                    gmax2 = -self.G[t]
                if self.status[t] != LOWER and self.G[t] >= gmax1:
                    gmax1 = self.G[t]
        if not self.unshrink and gmax1 + gmax2 <= self.eps * 10:
            self.unshrink = True
            self._reconstruct_gradient()
        k = self.active_size - 1
        while k >= 0:
            t = self.active[k]
            if self._be_shrunk(t, gmax1, gmax2):
                self._deactivate(t)
            k -= 1
        self._refresh_active_samples()

    # ---- the iteration --------------------------------------------------

    cdef bint _select(self, intp_t* out_i, intp_t* out_j) noexcept nogil:
        """WSS2; True when the active problem is optimal within eps."""
        cdef intp_t k, t, i = -1, j = -1
        cdef float64_t gmax = -INFINITY, gmax2 = -INFINITY, obj_min = INFINITY
        cdef float64_t grad_diff, quad, obj, kij, qdi = 0.0
        cdef const float32_t* Ki = NULL
        for k in range(self.active_size):
            t = self.active[k]
            if self.y[t] > 0:
                if self.status[t] != UPPER and -self.G[t] >= gmax:
                    gmax = -self.G[t]
                    i = t
            elif self.status[t] != LOWER and self.G[t] >= gmax:
                gmax = self.G[t]
                i = t
        if i >= 0:
            Ki = self._row(self.idx[i], False)
            qdi = self.QD[i]
        for k in range(self.active_size):
            t = self.active[k]
            if self.y[t] > 0:
                if self.status[t] == LOWER:
                    continue
                grad_diff = gmax + self.G[t]
                if self.G[t] >= gmax2:
                    gmax2 = self.G[t]
            else:
                if self.status[t] == UPPER:
                    continue
                grad_diff = gmax - self.G[t]
                if -self.G[t] >= gmax2:
                    gmax2 = -self.G[t]
            if grad_diff > 0 and i >= 0:
                kij = Ki[self.idx[t]]
                quad = qdi + self.QD[t] - 2.0 * kij
                if quad <= 0:
                    quad = TAU
                obj = -(grad_diff * grad_diff) / quad
                if obj <= obj_min:
                    obj_min = obj
                    j = t
        out_i[0] = i
        out_j[0] = j
        return gmax + gmax2 < self.eps or j == -1

    cdef void _step(self, intp_t i, intp_t j) noexcept nogil:
        cdef const float32_t* Ki = self._row(self.idx[i], False)
        cdef const float32_t* Kj = self._row(self.idx[j], False)
        cdef float64_t Ci = self.C[i], Cj = self.C[j]
        cdef float64_t ai0 = self.alpha[i], aj0 = self.alpha[j]
        cdef float64_t ai = ai0, aj = aj0, quad, delta, diff, total
        cdef float64_t dai, daj, yi = self.y[i], yj = self.y[j]
        cdef unsigned char si = self.status[i], sj = self.status[j]
        cdef intp_t k, t, s
        quad = self.QD[i] + self.QD[j] - 2.0 * Ki[self.idx[j]]
        if quad <= 0:
            quad = TAU
        if yi != yj:
            delta = (-self.G[i] - self.G[j]) / quad
            diff = ai - aj
            ai += delta
            aj += delta
            if diff > 0:
                if aj < 0:
                    aj = 0
                    ai = diff
            elif ai < 0:
                ai = 0
                aj = -diff
            if diff > Ci - Cj:
                if ai > Ci:
                    ai = Ci
                    aj = Ci - diff
            elif aj > Cj:
                aj = Cj
                ai = Cj + diff
        else:
            delta = (self.G[i] - self.G[j]) / quad
            total = ai + aj
            ai -= delta
            aj += delta
            if total > Ci:
                if ai > Ci:
                    ai = Ci
                    aj = total - Ci
            elif aj < 0:
                aj = 0
                ai = total
            if total > Cj:
                if aj > Cj:
                    aj = Cj
                    ai = total - Cj
            elif ai < 0:
                ai = 0
                aj = total
        self.alpha[i] = ai
        self.alpha[j] = aj
        dai = (ai - ai0) * yi
        daj = (aj - aj0) * yj
        for k in range(self.active_size):
            t = self.active[k]
            s = self.idx[t]
            self.G[t] += self.y[t] * (Ki[s] * dai + Kj[s] * daj)
        self._update_status(i)
        self._update_status(j)
        if (si == UPPER) != (self.status[i] == UPPER):
            self._update_g_bar(i, si == UPPER)
        if (sj == UPPER) != (self.status[j] == UPPER):
            self._update_g_bar(j, sj == UPPER)

    cdef void _update_g_bar(self, intp_t i, bint was_upper) noexcept nogil:
        cdef const float32_t* Ki = self._row(self.idx[i], True)
        cdef float64_t c = self.C[i] * self.y[i]
        cdef intp_t t
        if was_upper:
            c = -c
        for t in range(self.n_vars):
            self.G_bar[t] += c * self.y[t] * Ki[self.idx[t]]

    cdef float64_t _rho(self) noexcept nogil:
        cdef intp_t t, n_free = 0
        cdef float64_t ub = INFINITY, lb = -INFINITY, total = 0.0, yg
        for t in range(self.n_vars):
            yg = self.y[t] * self.G[t]
            if self.status[t] == UPPER:
                if self.y[t] < 0:
                    ub = min(ub, yg)
                else:
                    lb = max(lb, yg)
            elif self.status[t] == LOWER:
                if self.y[t] > 0:
                    ub = min(ub, yg)
                else:
                    lb = max(lb, yg)
            else:
                n_free += 1
                total += yg
        if n_free > 0:
            return total / n_free
        return (ub + lb) / 2

    cdef intp_t _solve(self, intp_t max_iter, bint shrinking,
                       bint* converged) noexcept nogil:
        cdef intp_t it = 0, i, j
        cdef intp_t counter = min(self.n_vars, 1000) + 1
        converged[0] = False
        self._refresh_active_samples()
        while it < max_iter:
            counter -= 1
            if counter == 0:
                counter = min(self.n_vars, 1000)
                if shrinking:
                    self._shrink()
            if self._select(&i, &j):
                self._reconstruct_gradient()
                if self._select(&i, &j):
                    converged[0] = True
                    break
                counter = 1
            it += 1
            self._step(i, j)
        self._reconstruct_gradient()
        return it


def smo_solve(X, K, bint precomputed, int kind, float64_t gamma, float64_t coef0,
              float64_t degree, idx, y, p, C, float64_t tol, intp_t max_iter,
              intp_t cache_bytes, bint shrinking, int n_threads):
    """Solve the SMO dual; return ``(alpha, rho, n_iter, converged)``.

    ``X`` is the float64 C-contiguous sample matrix (``(1, 1)`` when
    ``precomputed``), ``K`` the precomputed kernel (or ``(1, 1)``); ``idx`` maps
    each variable to its sample, ``y`` (+1/-1), ``p`` and ``C`` are per variable.
    ``max_iter`` must be positive (the caller resolves "no limit").
    """
    cdef _Solver solver = _Solver(
        X, K, precomputed, kind, gamma, coef0, degree, idx, y, p, C, tol,
        cache_bytes, n_threads,
    )
    cdef bint converged
    cdef intp_t n_iter
    with nogil:
        n_iter = solver._solve(max_iter, shrinking, &converged)
    return np.asarray(solver.alpha), solver._rho(), n_iter, converged
