# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""What the tour runs: one case per (estimator, dataset), grouped by family.

A family's cases are built by a function registered in ``FAMILIES``; it imports its
skml module first, so a family missing from this build raises ImportError, which
the tour reports as a failure (unless what is missing is an optional extra).
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.datasets import load_digits, load_iris, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_validate

from skml._tour._svm_cases import svm_cases
from skml._tour._timing import best_times


@dataclass
class Result:
    """The outcome of one case: a score for each library and their fit times."""

    family: str
    estimator: str
    dataset: str
    metric: str
    skml_score: float
    sklearn_score: float
    skml_time: float
    sklearn_time: float
    error: str = ""

    @property
    def time_ratio(self):
        """skml's fit time divided by scikit-learn's (lower is faster)."""
        if not self.sklearn_time:
            return float("nan")
        return self.skml_time / self.sklearn_time


@dataclass
class Case:
    """One comparison: ``run(quick)`` returns a :class:`Result`."""

    family: str
    estimator: str
    dataset: str
    run: Callable[[bool], Result] = field(repr=False)


def _data(name, quick):
    """Return ``(X, y)`` for a named embedded dataset."""
    if name == "iris":
        return load_iris(return_X_y=True)
    if name == "wine":
        return load_wine(return_X_y=True)
    if name == "digits":
        return load_digits(return_X_y=True)
    if name == "synthetic":
        n_samples = 5_000 if quick else 200_000
        return make_classification(
            n_samples=n_samples,
            n_features=50,
            n_informative=20,
            n_classes=5,
            random_state=0,
        )
    raise ValueError(f"unknown tour dataset {name!r}")


def dataset_label(name, quick):
    """The dataset name with its shape, as shown in the table."""
    X, _ = _data(name, quick)
    return f"{name} {X.shape[0]}x{X.shape[1]}"


def estimator_case(family, name, dataset, make_skml, make_sklearn, scoring=None):
    """A case that cross-validates ``make_skml()`` and ``make_sklearn()`` alike."""

    def run(quick):
        X, y = _data(dataset, quick)
        cv = StratifiedKFold(n_splits=3 if quick else 5, shuffle=True, random_state=0)
        scores, times = [], []
        for make in (make_skml, make_sklearn):
            # The tour caps iterations on purpose: both libraries' convergence
            # warnings would only drown the progress lines.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                cv_result = cross_validate(make(), X, y, cv=cv, scoring=scoring)
            scores.append(float(np.mean(cv_result["test_score"])))
            # The median: the first fold also pays one-off costs (lazy imports,
            # thread-pool start-up) that say nothing about the algorithm.
            times.append(float(np.median(cv_result["fit_time"])))
        return Result(
            family,
            name,
            dataset_label(dataset, quick),
            scoring or "score",
            scores[0],
            scores[1],
            times[0],
            times[1],
        )

    return Case(family, name, dataset, run)


def function_case(family, name, make_input, label, skml_func, sklearn_func, metric):
    """A case that times two functions on the same input and compares outputs.

    ``make_input(quick)`` builds the input outside the timer; ``label(quick)``
    describes it. Each library's score is ``metric(output, reference)`` with
    scikit-learn's output as the reference.
    """

    def run(quick):
        X = make_input(quick)
        outputs, times = best_times([lambda: skml_func(X), lambda: sklearn_func(X)])
        return Result(
            family,
            name,
            label(quick),
            metric.__name__.strip("_").replace("_", " "),
            float(metric(outputs[0], outputs[1])),
            float(metric(outputs[1], outputs[1])),
            times[0],
            times[1],
        )

    return Case(family, name, label(False), run)


# --- families -----------------------------------------------------------------


