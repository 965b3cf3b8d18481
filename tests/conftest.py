# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Shared fixtures. Tests run against the installed skml, never the source tree."""

import os
from pathlib import Path

import pytest

import skml

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared/data from the repository root; SKML_SHARED_DATA overrides it (a git
# worktree has no ../shared next to it).
SHARED_DATA = Path(
    os.environ.get("SKML_SHARED_DATA", REPO_ROOT.parent / "shared" / "data")
)


def pytest_report_header(config):
    from skml.utils._openmp import effective_n_threads, openmp_supported

    return [
        f"skml {skml.__version__} from {Path(skml.__file__).parent}",
        f"OpenMP: {openmp_supported()}, threads: {effective_n_threads(None)}",
    ]


def pytest_configure(config):
    # Guard against testing the source tree by accident: its compiled modules are
    # not built in place, and package-data mistakes would go unseen.
    installed_at = Path(skml.__file__).resolve().parent
    if (
        installed_at == REPO_ROOT / "skml"
        and os.environ.get("SKML_ALLOW_SOURCE_TREE") != "1"
    ):
        raise pytest.UsageError(
            "skml was imported from the source tree; run the tests against the "
            "installed package (make test), or set SKML_ALLOW_SOURCE_TREE=1."
        )


def _random_seeds():
    # SKML_TESTS_GLOBAL_RANDOM_SEED: unset -> 42; "all" -> 0..99; "1-5" -> range;
    # "7" -> that seed.
    value = os.environ.get("SKML_TESTS_GLOBAL_RANDOM_SEED")
    if value is None:
        return [42]
    if value == "all":
        return list(range(100))
    if "-" in value:
        start, stop = map(int, value.split("-"))
        return list(range(start, stop + 1))
    return [int(value)]


@pytest.fixture(params=_random_seeds())
def global_random_seed(request):
    """An integer seed; every random call in a test is seeded from it."""
    return request.param


@pytest.fixture
def shared_data():
    """Path to ../shared/data; the test is skipped when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED_DATA
