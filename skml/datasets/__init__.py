# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Data sets: uplift problems with their true effects, and loaders of local files
of real uplift data (nothing is downloaded)."""

from skml.datasets._uplift import (
    load_criteo,
    load_hillstrom,
    make_uplift_classification,
    make_uplift_regression,
)

__all__ = [
    "load_criteo",
    "load_hillstrom",
    "make_uplift_classification",
    "make_uplift_regression",
]
