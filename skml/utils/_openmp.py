# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Turn ``n_jobs`` into the thread count handed to compiled ``prange`` loops."""

import os

from skml.utils._openmp_helpers import openmp_max_threads, openmp_supported

__all__ = ["effective_n_threads", "openmp_supported"]


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def effective_n_threads(n_jobs=None):
    """Return the number of OpenMP threads to use for ``n_jobs``.

    Parameters
    ----------
    n_jobs : int or None, default=None
        ``None`` uses OpenMP's default (which honours ``OMP_NUM_THREADS`` and
        threadpoolctl limits, capped at the CPUs available); ``-1`` uses every
        available CPU; ``-2`` all but one, and so on; a positive value is used as
        is.

    Returns
    -------
    n_threads : int
        At least 1; always 1 when skml was built without OpenMP.
    """
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, -1 or a positive int.")
    if not openmp_supported():
        return 1
    if n_jobs is None:
        return max(1, min(openmp_max_threads(), _cpu_count()))
    if n_jobs < 0:
        return max(1, _cpu_count() + 1 + n_jobs)
    return int(n_jobs)
