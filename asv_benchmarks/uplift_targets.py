# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The two accuracy targets of skml.uplift against causalml and scikit-uplift.

1. Hillstrom (``../shared/data/hillstrom.csv``), women's e-mail vs no e-mail,
   outcome ``visit``: one fixed 70/30 split stratified on treatment x outcome
   (``random_state=0``). Held-out Qini AUC (normalised, ``negative_effect=True``)
   of skml's learners vs causalml's and scikit-uplift's, all with the same
   scikit-learn base models at the same settings.
2. IHDP replications 1-10 (``../shared/data/ihdp``): in-sample sqrt-PEHE of the
   X- and DR-learners, skml vs causalml (``BaseXRegressor``/``BaseDRRegressor``),
   with the same base model (scikit-learn's ``RandomForestRegressor`` with a fixed
   ``random_state``) and each library's default propensity model.

The peers live in another virtual environment (they pin their own dependencies),
so this script drives both sides: it writes the data and split to
``/tmp/uplift-targets-data.npz``, runs itself with ``--peer`` under the peer
interpreter (which imports no skml) to write the peers' predictions to
``/tmp/uplift-targets-peer.npz``, fits skml here, and computes every figure with
one implementation (``skml.metrics.qini_auc_score`` and one PEHE formula).
The data folder is ``../shared/data`` from the repository root, or
``$SKML_SHARED_DATA``.

Run from the repository root, with skml importable::

    python asv_benchmarks/uplift_targets.py --peer-python /work/peervenv/bin/python

The peer environment needs ``causalml``, ``scikit-uplift`` and the same
scikit-learn version as this one (``python -m venv ...; pip install causalml
scikit-uplift``).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(
    os.environ.get(
        "SKML_SHARED_DATA",
        Path(__file__).resolve().parents[1].parent / "shared" / "data",
    )
)
DATA_FILE = "/tmp/uplift-targets-data.npz"
PEER_FILE = "/tmp/uplift-targets-peer.npz"
SEED = 0


# Base models: scikit-learn's, identical on both sides.
HGB_PARAMS = dict(
    max_iter=100,
    learning_rate=0.05,
    max_leaf_nodes=15,
    min_samples_leaf=100,
    early_stopping=False,
    random_state=SEED,
)


def _clf():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**HGB_PARAMS)


def _reg():
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(**HGB_PARAMS)


def _ihdp_base():
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(
        n_estimators=100, min_samples_leaf=5, random_state=SEED, n_jobs=1
    )


# max_features=10 is causalml's default; skml's default ("sqrt", 4 of the 18
# columns) grows weaker forests here, so both sides get the same 10.
FOREST = dict(n_estimators=50, max_depth=5, min_samples_leaf=100, max_features=10)


# ---------------------------------------------------------------- data (skml side)
def _prepare():
    from sklearn.model_selection import train_test_split

    from skml.datasets import load_hillstrom

    h = load_hillstrom(DATA / "hillstrom.csv", outcome="visit")
    keep = np.isin(h.treatment, ["Womens E-Mail", "No E-Mail"])
    X = np.ascontiguousarray(h.data[keep], dtype=np.float64)
    y = h.target[keep].astype(np.int64)
    t = (h.treatment[keep] == "Womens E-Mail").astype(np.int64)
    train, test = train_test_split(
        np.arange(X.shape[0]), test_size=0.3, stratify=2 * t + y, random_state=SEED
    )
    arrays = dict(h_X=X, h_y=y, h_t=t, h_train=train, h_test=test)
    for rep in range(1, 11):
        d = np.loadtxt(DATA / "ihdp" / f"ihdp_npci_{rep}.csv", delimiter=",")
        arrays[f"i{rep}"] = d
    np.savez(DATA_FILE, **arrays)
    return arrays


def _ihdp(d):
    # treatment, y_factual, y_cfactual, mu0, mu1, x1..x25
    return d[:, 5:], d[:, 1], d[:, 0].astype(int), d[:, 4] - d[:, 3]


