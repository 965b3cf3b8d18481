# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Split criteria: their codes, the owner of a criterion's arrays, test shims.

The hooks themselves are inline functions of ``_criterion.pxd``.
"""

import numpy as np

from libc.math cimport INFINITY

from skml.utils._typedefs cimport float64_t, intp_t

# Criterion name -> code, the one table of codes (skml._splitting reads it).
KINDS = {
    "gini": GINI,
    "entropy": ENTROPY,
    "squared_error": SQUARED_ERROR,
    "poisson": POISSON,
    "absolute_error": ABSOLUTE_ERROR,
    "newton": NEWTON,
    "uplift_kl": UPLIFT_KL,
    "uplift_ed": UPLIFT_ED,
    "uplift_chi": UPLIFT_CHI,
    "uplift_cts": UPLIFT_CTS,
    "uplift_ddp": UPLIFT_DDP,
    "uplift_reg": UPLIFT_REG,
}

# Code -> how a sample contributes to the statistics vector.
_LAYOUTS = {
    GINI: LAYOUT_ONEHOT,
    ENTROPY: LAYOUT_ONEHOT,
    SQUARED_ERROR: LAYOUT_DENSE,
    POISSON: LAYOUT_DENSE,
    ABSOLUTE_ERROR: LAYOUT_MEDIAN,
    NEWTON: LAYOUT_DENSE,
    UPLIFT_KL: LAYOUT_DENSE,
    UPLIFT_ED: LAYOUT_DENSE,
    UPLIFT_CHI: LAYOUT_DENSE,
    UPLIFT_CTS: LAYOUT_DENSE,
    UPLIFT_DDP: LAYOUT_DENSE,
    UPLIFT_REG: LAYOUT_DENSE,
}

# Uplift log tables: the largest total weight they are built for (three
# tables of that length, and two per group for KL).
MAX_TABLE_WEIGHT = 1 << 22

# The last global log tables made, by (length, n_reg): the trees of a forest
# share them (they are read only).
_LOG_TABLES = {}


def newton_rows(const float64_t[:, :] gradients, const float64_t[:, :] hessians,
                const float64_t[::1] sample_weight):
    """The rows of the ``"newton"`` criterion: ``w * (g, h)`` per output, an
    (n_samples, 2 * n_outputs) array. One pass, where NumPy's broadcasts
    would make two temporaries and two strided copies per tree."""
    cdef intp_t n = gradients.shape[0], n_outputs = gradients.shape[1], i, o
    if (hessians.shape[0] != n or hessians.shape[1] != n_outputs
            or sample_weight.shape[0] != n):
        raise ValueError("newton_rows: gradients, hessians and sample_weight "
                         "disagree in shape.")
    rows = np.empty((n, 2 * n_outputs))
    cdef float64_t[:, ::1] out = rows
    with nogil:
        for i in range(n):
            for o in range(n_outputs):
                out[i, 2 * o] = gradients[i, o] * sample_weight[i]
                out[i, 2 * o + 1] = hessians[i, o] * sample_weight[i]
    return rows


def _global_log_tables(intp_t n, float64_t n_reg):
    # (3, n): log(k), log(k + 0.1), log(k + n_reg) for k < n.
    key = (n, n_reg)
    tables = _LOG_TABLES.get(key)
    if tables is None:
        k = np.arange(n, dtype=np.float64)
        with np.errstate(divide="ignore"):
            tables = np.stack([np.log(k), np.log(k + 0.1), np.log(k + n_reg)])
        tables.flags.writeable = False
        _LOG_TABLES.clear()
        _LOG_TABLES[key] = tables
    return tables


# The uplift codes: a node value holds 3 values per group.
_UPLIFT = (UPLIFT_KL, UPLIFT_ED, UPLIFT_CHI, UPLIFT_CTS, UPLIFT_DDP, UPLIFT_REG)


cdef class CriterionSource:
    """Holds the per-sample arrays and the parameters a :c:type:`Criterion`
    reads.

    ``kind`` is a code of ``KINDS`` (any other raises ValueError, so that the
    core never sees one). Classification criteria take ``slots`` (n_samples,
    n_outputs), the statistics slot ``output * stride + class`` of each sample,
    and ``n_classes``; the absolute error takes ``rows`` (n_samples, n_outputs),
    the targets, and ``ranks`` of the same shape, the rank of each target among
    its output's (ties broken by index); the others take ``rows`` (n_samples,
    n_stats), each sample's weighted contribution to the statistics vector
    (NEWTON: ``w * (g, h)`` per output; uplift: ``w * (1, y)``, or ``w * (1, y,
    y^2)`` for UPLIFT_REG, at the sample's group, ``stride`` values per group).
    ``l2``, ``l1``, ``min_child_weight`` and ``monotonic_cst`` (int32 of
    shape (n_features,), -1, 0 or +1 per feature; None: no constraint) are
    NEWTON's parameters (see ``_criterion.pxd``); ``control``, ``n_groups``, ``n_reg``,
    ``min_samples_treatment`` and ``normalization`` the uplift criteria's;
    with ``log_tables`` (and integer weights) they read their logarithms from
    tables (``_criterion.pxd``, "Log tables").
    Arrays are validated by the Python caller.

    ``n_values`` (n_outputs,) is the width of a node value per output, as the
    criterion declares it: the classes of each output for classification,
    ``3 * n_groups`` for uplift (raw means, regularised means and weights of
    the groups), else 1. The tree's value array is sized from it.
    """

    def __cinit__(self, int kind, const float64_t[::1] weights, intp_t n_outputs,
                  intp_t n_stats, intp_t stride, n_classes=None, slots=None,
                  rows=None, ranks=None, *, float64_t l2=0.0, float64_t l1=0.0,
                  float64_t min_child_weight=0.0, intp_t control=0,
                  intp_t n_groups=0, float64_t n_reg=0.0,
                  float64_t min_samples_treatment=0.0, bint normalization=False,
                  monotonic_cst=None, bint log_tables=True):
        if kind not in _LAYOUTS:
            raise ValueError(f"Unknown criterion code {kind}; expected one of "
                             f"{sorted(_LAYOUTS)}.")
        layout = _LAYOUTS[kind]
        needed = {LAYOUT_ONEHOT: (("slots", slots), ("n_classes", n_classes)),
                  LAYOUT_DENSE: (("rows", rows),),
                  LAYOUT_MEDIAN: (("rows", rows), ("ranks", ranks))}[layout]
        for name, array in needed:
            if array is None:
                raise ValueError(f"Criterion code {kind} needs `{name}`.")
        self.c.kind = kind
        self.c.layout = layout
        self.c.n_outputs = n_outputs
        self.c.n_stats = n_stats
        self.c.stride = stride
        self.c.l2 = l2
        self.c.l1 = l1
        self.c.min_child_weight = min_child_weight
        self.c.monotonic_cst = NULL
        self.c.lower = -INFINITY
        self.c.upper = INFINITY
        if monotonic_cst is not None and kind == NEWTON:
            self.monotonic_mv = monotonic_cst
            if self.monotonic_mv.shape[0]:
                self.c.monotonic_cst = &self.monotonic_mv[0]
        self.c.control = control
        self.c.n_groups = n_groups
        self.c.n_reg = n_reg
        self.c.min_samples_treatment = min_samples_treatment
        self.c.normalization = normalization
        self.c.has_parent = 0
        self.c.node_metric = 0.0
        self.means_mv = np.zeros(3 * max(n_groups, 1))
        self.c.parent_means = &self.means_mv[0]
        self.c.node_means = &self.means_mv[max(n_groups, 1)]
        self.c.norm_groups = &self.means_mv[2 * max(n_groups, 1)]
        self.c.norm_all = 0.0
        self.c.table_len = 0
        self.c.node_tables = 0
        self.c.log_int = NULL
        self.c.log_int01 = NULL
        self.c.log_intr = NULL
        self.c.log_a = NULL
        self.c.log_b = NULL
        if log_tables and kind in _UPLIFT:
            self._set_log_tables(np.asarray(weights), kind, n_groups, n_reg)
        self.weights_mv = weights
        self.c.weights = &self.weights_mv[0] if weights.shape[0] else NULL
        self.c.n_classes = NULL
        self.c.slots = NULL
        self.c.rows = NULL
        self.c.y_ranks = NULL
        if layout == LAYOUT_ONEHOT:
            self.n_classes_mv = n_classes
            self.slots_mv = slots
            self.c.n_classes = &self.n_classes_mv[0]
            if self.slots_mv.shape[0]:
                self.c.slots = &self.slots_mv[0, 0]
            self.n_values = np.array(n_classes, dtype=np.intp)
        else:
            self.rows_mv = rows
            if self.rows_mv.shape[0]:
                self.c.rows = &self.rows_mv[0, 0]
            if layout == LAYOUT_MEDIAN:
                self.ranks_mv = ranks
                if self.ranks_mv.shape[0]:
                    self.c.y_ranks = &self.ranks_mv[0, 0]
            self.n_values = np.ones(n_outputs, dtype=np.intp)
            if kind in _UPLIFT:
                self.n_values = np.full(n_outputs, 3 * n_groups, dtype=np.intp)

    def _set_log_tables(self, weights, int kind, intp_t n_groups, float64_t n_reg):
        # The uplift log tables (_criterion.pxd, "Log tables"), when every
        # weight is a non-negative integer of total at most MAX_TABLE_WEIGHT.
        total = float(weights.sum()) if weights.shape[0] else 0.0
        if (total > MAX_TABLE_WEIGHT or weights.shape[0] == 0
                or not np.all(weights == np.floor(weights))):
            return
        cdef intp_t n = <intp_t> total + 1
        self.tables_mv = _global_log_tables(n, n_reg)
        self.c.log_int = &self.tables_mv[0, 0]
        self.c.log_int01 = &self.tables_mv[1, 0]
        self.c.log_intr = &self.tables_mv[2, 0]
        if kind == UPLIFT_KL:
            # Written by crit_begin_split before any read.
            self.node_tables_mv = np.empty(2 * n_groups * n)
            self.c.log_a = &self.node_tables_mv[0]
            self.c.log_b = &self.node_tables_mv[n_groups * n]
        self.c.table_len = n

    @property
    def log_tables(self):
        """Whether the uplift criterion reads its logarithms from tables."""
        return self.c.table_len > 0


def _py_node_impurity(CriterionSource source, const intp_t[::1] samples):
    """Test shim: impurity, weighted count and value of a set of samples."""
    cdef const Criterion* c = &source.c
    if c.layout == LAYOUT_MEDIAN:
        raise ValueError("The absolute error has no additive statistics.")
    stats = np.zeros(c.n_stats)
    cdef float64_t[::1] s = stats
    cdef float64_t wn = 0.0
    cdef intp_t i
    for i in samples:
        crit_add(c, &s[0], i)
        wn += c.weights[i]
    crit_begin_node(&source.c, &s[0], NULL, -INFINITY, INFINITY)
    value = np.zeros(c.n_outputs * int(source.n_values.max()))
    cdef float64_t[::1] v = value
    crit_value(c, &s[0], wn, &v[0])
    return crit_impurity(c, &s[0], wn), wn, value


def _py_log_tables(CriterionSource source, const intp_t[::1] samples):
    """Test shim: the uplift log tables, those of the node of ``samples``
    (crit_begin_node, crit_begin_split) included: a dict of log_int,
    log_int01, log_intr and, for KL, log_a and log_b (n_groups, table_len),
    with the node's regularised means ``means``; {} without tables."""
    cdef Criterion* c = &source.c
    cdef intp_t n = c.table_len, i, g
    if n == 0:
        return {}
    stats = np.zeros(c.n_stats)
    cdef float64_t[::1] s = stats
    for i in samples:
        crit_add(c, &s[0], i)
    crit_begin_node(c, &s[0], NULL, -INFINITY, INFINITY)
    crit_begin_split(c, &s[0])
    tables = np.asarray(source.tables_mv)
    out = {"log_int": tables[0].copy(), "log_int01": tables[1].copy(),
           "log_intr": tables[2].copy(),
           "means": np.array([c.node_means[g] for g in range(c.n_groups)])}
    if c.log_a != NULL:
        node = np.asarray(source.node_tables_mv).reshape(2, c.n_groups, n)
        out["log_a"] = node[0].copy()
        out["log_b"] = node[1].copy()
        out["stats"] = stats
    return out


def _py_proxies(CriterionSource source, const float64_t[::1] parent,
                const float64_t[:, ::1] lefts, float64_t best):
    """Test shim: (crit_proxy, crit_proxy_above) of each left child in
    ``lefts`` of the root of statistics ``parent`` (weights in the slots
    ``g * stride``)."""
    cdef Criterion* c = &source.c
    cdef intp_t i, g
    cdef float64_t wn = 0.0, wl
    right = np.zeros(c.n_stats)
    cdef float64_t[::1] r = right
    out = np.zeros((lefts.shape[0], 2))
    for g in range(c.n_groups):
        wn += parent[g * c.stride]
    crit_begin_node(c, &parent[0], NULL, -INFINITY, INFINITY)
    crit_begin_split(c, &parent[0])
    for i in range(lefts.shape[0]):
        wl = 0.0
        for g in range(c.n_groups):
            wl += lefts[i, g * c.stride]
        out[i, 0] = crit_proxy(c, &parent[0], &lefts[i, 0], &r[0], wn, wl)
        out[i, 1] = crit_proxy_above(c, &parent[0], &lefts[i, 0], &r[0], wn, wl,
                                     best)
    return out
