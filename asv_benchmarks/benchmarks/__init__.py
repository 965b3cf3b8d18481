# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""asv benchmarks: every benchmark is parameterised by library (skml vs its peer)."""
