# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Split criteria: the owner of a criterion's arrays, and test shims."""

import numpy as np

from skml.utils._typedefs cimport float64_t, intp_t


cdef class CriterionSource:
    """Holds the per-sample arrays a :c:type:`Criterion` reads.

    ``kind`` is a criterion code; classification criteria take ``slots``
    (n_samples, n_outputs), the statistics slot ``output * stride + class`` of each
    sample, and ``n_classes``; the others take ``rows`` (n_samples, n_stats), each
    sample's weighted contribution to the statistics vector; the absolute error
    takes ``rows`` (n_samples, n_outputs), the targets, and ``ranks`` of the same
    shape, the rank of each target among its output's (ties broken by index).
    Arrays are validated by the Python caller.
    """

    def __cinit__(self, int kind, const float64_t[::1] weights, intp_t n_outputs,
                  intp_t n_stats, intp_t stride, n_classes=None, slots=None,
                  rows=None, ranks=None):
        self.c.kind = kind
        self.c.n_outputs = n_outputs
        self.c.n_stats = n_stats
        self.c.stride = stride
        self.weights_mv = weights
        self.c.weights = &self.weights_mv[0] if weights.shape[0] else NULL
        self.c.n_classes = NULL
        self.c.slots = NULL
        self.c.rows = NULL
        self.c.y_ranks = NULL
        if slots is not None:
            self.c.layout = LAYOUT_ONEHOT
            self.n_classes_mv = n_classes
            self.slots_mv = slots
            self.c.n_classes = &self.n_classes_mv[0]
            if self.slots_mv.shape[0]:
                self.c.slots = &self.slots_mv[0, 0]
        else:
            self.c.layout = LAYOUT_DENSE if ranks is None else LAYOUT_MEDIAN
            self.rows_mv = rows
            if self.rows_mv.shape[0]:
                self.c.rows = &self.rows_mv[0, 0]
            if ranks is not None:
                self.ranks_mv = ranks
                if self.ranks_mv.shape[0]:
                    self.c.y_ranks = &self.ranks_mv[0, 0]


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
    value = np.zeros(c.n_outputs * (c.stride if c.layout == LAYOUT_ONEHOT else 1))
    cdef float64_t[::1] v = value
    crit_value(c, &s[0], wn, &v[0])
    return crit_impurity(c, &s[0], wn), wn, value
