# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Every public name is in the API reference; every family has a user-guide page."""

import re
from pathlib import Path

import pytest

from skml.utils.discovery import all_estimators, all_functions, public_modules

DOC = Path(__file__).resolve().parent.parent / "doc"


@pytest.fixture(scope="module")
def api_text():
    path = DOC / "api.rst"
    if not path.exists():
        pytest.skip("doc/ is not next to the tests")
    return path.read_text()


def test_api_reference_lists_every_public_name(api_text):
    listed = set(re.findall(r"^\s{3}([\w.]+)\s*$", api_text, flags=re.MULTILINE))
    listed = {name.rsplit(".", 1)[-1] for name in listed}
    public = {name for name, _ in all_estimators()} | {
        name
        for name, func in all_functions()
        # Functions of the discovery module are internal plumbing for tests.
        if func.__module__ != "skml.utils.discovery" or name.startswith("all_")
    }
    missing = public - listed
    assert not missing, f"not in doc/api.rst: {sorted(missing)}"


def test_every_family_has_a_user_guide_page():
    families = {
        module.split(".")[1]
        for module in public_modules()
        if module.count(".") == 1 and module != "skml.utils"
    }
    pages = {path.stem for path in (DOC / "user_guide").glob("*.rst")}
    assert families, "no public family found"
    missing = families - pages
    assert not missing, f"no doc/user_guide/<family>.rst for {sorted(missing)}"
