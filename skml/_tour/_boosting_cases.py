# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tour family "gradient_boosting": skml's histogram gradient boosting next to
scikit-learn's HistGradientBoostingClassifier, and XGBoost and LightGBM when
they are installed.

The table has one skml and one peer column, so there is one case per peer; the
peer stands in the "scikit-learn" column and is named in the estimator label.
A peer that is not installed is left out (its case is not built), so the
family runs with scikit-learn alone.
"""

import importlib.util

from skml._tour._cases import Case, Result
from skml._tour._timing import best_times

_SETTINGS = dict(n_estimators=100, learning_rate=0.1)


def _peers():
    """Peer name -> factory of its classifier at the tour's settings."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    peers = {
        "sklearn HGB": lambda: HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.1,
            max_leaf_nodes=31,
            early_stopping=False,
            random_state=0,
        )
    }
    if importlib.util.find_spec("xgboost") is not None:

        def xgb():
            import xgboost

            return xgboost.XGBClassifier(
                **_SETTINGS,
                tree_method="hist",
                max_leaves=31,
                max_depth=0,
                grow_policy="lossguide",
                max_bin=256,
                random_state=0,
            )

        peers["XGBoost"] = xgb
    if importlib.util.find_spec("lightgbm") is not None:

        def lgbm():
            import lightgbm

            return lightgbm.LGBMClassifier(
                **_SETTINGS,
                num_leaves=31,
                min_child_samples=20,
                max_bin=255,
                random_state=0,
                verbose=-1,
            )

        peers["LightGBM"] = lgbm
    return peers


def _data(quick):
    from sklearn.datasets import make_classification

    # Quick: small enough for the tour's 10 s budget on a loaded machine.
    n_samples, n_features = (5_000, 20) if quick else (200_000, 50)
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_features // 2,
        random_state=0,
    )
    return X.astype("float32"), y


def _boosting_case(peer_name, make_peer):
    name = f"GradientBoostingClassifier vs {peer_name}"

    def run(quick):
        from sklearn.metrics import log_loss
        from sklearn.model_selection import train_test_split

        from skml.ensemble import GradientBoostingClassifier

        X, y = _data(quick)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, random_state=0
        )
        models = (
            GradientBoostingClassifier(
                **_SETTINGS, max_leaf_nodes=31, early_stopping=False, random_state=0
            ),
            make_peer(),
        )
        models, times = best_times(
            [lambda model=model: model.fit(X_train, y_train) for model in models]
        )
        scores = [
            float(log_loss(y_test, model.predict_proba(X_test))) for model in models
        ]
        return Result(
            "gradient_boosting",
            name,
            f"binary {X.shape[0]}x{X.shape[1]}",
            "test log-loss (low)",
            scores[0],
            scores[1],
            times[0],
            times[1],
        )

    return Case("gradient_boosting", name, "binary synthetic", run)


def gradient_boosting_cases():
    """One case per installed peer: 100 iterations, 31 leaves, no early stop."""
    import skml.ensemble  # noqa: F401  (a build without it fails the family)

    return [_boosting_case(name, make) for name, make in _peers().items()]
