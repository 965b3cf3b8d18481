# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Split finders over the exact partitioner: best and random thresholds.

from libc.stdint cimport uint64_t

from skml._splitting._columns cimport CSCColumns
from skml._splitting._criterion cimport Criterion, CriterionSource
from skml.utils._typedefs cimport float32_t, float64_t, intp_t, uint8_t, uint32_t

cdef enum:
    SPLIT_BEST = 0      # best threshold of every drawn feature
    SPLIT_RANDOM = 1    # one uniformly drawn threshold per drawn feature

cdef enum:
    RAND_R_MAX = 0x7FFFFFFF     # largest value of rand_r


cdef inline uint32_t rand_r(uint32_t* seed) noexcept nogil:
    # xorshift32, as scikit-learn's ``our_rand_r``.
    if seed[0] == 0:
        seed[0] = 1
    seed[0] ^= <uint32_t> (seed[0] << 13)
    seed[0] ^= <uint32_t> (seed[0] >> 17)
    seed[0] ^= <uint32_t> (seed[0] << 5)
    return seed[0] % (<uint32_t> RAND_R_MAX + 1)


cdef inline intp_t rand_int(intp_t low, intp_t high, uint32_t* seed) noexcept nogil:
    return low + rand_r(seed) % (high - low)


cdef inline float64_t rand_uniform(float64_t low, float64_t high,
                                   uint32_t* seed) noexcept nogil:
    return (high - low) * <float64_t> rand_r(seed) / <float64_t> RAND_R_MAX + low


cdef struct SplitRecord:
    intp_t feature              # feature split on
    intp_t pos                  # samples[start:pos] go left; pos == end: no split
    float64_t threshold         # go left when X[:, feature] <= threshold
    float64_t improvement       # gain of the split (crit_gain)
    float64_t impurity_left     # impurity of the left child
    float64_t impurity_right    # impurity of the right child
    uint8_t missing_go_to_left  # whether NaN goes left
    intp_t n_missing            # samples with NaN in feature
    uint8_t categorical         # a categorical split (HistSplitter only):
    uint32_t cat_bits[8]        # category c goes left when bit c is set


cdef class Splitter:
    cdef CriterionSource source         # owner of the criterion arrays
    cdef const Criterion* crit          # the criterion (points into source)
    cdef const float32_t[::1, :] X      # (n_samples, n_features) Fortran-ordered
    cdef CSCColumns csc                 # sparse X instead (X then has no rows)
    cdef int method                     # SPLIT_BEST or SPLIT_RANDOM
    cdef intp_t n_features              # number of features
    cdef intp_t max_features            # features drawn per node
    cdef intp_t min_samples_leaf        # fewest samples in a child
    cdef float64_t min_weight_leaf      # least weight in a child
    cdef float64_t weighted_n_samples   # total weight of the training samples
    cdef uint32_t rand_state            # state of the xorshift generator
    cdef const uint8_t* allowed         # (n_features,) features the node may
    #                                     split on (interaction constraints,
    #                                     set by the builder), NULL: all
    cdef intp_t n_samples               # samples with nonzero weight
    cdef intp_t[::1] samples            # sample ids, node by node
    cdef intp_t[::1] features           # feature ids, permuted by the draws
    cdef intp_t[::1] constant_features  # features known constant, in order
    cdef float32_t[::1] values          # feature values of the node's samples
    cdef uint64_t[::1] keys             # sort keys
    cdef uint64_t[::1] scratch          # radix sort buffer
    cdef float64_t[::1] left            # statistics left of a candidate
    cdef float64_t[::1] right           # scratch for right statistics
    cdef float64_t[::1] missing         # statistics of the missing samples
    # The absolute error only (see _median.pxd):
    cdef bint median                    # the criterion is the absolute error
    cdef intp_t ranked_start            # node whose targets are ranked...
    cdef intp_t ranked_end              # ...(samples[ranked_start:ranked_end])
    cdef intp_t[::1] node_rank          # (n_rows * n_outputs) rank in its node
    cdef intp_t[::1] rank_order         # (n_outputs * n) sample at each rank
    cdef float64_t[::1] rank_y          # (n_outputs * n) target at each rank
    cdef float64_t[::1] rank_w          # (n_outputs * n) weight at each rank
    cdef signed char[::1] member        # (n_rows,) side of a sample in a split
    cdef float64_t[::1] fen_w           # (n + 1,) Fenwick tree of weights...
    cdef float64_t[::1] fen_wy          # ...and of weighted targets
    cdef float64_t[::1] prefix_w        # (n + 1,) weight of each prefix
    cdef float64_t[::1] prefix_loss     # (n + 1,) loss of each prefix
    cdef float64_t[::1] suffix_loss     # (n + 1,) loss of each suffix

    cdef const float32_t* _column(self, intp_t feature, intp_t start,
                                  intp_t end, bint* all_zero) noexcept nogil
    cdef void node_stats(self, intp_t start, intp_t end, float64_t* stats,
                         float64_t* wn) noexcept nogil
    cdef bint children_stats(self, float64_t* left, float64_t* right) noexcept nogil
    cdef void node_children(self, intp_t start, intp_t pos,
                            intp_t end) noexcept nogil
    cdef void node_leaf(self, intp_t start, intp_t end) noexcept nogil
    cdef void node_split(self, intp_t start, intp_t end,
                         const float64_t* parent, float64_t wn,
                         float64_t impurity, intp_t* n_constant_features,
                         SplitRecord* split) noexcept nogil
    cdef void _rank_node(self, intp_t start, intp_t end) noexcept nogil
    cdef void _median_sweep(self, intp_t start, intp_t end) noexcept nogil
    cdef void _median_children(self, intp_t start, intp_t pos, intp_t end,
                               float64_t* loss_left, float64_t* loss_right,
                               float64_t* wl) noexcept nogil
    cdef void _move_left(self, intp_t start, intp_t end, intp_t pos,
                         intp_t new_pos, const float64_t* parent, float64_t wn,
                         float64_t* wl) noexcept nogil
    cdef void _sweep(self, intp_t start, intp_t end, intp_t n_missing,
                     const intp_t* zero_run, intp_t feature,
                     const float64_t* parent, float64_t wn,
                     float64_t* best_proxy, SplitRecord* best) noexcept nogil
    cdef void _random(self, intp_t start, intp_t end, intp_t n_missing,
                      intp_t feature, const float32_t* column,
                      float32_t vmin, float32_t vmax,
                      const float64_t* parent, float64_t wn,
                      float64_t* best_proxy, SplitRecord* best) noexcept nogil
