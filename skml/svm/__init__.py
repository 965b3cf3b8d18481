# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Support vector machines: kernel SVC and SVR (SMO), linear SVMs (dual CD)."""

from skml.svm._classes import SVC, SVR
from skml.svm._linear_svm import LinearSVC, LinearSVR

__all__ = ["SVC", "SVR", "LinearSVC", "LinearSVR"]