def _naive_bayes_cases():
    import sklearn.naive_bayes as sk

    import skml.naive_bayes as ours

    cases = [
        estimator_case(
            "naive_bayes", "GaussianNB", data, ours.GaussianNB, sk.GaussianNB
        )
        for data in ("iris", "wine", "synthetic")
    ]
    for name in ("MultinomialNB", "ComplementNB", "BernoulliNB"):
        cases.append(
            estimator_case(
                "naive_bayes", name, "digits", getattr(ours, name), getattr(sk, name)
            )
        )
    return cases


def _decomposition_cases():
    import sklearn.decomposition as sk
    from sklearn.pipeline import make_pipeline

    import skml.decomposition as ours

    def pipeline(pca_module):
        from sklearn.linear_model import LogisticRegression

        return lambda: make_pipeline(
            pca_module.PCA(n_components=20, whiten=True),
            LogisticRegression(max_iter=500),
        )

    return [
        estimator_case(
            "decomposition",
            "PCA(10) log-likelihood",
            data,
            lambda: ours.PCA(n_components=10),
            lambda: sk.PCA(n_components=10),
        )
        for data in ("digits", "synthetic")
    ] + [
        estimator_case(
            "decomposition",
            "PCA(20, whiten) + LogisticRegression",
            "digits",
            pipeline(ours),
            pipeline(sk),
        )
    ]


def _max_abs_difference(output, reference):
    return np.max(np.abs(output - reference))


def _metrics_cases():
    from sklearn.metrics import pairwise_distances as sk_pairwise

    from skml.metrics import pairwise_distances as ours

    def n_rows(quick):
        return 1_000 if quick else 5_000

    def make_input(quick):
        return np.random.default_rng(0).standard_normal((n_rows(quick), 50))

    def label(quick):
        return f"random {n_rows(quick)}x{n_rows(quick)}x50"

    return [
        function_case(
            "metrics",
            f"pairwise_distances({metric})",
            make_input,
            label,
            lambda X, m=metric: ours(X, metric=m),
            lambda X, m=metric: sk_pairwise(X, metric=m),
            _max_abs_difference,
        )
        for metric in ("euclidean", "manhattan", "cosine")
    ]


def _neighbors_cases():
    import sklearn.neighbors as sk

    import skml.neighbors as ours

    cases = []
    for data in ("iris", "wine", "digits"):
        for weights in ("uniform", "distance"):
            cases.append(
                estimator_case(
                    "neighbors",
                    f"KNeighborsClassifier({weights})",
                    data,
                    lambda w=weights: ours.KNeighborsClassifier(weights=w),
                    lambda w=weights: sk.KNeighborsClassifier(weights=w),
                )
            )
    cases.append(
        estimator_case(
            "neighbors",
            "KNeighborsRegressor (r2 on class labels)",
            "digits",
            ours.KNeighborsRegressor,
            sk.KNeighborsRegressor,
        )
    )
    return cases


def _cluster_cases():
    import sklearn.cluster as sk
    from sklearn.metrics import adjusted_rand_score

    import skml.cluster as ours

    def kmeans_case(name, dataset, params):
        """Fit both on the same data; scores: inertia (the metric column also
        shows the adjusted Rand index between the two clusterings)."""

        def run(quick):
            X, _ = _data(dataset, quick)
            X = np.ascontiguousarray(X, dtype=np.float64)
            fitted, times = best_times(
                [lambda m=module: m.KMeans(**params(X)).fit(X) for module in (ours, sk)]
            )
            agreement = adjusted_rand_score(fitted[0].labels_, fitted[1].labels_)
            return Result(
                "cluster",
                name,
                dataset_label(dataset, quick),
                f"inertia; ARI {agreement:.3f}",
                float(fitted[0].inertia_),
                float(fitted[1].inertia_),
                times[0],
                times[1],
            )

        return Case("cluster", name, dataset, run)

    def same_init(algorithm):
        def params(X):
            rng = np.random.RandomState(0)
            init = X[rng.choice(X.shape[0], 8, replace=False)]
            return dict(n_clusters=8, init=init, n_init=1, algorithm=algorithm)

        return params

    cases = [
        kmeans_case(f"KMeans({algorithm}, same init)", data, same_init(algorithm))
        for algorithm in ("lloyd", "elkan")
        for data in ("iris", "synthetic")
    ]
    cases.append(
        kmeans_case(
            "KMeans(k-means++)",
            "digits",
            lambda X: dict(n_clusters=10, random_state=0),
        )
    )
    return cases


