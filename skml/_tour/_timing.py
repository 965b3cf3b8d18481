# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Fair fit times for the tour's side-by-side comparisons."""

import time

# Rounds of a comparison whose slowest call is short. Calls of well under a
# second are the ones that one-off costs (lazy imports, the first start of a
# thread pool, a cold cache) and other processes distort most; repeating them is
# cheap.
SHORT_CALL_ROUNDS = 3
SHORT_CALL_SECONDS = 1.0


def best_times(calls):
    """Call each of ``calls`` (functions without arguments) and time it.

    Returns the outputs of each call's last run and each call's best time. While
    the slowest call takes less than ``SHORT_CALL_SECONDS``, up to
    ``SHORT_CALL_ROUNDS`` rounds run, each in the reverse order of the previous
    one, so that neither library always runs first (and alone pays for what the
    first run warms up).
    """
    calls = list(calls)
    outputs = [None] * len(calls)
    best = [float("inf")] * len(calls)
    order = list(range(len(calls)))
    for _ in range(SHORT_CALL_ROUNDS):
        for i in order:
            start = time.perf_counter()
            outputs[i] = calls[i]()
            best[i] = min(best[i], time.perf_counter() - start)
        if max(best) >= SHORT_CALL_SECONDS:
            break
        order.reverse()
    return outputs, best
