# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Metrics: pairwise distances and kernels (uplift metrics to follow)."""

from skml.metrics._pairwise import pairwise_distances, pairwise_kernels

__all__ = ["pairwise_distances", "pairwise_kernels"]
