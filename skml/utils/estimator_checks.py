# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""API checks for uplift estimators, with ``treatment`` supplied.

scikit-learn's ``check_estimator`` cannot call ``fit(X, y, *, treatment)``, so
these checks run the parts of scikit-learn's estimator contract that apply to an
uplift model: cloning, parameters left untouched, the not-fitted error,
``n_features_in_`` and feature names, pickling, determinism, sample weights, the
shape of ``predict``, bad treatment input, and metadata routing of ``treatment``
through ``GridSearchCV``, ``cross_validate`` and ``Pipeline``.
"""

import pickle
import warnings
from functools import partial

import numpy as np
from sklearn import config_context
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError

__all__ = ["check_uplift_estimator", "parametrize_uplift_checks"]


def _data(n_samples=240, n_features=4, n_groups=1, seed=0, binary=True):
    # Features, a 0/1 (or real) outcome with a heterogeneous effect, treatment 0..K.
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    treatment = np.arange(n_samples) % (n_groups + 1)
    rng.shuffle(treatment)
    effect = 0.5 * (X[:, 0] > 0) * treatment
    score = X[:, 1] + effect + 0.5 * rng.normal(size=n_samples)
    y = (score > 0.2).astype(np.float64) if binary else score
    return X, y, treatment


def _binary_only(estimator):
    base = getattr(estimator, "estimator", None)
    return base is None or is_classifier(base)


def _seeded(estimator):
    if "random_state" in estimator.get_params():
        return clone(estimator).set_params(random_state=0)
    return clone(estimator)


def _check_uplift_fit_needs_treatment(name, estimator):
    """fit and score without treatment raise a ValueError that says how to route
    it."""
    X, y, t = _data()
    est = _seeded(estimator)
    for call in (lambda: est.fit(X, y), lambda: est.fit(X, y, treatment=t).score(X, y)):
        try:
            call()
        except ValueError as exc:
            assert "enable_metadata_routing" in str(exc), (name, str(exc))
        else:
            raise AssertionError(f"{name} did not ask for treatment")


def _check_uplift_params_untouched(name, estimator):
    """fit changes neither the parameters nor the estimators given as parameters."""
    X, y, t = _data()
    est = _seeded(estimator)
    before = est.get_params(deep=False)
    nested = {k: pickle.dumps(v) for k, v in before.items() if hasattr(v, "fit")}
    est.fit(X, y, treatment=t)
    after = est.get_params(deep=False)
    assert before.keys() == after.keys()
    for key, value in before.items():
        assert after[key] is value, f"{name}.fit replaced parameter {key}"
        if key in nested:
            assert pickle.dumps(value) == nested[key], f"{name}.fit changed {key}"
            fitted = [a for a in vars(value) if a.endswith("_") and a[0] != "_"]
            assert not fitted, f"{name}.fit fitted the {key} it was given: {fitted}"
    clone(est)  # a fitted estimator clones


def _check_uplift_not_fitted(name, estimator):
    """predict before fit raises NotFittedError."""
    X, _, _ = _data()
    try:
        clone(estimator).predict(X)
    except NotFittedError:
        return
    raise AssertionError(f"{name}.predict before fit did not raise NotFittedError")


def _check_uplift_n_features_in(name, estimator):
    """n_features_in_ is set, and predict rejects another number of features."""
    X, y, t = _data()
    est = _seeded(estimator).fit(X, y, treatment=t)
    assert est.n_features_in_ == X.shape[1]
    try:
        est.predict(X[:, :-1])
    except ValueError as exc:
        assert "features" in str(exc)
    else:
        raise AssertionError(f"{name}.predict accepted the wrong number of features")


def _check_uplift_feature_names(name, estimator):
    """feature_names_in_ from a DataFrame; other names at predict raise."""
    try:
        import pandas as pd
    except ImportError:
        return
    X, y, t = _data()
    names = [f"f{i}" for i in range(X.shape[1])]
    est = _seeded(estimator).fit(pd.DataFrame(X, columns=names), y, treatment=t)
    np.testing.assert_array_equal(est.feature_names_in_, names)
    renamed = pd.DataFrame(X, columns=names[::-1])
    try:
        est.predict(renamed)
    except ValueError as exc:
        assert "feature names" in str(exc)
    else:
        raise AssertionError(f"{name}.predict accepted other feature names")


def _check_uplift_pickle(name, estimator):
    """A pickled and restored model predicts exactly the same."""
    X, y, t = _data()
    est = _seeded(estimator).fit(X, y, treatment=t)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))


def _check_uplift_deterministic(name, estimator):
    """Two fits with the same parameters give the same predictions."""
    X, y, t = _data()
    first = _seeded(estimator).fit(X, y, treatment=t).predict(X)
    second = _seeded(estimator).fit(X, y, treatment=t).predict(X)
    np.testing.assert_array_equal(first, second)


def _check_uplift_predict_shape(name, estimator):
    """(n,) for one treatment group, (n, K) for several; a finite score."""
    for n_groups in (1, 2):
        X, y, t = _data(n_groups=n_groups, n_samples=300)
        est = _seeded(estimator).fit(X, y, treatment=t)
        uplift = est.predict(X)
        expected = (X.shape[0],) if n_groups == 1 else (X.shape[0], n_groups)
        assert uplift.shape == expected, (name, uplift.shape, expected)
        assert np.all(np.isfinite(uplift))
        np.testing.assert_array_equal(est.treatment_groups_, np.arange(1, n_groups + 1))
        assert np.isfinite(est.score(X, y, treatment=t))


def _check_uplift_labels(name, estimator):
    """String labels with a named control give what integer codes give."""
    X, y, t = _data(n_groups=2, n_samples=300)
    labels = np.array(["ctrl", "mail", "phone"])[t]
    by_code = _seeded(estimator).fit(X, y, treatment=t).predict(X)
    est = _seeded(estimator).set_params(control="ctrl").fit(X, y, treatment=labels)
    np.testing.assert_array_equal(est.treatment_groups_, ["mail", "phone"])
    np.testing.assert_allclose(est.predict(X), by_code, rtol=1e-12, atol=1e-12)


def _check_uplift_continuous_outcome(name, estimator):
    """A real-valued outcome fits, unless the model needs a binary one."""
    if _binary_only(estimator):
        return
    X, y, t = _data(binary=False)
    uplift = _seeded(estimator).fit(X, y, treatment=t).predict(X)
    assert uplift.shape == (X.shape[0],) and np.all(np.isfinite(uplift))


def _check_uplift_sample_weight(name, estimator):
    """Unit weights change nothing; zero weights drop rows (no cross-fitting)."""
    X, y, t = _data()
    plain = _seeded(estimator).fit(X, y, treatment=t).predict(X)
    ones = _seeded(estimator).fit(X, y, treatment=t, sample_weight=np.ones(len(y)))
    np.testing.assert_allclose(ones.predict(X), plain, rtol=1e-10, atol=1e-10)
    if "cv" in estimator.get_params():
        return  # the folds depend on the rows present
    weight = np.ones(len(y))
    weight[::7] = 0.0
    keep = weight > 0
    zero = _seeded(estimator).fit(X, y, treatment=t, sample_weight=weight)
    dropped = _seeded(estimator).fit(X[keep], y[keep], treatment=t[keep])
    np.testing.assert_allclose(
        zero.predict(X), dropped.predict(X), rtol=1e-8, atol=1e-8
    )


def _raises(call, *words):
    try:
        call()
    except ValueError as exc:
        message = str(exc)
        assert all(w in message for w in words), (message, words)
        return
    raise AssertionError(f"no ValueError mentioning {words}")


def _check_uplift_bad_treatment(name, estimator):
    """Bad treatment input raises a ValueError that names the problem."""
    X, y, t = _data()
    est = _seeded(estimator)
    _raises(lambda: est.fit(X, y, treatment=t[:-1]), "treatment", "rows")
    with_nan = t.astype(float)
    with_nan[3] = np.nan
    _raises(lambda: est.fit(X, y, treatment=with_nan), "NaN")
    _raises(lambda: est.fit(X, y, treatment=t + 5), "control")
    _raises(lambda: est.fit(X, y, treatment=np.zeros_like(t)), "single group")
    _raises(lambda: est.fit(X, y, treatment=np.column_stack([t, t])), "1-D")


def _check_uplift_metadata_routing(name, estimator):
    """treatment reaches every fold through GridSearchCV, cross_validate and a
    Pipeline once routing is on; without routing, the error says how."""
    from sklearn.model_selection import GridSearchCV, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skml.metrics import make_uplift_scorer

    X, y, t = _data(n_samples=300)
    est = _seeded(estimator)
    grid = {"control": [0]}
    with config_context(enable_metadata_routing=True):
        search = GridSearchCV(est, grid, cv=3).fit(X, y, treatment=t)
        assert np.isfinite(search.best_score_)
        result = cross_validate(
            make_pipeline(StandardScaler(), est),
            X,
            y,
            cv=3,
            params={"treatment": t},
            scoring=make_uplift_scorer("qini_auc_score"),
        )
        assert np.all(np.isfinite(result["test_score"]))
    with config_context(enable_metadata_routing=False), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _raises(
            lambda: GridSearchCV(est, grid, cv=3, error_score="raise").fit(
                X, y, treatment=t
            ),
            "enable_metadata_routing",
        )


_CHECKS = (
    _check_uplift_fit_needs_treatment,
    _check_uplift_params_untouched,
    _check_uplift_not_fitted,
    _check_uplift_n_features_in,
    _check_uplift_feature_names,
    _check_uplift_pickle,
    _check_uplift_deterministic,
    _check_uplift_predict_shape,
    _check_uplift_labels,
    _check_uplift_continuous_outcome,
    _check_uplift_sample_weight,
    _check_uplift_bad_treatment,
    _check_uplift_metadata_routing,
)


def _checks(estimator):
    name = type(estimator).__name__
    for check in _CHECKS:
        yield estimator, partial(check, name)


def check_uplift_estimator(estimator):
    """Run every uplift API check on ``estimator``; raise on the first failure.

    Parameters
    ----------
    estimator : estimator object
        An unfitted uplift estimator (an :class:`~skml.uplift.UpliftMixin`).

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import TLearner
    >>> from skml.utils.estimator_checks import check_uplift_estimator
    >>> check_uplift_estimator(TLearner(LinearRegression()))
    """
    for est, check in _checks(estimator):
        check(est)


def parametrize_uplift_checks(estimators):
    """A pytest ``parametrize`` decorator over every (estimator, check) pair.

    Parameters
    ----------
    estimators : list of estimator objects
        Unfitted uplift estimators.

    Returns
    -------
    decorator : callable
        ``pytest.mark.parametrize("estimator, check", ...)``; the test calls
        ``check(estimator)``.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import TLearner
    >>> from skml.utils.estimator_checks import parametrize_uplift_checks
    >>> @parametrize_uplift_checks([TLearner(LinearRegression())])
    ... def test_uplift(estimator, check):
    ...     check(estimator)
    """
    import pytest

    pairs = [pair for est in estimators for pair in _checks(est)]
    ids = [
        f"{type(est).__name__}-{check.func.__name__.lstrip('_')}"
        for est, check in pairs
    ]
    return pytest.mark.parametrize("estimator, check", pairs, ids=ids)