# ---------------------------------------------------------------- peers
def _peer_hillstrom(a):
    from causalml.inference.meta import BaseTClassifier, BaseXClassifier
    from causalml.inference.tree import UpliftRandomForestClassifier
    from sklift.models import ClassTransformation, SoloModel, TwoModels

    X, y, t = a["h_X"], a["h_y"], a["h_t"]
    tr, te = a["h_train"], a["h_test"]
    Xtr, ytr, ttr, Xte = X[tr], y[tr], t[tr], X[te]
    out = {}

    def cml(model):
        model.fit(Xtr, ttr, ytr)
        return np.ravel(model.predict(Xte))

    out["causalml BaseTClassifier(HGB)"] = lambda: cml(BaseTClassifier(learner=_clf()))
    out["causalml BaseXClassifier(HGB)"] = lambda: cml(
        BaseXClassifier(outcome_learner=_clf(), effect_learner=_reg())
    )
    for crit in ("KL", "ED"):

        def forest(crit=crit):
            labels = np.where(ttr == 1, "treatment", "control")
            m = UpliftRandomForestClassifier(
                evaluationFunction=crit,
                control_name="control",
                n_estimators=FOREST["n_estimators"],
                max_depth=FOREST["max_depth"],
                min_samples_leaf=FOREST["min_samples_leaf"],
                max_features=FOREST["max_features"],
                random_state=SEED,
                n_jobs=1,
            )
            m.fit(Xtr, labels, ytr)
            return np.ravel(m.predict(Xte))

        out[f"causalml UpliftRandomForest({crit})"] = forest

    def sk(model):
        model.fit(Xtr, ytr, ttr)
        return np.ravel(model.predict(Xte))

    out["sklift ClassTransformation(HGB)"] = lambda: sk(ClassTransformation(_clf()))
    out["sklift TwoModels(HGB)"] = lambda: sk(
        TwoModels(estimator_trmnt=_clf(), estimator_ctrl=_clf(), method="vanilla")
    )
    out["sklift SoloModel(HGB)"] = lambda: sk(SoloModel(_clf()))
    return out


def _peer_ihdp(a):
    from causalml.inference.meta import BaseDRRegressor, BaseXRegressor

    out = {}
    for name, cls in (("X", BaseXRegressor), ("DR", BaseDRRegressor)):

        def run(cls=cls):
            preds = []
            for rep in range(1, 11):
                X, y, t, _ = _ihdp(a[f"i{rep}"])
                model = cls(learner=_ihdp_base())
                preds.append(np.ravel(model.fit_predict(X, t, y)))
            return np.stack(preds)

        out[f"causalml Base{name}Regressor(RF)"] = run
    return out


def _run_peer():
    a = np.load(DATA_FILE)
    results, times = {}, {}
    for name, run in {**_peer_hillstrom(a), **_peer_ihdp(a)}.items():
        start = time.perf_counter()
        try:
            results[name] = run()
        except Exception as exc:  # report the failure, keep the others
            print(f"peer {name} failed: {exc!r}", file=sys.stderr)
            continue
        times[name] = time.perf_counter() - start
        print(f"peer {name}: {times[name]:.1f} s", file=sys.stderr, flush=True)
    np.savez(
        PEER_FILE,
        names=np.array(list(results)),
        times=np.array([times[n] for n in results]),
        **{f"p{i}": v for i, v in enumerate(results.values())},
    )


