# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Utilities: estimator discovery and threading helpers."""

from skml.utils._openmp import effective_n_threads
from skml.utils.discovery import all_estimators, all_functions

__all__ = ["all_estimators", "all_functions", "effective_n_threads"]
