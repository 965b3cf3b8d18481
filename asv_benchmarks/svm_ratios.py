# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The speed and accuracy targets of skml's SVC (issue 11), in one run.

Fits skml's SVC and scikit-learn's SVC (rbf, same ``C``, ``gamma="scale"``,
``tol`` and ``cache_size``) on StandardScaler'd ``make_classification`` data of
10k x 20 and 40k x 20, interleaved, best of ``repeats``, and prints the fit and
predict time ratios (skml / scikit-learn), the test-accuracy difference and the
difference in the number of support vectors.

Run: ``python asv_benchmarks/svm_ratios.py [repeats] [sizes...]``, e.g.
``python asv_benchmarks/svm_ratios.py 3 10000 40000``.
"""

import sys
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC as SkSVC

from skml.svm import SVC

SETTINGS = dict(kernel="rbf", C=1.0, gamma="scale", tol=1e-3, cache_size=200)


def data(n_samples):
    X, y = make_classification(
        n_samples=n_samples + 2_000,
        n_features=20,
        n_informative=10,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=2_000, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def run(n_samples, repeats):
    X_train, X_test, y_train, y_test = data(n_samples)
    makers = {"skml": SVC, "sklearn": SkSVC}
    fit = {k: np.inf for k in makers}
    predict = {k: np.inf for k in makers}
    models = {}
    for _ in range(repeats):
        for name, make in makers.items():  # interleaved: same load on both
            start = time.perf_counter()
            model = make(**SETTINGS).fit(X_train, y_train)
            fit[name] = min(fit[name], time.perf_counter() - start)
            models[name] = model
            start = time.perf_counter()
            model.predict(X_test)
            predict[name] = min(predict[name], time.perf_counter() - start)
    acc = {k: float(np.mean(m.predict(X_test) == y_test)) for k, m in models.items()}
    n_sv = {k: int(m.n_support_.sum()) for k, m in models.items()}
    print(
        f"{n_samples:>6} x 20 | fit {fit['skml']:7.2f}s / {fit['sklearn']:7.2f}s"
        f" = {fit['skml'] / fit['sklearn']:.2f}x"
        f" | predict {predict['skml']:6.3f}s / {predict['sklearn']:6.3f}s"
        f" = {predict['skml'] / predict['sklearn']:.2f}x"
        f" | acc {acc['skml']:.4f} vs {acc['sklearn']:.4f}"
        f" (diff {acc['skml'] - acc['sklearn']:+.4f})"
        f" | n_SV {n_sv['skml']} vs {n_sv['sklearn']}"
        f" (diff {n_sv['skml'] - n_sv['sklearn']:+d})",
        flush=True,
    )


def main(argv):
    repeats = int(argv[0]) if argv else 3
    sizes = [int(a) for a in argv[1:]] or [10_000, 40_000]
    print(f"SVC {SETTINGS}, best of {repeats}, interleaved; ratio = skml / sklearn")
    for n in sizes:
        run(n, repeats)


if __name__ == "__main__":
    main(sys.argv[1:])