def _tree_cases():
    from functools import partial

    import sklearn.tree as sk

    import skml.tree as ours

    cases = [
        estimator_case(
            "tree",
            "DecisionTreeClassifier",
            data,
            partial(ours.DecisionTreeClassifier, random_state=0),
            partial(sk.DecisionTreeClassifier, random_state=0),
        )
        for data in ("iris", "wine", "digits")
    ]
    cases.append(
        estimator_case(
            "tree",
            "DecisionTreeClassifier(max_depth=12)",
            "synthetic",
            partial(ours.DecisionTreeClassifier, max_depth=12, random_state=0),
            partial(sk.DecisionTreeClassifier, max_depth=12, random_state=0),
        )
    )
    cases.append(
        estimator_case(
            "tree",
            "DecisionTreeRegressor",
            "digits",
            partial(ours.DecisionTreeRegressor, random_state=0),
            partial(sk.DecisionTreeRegressor, random_state=0),
            scoring="r2",
        )
    )
    return cases


def _ensemble_cases():
    from functools import partial

    import sklearn.ensemble as sk

    import skml.ensemble as ours

    return [
        estimator_case(
            "ensemble",
            "RandomForestClassifier(n_estimators=50)",
            data,
            partial(ours.RandomForestClassifier, n_estimators=50, random_state=0),
            partial(sk.RandomForestClassifier, n_estimators=50, random_state=0),
        )
        for data in ("wine", "digits")
    ] + [
        estimator_case(
            "ensemble",
            "ExtraTreesClassifier(n_estimators=50)",
            "digits",
            partial(ours.ExtraTreesClassifier, n_estimators=50, random_state=0),
            partial(sk.ExtraTreesClassifier, n_estimators=50, random_state=0),
        )
    ]


def _neural_network_cases():
    from functools import partial

    import sklearn.neural_network as sk
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import skml.neural_network as ours

    def make(module, **extra):
        def build():
            return make_pipeline(
                StandardScaler(),
                module.MLPClassifier(
                    hidden_layer_sizes=(64,),
                    batch_size=64,
                    max_iter=30,
                    random_state=0,
                    **extra,
                ),
            )

        return build

    return [
        estimator_case(
            "neural_network",
            "MLPClassifier((64,), adam, 30 epochs)",
            "digits",
            make(ours, weight_init="xavier"),
            make(sk),
        ),
        estimator_case(
            "neural_network",
            "MLPClassifier((64,), adam, 30 epochs)",
            "synthetic",
            partial(
                ours.MLPClassifier,
                hidden_layer_sizes=(64,),
                max_iter=30,
                random_state=0,
                weight_init="xavier",  # scikit-learn's Glorot rule: matching settings
            ),
            partial(
                sk.MLPClassifier, hidden_layer_sizes=(64,), max_iter=30, random_state=0
            ),
        ),
    ]


