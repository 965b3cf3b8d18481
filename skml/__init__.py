# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml: scikit-learn-compatible classical machine learning and uplift learners.

Families are imported lazily (``skml.naive_bayes`` is loaded on first access), so
``import skml`` stays fast.
"""

import importlib

from skml._version import __version__
from skml.utils._show_versions import show_versions

# Public subpackages, loaded on first attribute access.
_SUBMODULES = (
    "cluster",
    "datasets",
    "decomposition",
    "ensemble",
    "linear_model",
    "metrics",
    "naive_bayes",
    "neighbors",
    "neural_network",
    "svm",
    "tree",
    "uplift",
    "utils",
)

__all__ = ["__version__", "show_versions", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"skml.{name}")
    raise AttributeError(f"module 'skml' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
