# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The single source of skml's version (read by pyproject.toml at build time)."""

__version__ = "0.1.0.dev0"
