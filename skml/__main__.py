# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""``python -m skml``: the guided tour (see ``python -m skml --help``)."""

from skml._tour import main

raise SystemExit(main())
