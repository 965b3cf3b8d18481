# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Metrics: pairwise distances and kernels, and the metrics of uplift models."""

from skml.metrics._pairwise import pairwise_distances, pairwise_kernels
from skml.metrics._uplift import (
    treatment_balance_curve,
    uplift_at_k,
    uplift_by_percentile,
    weighted_average_uplift,
)
from skml.metrics._uplift_curves import (
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    uplift_auc_score,
    uplift_curve,
)
from skml.metrics._uplift_plot import (
    QiniCurveDisplay,
    UpliftCurveDisplay,
    plot_uplift_by_percentile,
)
from skml.metrics._uplift_scorer import make_uplift_scorer

__all__ = [
    "QiniCurveDisplay",
    "UpliftCurveDisplay",
    "make_uplift_scorer",
    "pairwise_distances",
    "pairwise_kernels",
    "perfect_qini_curve",
    "perfect_uplift_curve",
    "plot_uplift_by_percentile",
    "qini_auc_score",
    "qini_curve",
    "treatment_balance_curve",
    "uplift_at_k",
    "uplift_auc_score",
    "uplift_by_percentile",
    "uplift_curve",
    "weighted_average_uplift",
]
