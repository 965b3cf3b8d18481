# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Bases for skml's asv benchmarks.

Every benchmark class takes the library as its FIRST parameter (``param_names``
starts with ``"library"``), so one ``asv run --python=same`` times skml and its peer
side by side, and ``asv_benchmarks/compare.py`` prints the skml/peer ratio of each
benchmark.

Two profiles, chosen by the environment variable ``SKML_BENCH_PROFILE``:
``"regular"`` (default: the problem sizes the issues' speed targets name) and
``"fast"`` (small sizes for CI smoke runs). Use :func:`size` to pick one.

A subclass of :class:`Estimator` only says how to make its data and its estimator::

    class GaussianNBBench(Predictor, Estimator):
        params = (["skml", "sklearn"], ["float64"])
        param_names = ["library", "dtype"]

        def make_data(self, library, dtype):
            return datasets.classification(size(200_000, 5_000), 50, dtype=dtype)

        def make_estimator(self, library, dtype):
            module = skml.naive_bayes if library == "skml" else sklearn.naive_bayes
            return module.GaussianNB()
"""

import os
import pickle
import tempfile
from abc import ABC, abstractmethod

LIBRARIES = ["skml", "sklearn"]


def profile():
    """Return the benchmark profile: ``"regular"`` or ``"fast"``."""
    value = os.environ.get("SKML_BENCH_PROFILE", "regular")
    if value not in ("regular", "fast"):
        raise ValueError(
            f"SKML_BENCH_PROFILE must be 'regular' or 'fast', got {value!r}"
        )
    return value


def size(regular, fast):
    """Pick a problem size for the active profile."""
    return fast if profile() == "fast" else regular


def n_jobs_values():
    """The ``n_jobs`` settings benchmarked: 1 and all cores (STYLE.md)."""
    return [1, -1]


class Benchmark:
    """asv settings shared by every skml benchmark."""

    timeout = 600
    processes = 1
    # A fitted model's timings vary little; few repeats keep the suite short.
    repeat = (1, 3, 30.0)
    number = 1
    warmup_time = 0.0
    min_run_count = 1


class Estimator(ABC, Benchmark):
    """``time_fit``, ``peakmem_fit`` and ``track_test_score`` for one estimator.

    Subclasses define ``params`` (library first), ``param_names``,
    ``make_data(*params)`` returning ``(X_train, X_test, y_train, y_test)``
    (``y_*`` may be None) and ``make_estimator(*params)``. Data are generated once
    per parameter set in ``setup_cache``-free fashion: generators in ``datasets``
    are memoised.
    """

    # Abstract, so that asv (which skips abstract classes) does not collect the
    # bases themselves as benchmarks.
    @abstractmethod
    def make_data(self, *params):
        """Return ``(X_train, X_test, y_train, y_test)``."""

    @abstractmethod
    def make_estimator(self, *params):
        """Return an unfitted estimator."""

    def score(self, estimator, X, y):
        """The tracked test score: ``estimator.score`` by default."""
        return (
            float(estimator.score(X, y)) if y is not None else float(estimator.score(X))
        )

    def setup(self, *params):
        self.X, self.X_test, self.y, self.y_test = self.make_data(*params)
        self.estimator = self.make_estimator(*params)
        # Fitted copy for predict/transform/score timings, fitted outside the timer.
        self.fitted = self.make_estimator(*params).fit(self.X, self.y)

    def time_fit(self, *params):
        self.estimator.fit(self.X, self.y)

    def peakmem_fit(self, *params):
        self.estimator.fit(self.X, self.y)

    def track_test_score(self, *params):
        return self.score(self.fitted, self.X_test, self.y_test)


class Predictor(ABC):
    """Adds ``time_predict``; mix in before :class:`Estimator`."""

    @abstractmethod
    def make_estimator(self, *params):
        """Return an unfitted estimator (abstract: see :class:`Estimator`)."""

    def time_predict(self, *params):
        self.fitted.predict(self.X_test)


class Transformer(ABC):
    """Adds ``time_transform``; mix in before :class:`Estimator`."""

    @abstractmethod
    def make_estimator(self, *params):
        """Return an unfitted estimator (abstract: see :class:`Estimator`)."""

    def time_transform(self, *params):
        self.fitted.transform(self.X_test)


def pickled_size(obj):
    """Size in bytes of ``obj`` pickled (a cheap model-size tracker)."""
    with tempfile.TemporaryFile() as f:
        pickle.dump(obj, f)
        return f.tell()
