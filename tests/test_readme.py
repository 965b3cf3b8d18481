# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The README's quickstart runs as printed, against the installed package."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_readme_quickstart_runs(tmp_path):
    readme = REPO_ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not beside the tests")
    match = re.search(r"## Quickstart.*?```python\n(.*?)```", readme.read_text(), re.S)
    assert match, "README.md has no Quickstart python block"
    # Run from elsewhere, so that the installed package is imported.
    subprocess.run([sys.executable, "-c", match.group(1)], cwd=tmp_path, check=True)
