# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tour cases of ``skml.linear_model``: each model against scikit-learn's."""

import warnings

import numpy as np
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, cross_validate

from skml._tour._cases import Case, Result, estimator_case


def _regression_case(name, make_skml, make_sklearn):
    """Cross-validated R2 of two regressors on standardised ``make_regression``
    data (30 informative features of 200)."""

    def run(quick):
        from sklearn.preprocessing import StandardScaler

        n_samples = 5_000 if quick else 50_000
        X, y = make_regression(
            n_samples, 200, n_informative=30, noise=5.0, random_state=0
        )
        X = StandardScaler().fit_transform(X)
        cv = KFold(n_splits=3 if quick else 5, shuffle=True, random_state=0)
        scores, times = [], []
        for make in (make_skml, make_sklearn):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                cv_result = cross_validate(make(), X, y, cv=cv, scoring="r2")
            scores.append(float(np.mean(cv_result["test_score"])))
            times.append(float(np.median(cv_result["fit_time"])))
        return Result(
            "linear_model",
            name,
            f"regression {n_samples}x200",
            "r2",
            scores[0],
            scores[1],
            times[0],
            times[1],
        )

    return Case("linear_model", name, "regression", run)


def linear_model_cases():
    """The ``linear_model`` family: logistic regression (L2 by L-BFGS, L1 by
    skml's Newton coordinate descent against saga) on the embedded
    classification sets, and Lasso/Ridge/ElasticNet on a regression set."""
    from functools import partial

    import sklearn.linear_model as sk
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import skml.linear_model as ours

    def scaled(estimator):
        return lambda: make_pipeline(StandardScaler(), estimator())

    cases = [
        estimator_case(
            "linear_model",
            "LogisticRegression(lbfgs, C=1)",
            data,
            scaled(partial(ours.LogisticRegression, max_iter=500)),
            scaled(partial(sk.LogisticRegression, solver="lbfgs", max_iter=500)),
        )
        for data in ("digits", "synthetic")
    ]
    # liblinear fits only two classes; saga is scikit-learn's multinomial L1.
    cases.append(
        estimator_case(
            "linear_model",
            "LogisticRegression(L1, C=0.1) vs saga",
            "wine",
            scaled(partial(ours.LogisticRegression, C=0.1, l1_ratio=1.0)),
            scaled(
                partial(
                    sk.LogisticRegression,
                    C=0.1,
                    l1_ratio=1.0,
                    solver="saga",
                    max_iter=1000,
                )
            ),
        )
    )
    cases += [
        _regression_case(
            "Lasso(alpha=2)",
            partial(ours.Lasso, alpha=2.0),
            partial(sk.Lasso, alpha=2.0),
        ),
        _regression_case(
            "ElasticNet(alpha=1, l1_ratio=0.5)",
            partial(ours.ElasticNet, alpha=1.0),
            partial(sk.ElasticNet, alpha=1.0),
        ),
        _regression_case("Ridge(alpha=1)", ours.Ridge, sk.Ridge),
    ]
    return cases
