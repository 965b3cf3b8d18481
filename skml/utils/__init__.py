# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Utilities: estimator discovery."""

from skml.utils.discovery import all_estimators, all_functions

__all__ = ["all_estimators", "all_functions"]
