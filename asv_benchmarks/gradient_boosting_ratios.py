# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The speed and accuracy targets of skml's gradient boosting, in one run.

Fits skml's GradientBoosting*, scikit-learn's HistGradientBoosting*, LightGBM
and XGBoost (``tree_method="hist"``) at the same settings (100 iterations, 31
leaves, learning rate 0.1, 255 bins, early stopping off, ``n_threads``
threads) on 200k x 50 ``make_classification`` / ``make_regression`` data and
on the Higgs subset and covtype sample of ``../shared/data`` (skipped when
absent), and prints fit and predict times, their ratio to the fastest peer,
and the test score of each library.

Run: ``python asv_benchmarks/gradient_boosting_ratios.py [n_threads]``.
"""

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import train_test_split

from skml.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def models(task, n_threads, n_classes=2):
    common = dict(n_estimators=100, learning_rate=0.1)
    out = {}
    if task == "clf":
        out["skml"] = GradientBoostingClassifier(
            **common, max_leaf_nodes=31, early_stopping=False, n_threads=n_threads
        )
        out["sklearn"] = HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False
        )
    else:
        out["skml"] = GradientBoostingRegressor(
            **common, max_leaf_nodes=31, early_stopping=False, n_threads=n_threads
        )
        out["sklearn"] = HistGradientBoostingRegressor(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False
        )
    try:
        import lightgbm

        cls = lightgbm.LGBMClassifier if task == "clf" else lightgbm.LGBMRegressor
        out["lightgbm"] = cls(
            **common,
            num_leaves=31,
            min_child_samples=20,
            max_bin=255,
            n_jobs=n_threads,
            verbose=-1,
        )
    except ImportError:
        pass
    try:
        import xgboost

        cls = xgboost.XGBClassifier if task == "clf" else xgboost.XGBRegressor
        out["xgboost"] = cls(
            **common,
            tree_method="hist",
            max_leaves=31,
            max_depth=0,
            grow_policy="lossguide",
            max_bin=256,
            n_jobs=n_threads,
        )
    except ImportError:
        pass
    return out


def run(name, X, y, task, n_threads, score):
    Xt, Xs, yt, ys = train_test_split(X, y, test_size=0.25, random_state=0)
    rows = {}
    # XGBoost wants classes 0..K-1 (covtype's are 1..7). Every library orders
    # its probability columns as the sorted classes, ``classes``.
    classes, yt_codes = np.unique(yt, return_inverse=True)
    for lib, model in models(task, n_threads).items():
        t0 = time.perf_counter()
        model.fit(Xt, yt_codes if lib == "xgboost" and task == "clf" else yt)
        fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        pred = model.predict_proba(Xs) if task == "clf" else model.predict(Xs)
        predict = time.perf_counter() - t0
        rows[lib] = (fit, predict, score(ys, pred, classes))
    peers = [lib for lib in rows if lib != "skml"]
    fastest_fit = min(rows[p][0] for p in peers)
    fastest_predict = min(rows[p][1] for p in peers)
    print(f"\n{name} ({X.shape[0]} x {X.shape[1]}, {n_threads} threads)")
    for lib, (fit, predict, s) in rows.items():
        print(
            f"  {lib:9s} fit {fit:7.3f}s ({fit / fastest_fit:5.2f}x fastest peer)"
            f"  predict {predict:6.3f}s ({predict / fastest_predict:5.2f}x)"
            f"  score {s:.5f}"
        )


def main():
    n_threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2

    def ll(y, p, classes):
        return log_loss(y, p)

    def r2(y, p, classes):
        return r2_score(y, p)

    def acc(y, p, classes):
        return accuracy_score(y, classes[np.argmax(p, axis=1)])

    X, y = make_classification(266_667, 50, n_informative=25, random_state=0)
    run(
        "binary log-loss (lower is better)",
        X.astype(np.float32),
        y,
        "clf",
        n_threads,
        ll,
    )
    X, y = make_regression(266_667, 50, n_informative=25, noise=10, random_state=0)
    run("regression R2", X.astype(np.float32), y, "reg", n_threads, r2)
    try:
        import pandas as pd
    except ImportError:
        return
    higgs = DATA / "higgs" / "higgs_sas_subset.csv"
    if higgs.exists():
        df = pd.read_csv(higgs)
        label = "label" if "label" in df.columns else df.columns[-1]
        y = df[label].to_numpy()
        X = df.drop(columns=[label]).to_numpy(np.float32)
        run("higgs accuracy", X, y, "clf", n_threads, acc)
    covtype = DATA / "covtype" / "covtype_sample15000.csv"
    if covtype.exists():
        df = pd.read_csv(covtype)
        label = df.columns[-1]
        y = df[label].to_numpy()
        X = df.drop(columns=[label]).to_numpy(np.float32)
        run("covtype accuracy", X, y, "clf", n_threads, acc)


if __name__ == "__main__":
    main()
