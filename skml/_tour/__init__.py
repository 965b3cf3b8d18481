# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The guided tour: every skml family next to its scikit-learn counterpart.

``python -m skml`` cross-validates each skml estimator and the matching
scikit-learn one on embedded data (scikit-learn's bundled datasets and generated
data; nothing is downloaded), prints a table of scores and fit-time ratios, and
writes one PNG per family. A family that needs an optional extra which is not
installed is skipped; one that fails to import otherwise is an error (exit 1).
"""

from skml._tour._main import main

__all__ = ["main"]
