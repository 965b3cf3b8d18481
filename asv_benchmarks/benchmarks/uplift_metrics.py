# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml's uplift metrics against scikit-uplift's (``sklift``) on 1M rows."""

import warnings
from functools import lru_cache

import numpy as np

import skml.metrics

from .common import Benchmark, size

PEERS = ["skml", "sklift"]


@lru_cache(maxsize=2)
def uplift_data(n_samples, seed=0):
    """Binary outcomes of a randomised campaign and a continuous uplift score."""
    rng = np.random.default_rng(seed)
    treatment = rng.integers(0, 2, n_samples)
    uplift = rng.standard_normal(n_samples)
    p = 0.2 + 0.1 * treatment * (uplift > 0)
    y = (rng.random(n_samples) < p).astype(np.int64)
    return y, uplift, treatment


def _module(library):
    if library == "skml":
        return skml.metrics
    try:
        import sklift.metrics
    except ImportError as exc:  # asv skips a benchmark whose setup raises this
        raise NotImplementedError("scikit-uplift is not installed") from exc
    # scikit-uplift calls scikit-learn's deprecated stable_cumsum.
    warnings.filterwarnings("ignore", category=FutureWarning)
    return sklift.metrics


class _UpliftBench(Benchmark):
    """Times one call on 1M rows (10k in the fast profile)."""

    def time_metric(self, *params):
        self.call()

    def peakmem_metric(self, *params):
        self.call()

    def track_value(self, *params):
        # The value itself: skml and scikit-uplift must agree (difference 0).
        result = self.call()
        return float(result[1][-1] if isinstance(result, tuple) else result)


class UpliftScoresBench(_UpliftBench):
    """Normalised Qini and uplift AUCs, and the Qini curve."""

    params = (PEERS, ["qini_auc_score", "uplift_auc_score", "qini_curve"])
    param_names = ["library", "metric"]

    def setup(self, library, metric):
        y, uplift, treatment = uplift_data(size(1_000_000, 10_000))
        func = getattr(_module(library), metric)
        self.call = lambda: func(y, uplift, treatment)


class UpliftAtKBench(_UpliftBench):
    """uplift_at_k at k=0.3."""

    params = (PEERS, ["overall", "by_group"])
    param_names = ["library", "strategy"]

    def setup(self, library, strategy):
        y, uplift, treatment = uplift_data(size(1_000_000, 10_000))
        func = _module(library).uplift_at_k
        self.call = lambda: func(y, uplift, treatment, strategy, k=0.3)