# ---------------------------------------------------------------- skml
def _skml_hillstrom(a):
    from skml.uplift import (
        ClassTransformation,
        DRLearner,
        SLearner,
        TLearner,
        UpliftRandomForestClassifier,
        XLearner,
    )

    X, y, t = a["h_X"], a["h_y"], a["h_t"]
    tr, te = a["h_train"], a["h_test"]
    Xtr, ytr, ttr, Xte = X[tr], y[tr], t[tr], X[te]

    def fit(model):
        return np.ravel(model.fit(Xtr, ytr, treatment=ttr).predict(Xte))

    out = {
        "skml SLearner(HGB)": lambda: fit(SLearner(_clf())),
        "skml TLearner(HGB)": lambda: fit(TLearner(_clf())),
        "skml XLearner(HGB)": lambda: fit(XLearner(_clf(), effect_estimator=_reg())),
        "skml DRLearner(HGB)": lambda: fit(
            DRLearner(_clf(), effect_estimator=_reg(), random_state=SEED)
        ),
        "skml ClassTransformation(HGB)": lambda: fit(ClassTransformation(_clf())),
    }
    for crit in ("KL", "ED"):
        out[f"skml UpliftRandomForest({crit}, hist)"] = lambda crit=crit: fit(
            UpliftRandomForestClassifier(
                criterion=crit, splitter="hist", random_state=SEED, n_jobs=1, **FOREST
            )
        )
    return out


def _skml_ihdp(a):
    from skml.uplift import DRLearner, XLearner

    out = {}
    for name, make in (
        ("X", lambda: XLearner(_ihdp_base())),
        ("DR", lambda: DRLearner(_ihdp_base(), random_state=SEED)),
    ):

        def run(make=make):
            preds = []
            for rep in range(1, 11):
                X, y, t, _ = _ihdp(a[f"i{rep}"])
                preds.append(np.ravel(make().fit(X, y, treatment=t).predict(X)))
            return np.stack(preds)

        out[f"skml {name}Learner(RF)"] = run
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default="/work/peervenv/bin/python")
    parser.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        _run_peer()
        return
    if not (DATA / "hillstrom.csv").exists():
        sys.exit(f"{DATA} is absent")
    from skml.metrics import qini_auc_score

    a = _prepare()
    subprocess.run([args.peer_python, __file__, "--peer"], check=True)
    peer = np.load(PEER_FILE)
    results = {
        str(n): (peer[f"p{i}"], float(s))
        for i, (n, s) in enumerate(zip(peer["names"], peer["times"]))
    }
    for name, run in {**_skml_hillstrom(a), **_skml_ihdp(a)}.items():
        start = time.perf_counter()
        pred = run()
        results[name] = (pred, time.perf_counter() - start)

    y_te, t_te = a["h_y"][a["h_test"]], a["h_t"][a["h_test"]]
    print(f"\nHillstrom women's e-mail vs none, visit; test {y_te.shape[0]} rows")
    print(f"{'learner':44s} {'qini_auc':>9s} {'fit s':>7s}")
    best = {}
    for name, (pred, secs) in results.items():
        if pred.ndim != 1:
            continue
        q = qini_auc_score(y_te, pred, t_te)
        lib = "skml" if name.startswith("skml") else "peer"
        best[lib] = max(best.get(lib, -np.inf), q)
        print(f"{name:44s} {q:9.4f} {secs:7.1f}")
    print(
        f"best skml {best['skml']:.4f} vs best peer {best['peer']:.4f}: target "
        f"{'MET' if best['skml'] >= best['peer'] else 'MISSED'}"
    )

    print("\nIHDP reps 1-10, in-sample sqrt-PEHE (mean over reps, [min, max])")
    tau = np.stack([_ihdp(a[f"i{rep}"])[3] for rep in range(1, 11)])
    pehe = {}
    for name, (pred, secs) in results.items():
        if pred.ndim != 2:
            continue
        per_rep = np.sqrt(np.mean((pred - tau) ** 2, axis=1))
        pehe[name] = per_rep.mean()
        print(
            f"{name:44s} {per_rep.mean():7.3f} [{per_rep.min():.3f}, "
            f"{per_rep.max():.3f}] {secs:6.1f} s"
        )
    for ours, theirs in (
        ("skml XLearner(RF)", "causalml BaseXRegressor(RF)"),
        ("skml DRLearner(RF)", "causalml BaseDRRegressor(RF)"),
    ):
        if theirs in pehe:
            verdict = "MET" if pehe[ours] <= pehe[theirs] else "MISSED"
            ratio = pehe[ours] / pehe[theirs]
            print(f"{ours} vs {theirs}: ratio {ratio:.3f} {verdict}")


if __name__ == "__main__":
    main()
