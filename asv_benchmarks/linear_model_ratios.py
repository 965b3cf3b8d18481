# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The speed and accuracy targets of skml.linear_model (issue 11), in one run.

Times skml against scikit-learn, interleaved, best of ``n_repeats`` (default 3),
at each library's default tolerance:

- ``LogisticRegression`` with an L2 penalty (C=1), skml's L-BFGS against
  scikit-learn's ``solver="lbfgs"``, on standardised 100k x 50
  ``make_classification`` data;
- ``LogisticRegression`` with an L1 penalty (C=0.05), skml's proximal Newton
  coordinate descent against scikit-learn's ``solver="liblinear"``, same data
  (liblinear penalises its intercept; ``intercept_scaling=100`` makes that
  penalty negligible so both solve the same problem);
- ``Lasso(alpha=2.0)`` on standardised 50k x 200 ``make_regression`` data (30
  informative features), both coordinate descent.

Prints each time ratio (skml / scikit-learn; the target is at most 1.0) and
the largest absolute difference of the coefficients (and intercepts), which
shows that the two stopped at the same convergence.

Run from the repository root (so this checkout is imported):
``PYTHONPATH=. python asv_benchmarks/linear_model_ratios.py [n_repeats]``.
"""

import sys
import time
import warnings

import numpy as np
import sklearn.linear_model as sk
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import skml.linear_model as ours


def classification():
    X, y = make_classification(
        100_000,
        50,
        n_informative=20,
        n_redundant=5,
        flip_y=0.05,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def regression():
    X, y = make_regression(50_000, 200, n_informative=30, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y


CASES = [
    (
        "LogisticRegression L2 (lbfgs vs lbfgs), 100k x 50, C=1",
        classification,
        lambda: ours.LogisticRegression(C=1.0),
        lambda: sk.LogisticRegression(C=1.0, solver="lbfgs"),
    ),
    (
        "LogisticRegression L1 (newton-cd vs liblinear), 100k x 50, C=0.05",
        classification,
        lambda: ours.LogisticRegression(C=0.05, l1_ratio=1.0),
        lambda: sk.LogisticRegression(
            C=0.05, l1_ratio=1.0, solver="liblinear", intercept_scaling=100.0
        ),
    ),
    (
        "Lasso (cd vs cd), 50k x 200, alpha=2.0",
        regression,
        lambda: ours.Lasso(alpha=2.0),
        lambda: sk.Lasso(alpha=2.0),
    ),
]


def _params(model):
    return np.concatenate([np.ravel(model.coef_), np.ravel(model.intercept_)])


def run(name, make_data, make_ours, make_peer, n_repeats):
    X, y = make_data()
    best = {"skml": np.inf, "sklearn": np.inf}
    fitted = {}
    for _ in range(n_repeats):
        for lib, make in (("skml", make_ours), ("sklearn", make_peer)):
            model = make()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                start = time.perf_counter()
                model.fit(X, y)
                elapsed = time.perf_counter() - start
            best[lib] = min(best[lib], elapsed)
            fitted[lib] = model
    diff = np.max(np.abs(_params(fitted["skml"]) - _params(fitted["sklearn"])))
    nonzero = int(np.count_nonzero(fitted["sklearn"].coef_))
    print(f"\n{name}")
    print(
        f"  skml {best['skml']:.3f}s  sklearn {best['sklearn']:.3f}s  "
        f"ratio {best['skml'] / best['sklearn']:.2f}  "
        f"max |coef diff| {diff:.2e}  nonzero coef {nonzero}  "
        f"n_iter skml {np.ravel(fitted['skml'].n_iter_)[0]} "
        f"sklearn {np.ravel(fitted['sklearn'].n_iter_)[0]}"
    )


def main():
    n_repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for case in CASES:
        run(*case, n_repeats)


if __name__ == "__main__":
    main()
