# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.uplift's meta-learners, skml vs causalml.

The uplift issue's target: on IHDP replications 1-10 (``../shared/data/ihdp``), the
sqrt-PEHE of skml's X- and DR-learners is at most that of causalml's same learner
with the same base model (skml's RandomForestRegressor for both; each library's
default propensity model). ``time_fit`` fits all ten replications. The benchmark
is skipped when the shared data or causalml is absent.
"""

from pathlib import Path

import numpy as np

from .common import Benchmark

IHDP = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ihdp"


def _replications():
    reps = []
    for rep in range(1, 11):
        path = IHDP / f"ihdp_npci_{rep}.csv"
        if not path.exists():
            raise NotImplementedError(f"{path} is absent")  # asv skips the benchmark
        data = np.loadtxt(path, delimiter=",")
        # treatment, y_factual, y_cfactual, mu0, mu1, x1..x25
        reps.append(
            (data[:, 5:], data[:, 1], data[:, 0].astype(int), data[:, 4] - data[:, 3])
        )
    return reps


def _base():
    from skml.ensemble import RandomForestRegressor

    return RandomForestRegressor(n_estimators=100, min_samples_leaf=5, random_state=0)


def _fit_predict(library, learner, X, y, t):
    if library == "skml":
        import skml.uplift

        cls = {"X": skml.uplift.XLearner, "DR": skml.uplift.DRLearner}[learner]
        kwargs = {"random_state": 0} if learner == "DR" else {}
        return cls(_base(), **kwargs).fit(X, y, treatment=t).predict(X)
    try:
        from causalml.inference.meta import BaseDRRegressor, BaseXRegressor
    except ImportError as exc:
        raise NotImplementedError("causalml is not installed") from exc
    cls = {"X": BaseXRegressor, "DR": BaseDRRegressor}[learner]
    return np.ravel(cls(learner=_base()).fit_predict(X, t, y))


class MetaLearnerIHDPBench(Benchmark):
    """X- and DR-learners on IHDP replications 1-10 (747 x 25 each)."""

    params = (["skml", "causalml"], ["X", "DR"])
    param_names = ["library", "learner"]

    def setup(self, library, learner):
        self.reps = _replications()
        if library == "causalml":
            _fit_predict(library, learner, *self.reps[0][:3])  # ImportError -> skip

    def time_fit(self, library, learner):
        for X, y, t, _ in self.reps:
            _fit_predict(library, learner, X, y, t)

    def track_pehe(self, library, learner):
        errors = [
            np.sqrt(np.mean((_fit_predict(library, learner, X, y, t) - tau) ** 2))
            for X, y, t, tau in self.reps
        ]
        return float(np.mean(errors))

    track_pehe.unit = "sqrt-PEHE"
