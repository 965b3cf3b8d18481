# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
import os

import pytest
from threadpoolctl import threadpool_limits

from skml.utils._openmp import effective_n_threads, openmp_supported


def _cpus():
    return len(os.sched_getaffinity(0))


def test_effective_n_threads_rules():
    if not openmp_supported():
        assert effective_n_threads(-1) == 1
        return
    assert effective_n_threads(3) == 3
    assert effective_n_threads(-1) == _cpus()
    assert effective_n_threads(-_cpus() - 5) == 1  # never below one thread
    assert 1 <= effective_n_threads(None) <= _cpus()


def test_effective_n_threads_honours_threadpool_limits():
    if not openmp_supported():
        pytest.skip("built without OpenMP")
    with threadpool_limits(limits=1, user_api="openmp"):
        assert effective_n_threads(None) == 1
    # An explicit n_jobs is what the user asked for.
    with threadpool_limits(limits=1, user_api="openmp"):
        assert effective_n_threads(2) == 2


def test_effective_n_threads_rejects_zero():
    with pytest.raises(ValueError, match="n_jobs == 0"):
        effective_n_threads(0)


def test_built_with_openmp_on_linux():
    # Our Linux build must have OpenMP (GCC supports it); a silent serial build
    # would make n_jobs a no-op.
    import sys

    if sys.platform.startswith("linux"):
        assert openmp_supported()