def uplift_case(name, make_learner):
    """A held-out uplift campaign: ``make_learner(base)`` with skml's forest as the
    base model against the same learner on scikit-learn's forest.

    Both are scored by the normalised Qini AUC on a 30% test split of generated
    campaign data (:func:`skml.datasets.make_uplift_classification`).
    """

    def run(quick):
        import sklearn.ensemble as sk
        from sklearn.model_selection import train_test_split

        import skml.ensemble as ours
        from skml.datasets import make_uplift_classification
        from skml.metrics import qini_auc_score

        n_samples = 5_000 if quick else 50_000
        X, y, t, _ = make_uplift_classification(n_samples, 20, random_state=0)
        X_train, X_test, y_train, y_test, t_train, t_test = train_test_split(
            X, y, t, test_size=0.3, random_state=0, stratify=t
        )
        forest = dict(n_estimators=50, min_samples_leaf=50, n_jobs=-1, random_state=0)
        learners, times = best_times(
            [
                lambda m=module: make_learner(m.RandomForestRegressor(**forest)).fit(
                    X_train, y_train, treatment=t_train
                )
                for module in (ours, sk)
            ]
        )
        scores = [
            float(qini_auc_score(y_test, learner.predict(X_test), t_test))
            for learner in learners
        ]
        return Result(
            "uplift",
            name,
            f"campaign {n_samples}x20",
            "qini AUC (held out)",
            scores[0],
            scores[1],
            times[0],
            times[1],
        )

    return Case("uplift", name, "campaign", run)


def uplift_forest_case():
    """skml's uplift random forest (histogram splits) against a T-learner on
    scikit-learn's forest, on the campaign data of :func:`uplift_case`."""

    def run(quick):
        import sklearn.ensemble as sk
        from sklearn.model_selection import train_test_split

        from skml.datasets import make_uplift_classification
        from skml.metrics import qini_auc_score
        from skml.uplift import TLearner, UpliftRandomForestClassifier

        n_samples = 5_000 if quick else 50_000
        X, y, t, _ = make_uplift_classification(n_samples, 20, random_state=0)
        X_train, X_test, y_train, y_test, t_train, t_test = train_test_split(
            X, y, t, test_size=0.3, random_state=0, stratify=t
        )
        learners = (
            UpliftRandomForestClassifier(
                n_estimators=100,
                max_depth=5,
                min_samples_leaf=50,
                max_features=10,
                splitter="hist",
                n_jobs=-1,
                random_state=0,
            ),
            TLearner(
                sk.RandomForestRegressor(
                    n_estimators=50, min_samples_leaf=50, n_jobs=-1, random_state=0
                )
            ),
        )
        learners, times = best_times(
            [
                lambda learner=learner: learner.fit(X_train, y_train, treatment=t_train)
                for learner in learners
            ]
        )
        scores = [
            float(qini_auc_score(y_test, learner.predict(X_test), t_test))
            for learner in learners
        ]
        return Result(
            "uplift",
            "UpliftRandomForestClassifier (vs sklearn TLearner)",
            f"campaign {n_samples}x20",
            "qini AUC (held out)",
            scores[0],
            scores[1],
            times[0],
            times[1],
        )

    return Case("uplift", "UpliftRandomForestClassifier", "campaign", run)


def _uplift_cases():
    import skml.uplift as ours

    return [
        uplift_case("TLearner(RandomForestRegressor)", ours.TLearner),
        uplift_case(
            "SLearner(RandomForestRegressor)",
            lambda base: ours.SLearner(base),
        ),
        uplift_case("XLearner(RandomForestRegressor)", ours.XLearner),
        uplift_case(
            "DRLearner(RandomForestRegressor)",
            lambda base: ours.DRLearner(base, cv=3, random_state=0),
        ),
        uplift_forest_case(),
    ]


def _linear_model_cases():
    from skml._tour._linear_cases import linear_model_cases

    return linear_model_cases()


def _gradient_boosting_cases():
    from skml._tour._boosting_cases import gradient_boosting_cases

    return gradient_boosting_cases()


# family name -> function returning its cases (imports the family lazily).
FAMILIES = {
    "naive_bayes": _naive_bayes_cases,
    "cluster": _cluster_cases,
    "decomposition": _decomposition_cases,
    "metrics": _metrics_cases,
    "neighbors": _neighbors_cases,
    "tree": _tree_cases,
    "ensemble": _ensemble_cases,
    "neural_network": _neural_network_cases,
    "uplift": _uplift_cases,
    "linear_model": _linear_model_cases,
    "svm": svm_cases,
    "gradient_boosting": _gradient_boosting_cases,
}
