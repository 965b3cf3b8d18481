# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""XGBoost* and LightGBM* wrappers: same predictions as the libraries' own
estimators at the same settings, and scikit-learn behaviour where the libraries
differ (labels, weights, parameters, early stopping without fit arguments)."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skml.ensemble import (
    LightGBMClassifier,
    LightGBMRegressor,
    XGBoostClassifier,
    XGBoostRegressor,
)

WRAPPERS = {
    "xgboost": (XGBoostClassifier, XGBoostRegressor),
    "lightgbm": (LightGBMClassifier, LightGBMRegressor),
}
LIBRARIES = sorted(WRAPPERS)


def _lib(name):
    return pytest.importorskip(name)


def _raw(name, task, **params):
    """The library's own scikit-learn estimator at the wrapper's settings."""
    lib = _lib(name)
    if name == "xgboost":
        cls = lib.XGBClassifier if task == "clf" else lib.XGBRegressor
        return cls(**params)
    params = {"verbosity": -1, **params}
    if params.get("subsample", 1.0) < 1:
        params["subsample_freq"] = 1
    cls = lib.LGBMClassifier if task == "clf" else lib.LGBMRegressor
    return cls(**params)


def _clf_data(seed, n_classes=2, n_samples=300):
    return make_classification(
        n_samples=n_samples, n_features=8, n_informative=5, n_classes=n_classes,
        random_state=seed,
    )


def _reg_data(seed, n_samples=300):
    return make_regression(
        n_samples=n_samples, n_features=8, noise=5.0, random_state=seed
    )


COMMON = dict(
    n_estimators=30, learning_rate=0.2, max_depth=4, subsample=0.8,
    colsample_bytree=0.7, reg_alpha=0.1, reg_lambda=2.0, min_child_weight=0.5,
    random_state=0, n_jobs=1,
)


def _leaves(name):
    return {"max_leaves": 12} if name == "xgboost" else {"num_leaves": 12}


# --------------------------------------------------------------------------
# Same predictions as the library's own estimators
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIBRARIES)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_matches_library(name, n_classes, global_random_seed):
    X, y = _clf_data(global_random_seed, n_classes)
    w = np.random.default_rng(global_random_seed).uniform(0.2, 2.0, len(y))
    params = {**COMMON, **_leaves(name)}
    ours = WRAPPERS[name][0](**params, early_stopping=False).fit(X, y, w)
    raw = _raw(name, "clf", **params).fit(X, y, sample_weight=w)
    # The same library calls on the same data: equal up to the last bits.
    assert_allclose(ours.predict_proba(X), raw.predict_proba(X), rtol=1e-6)
    assert_array_equal(ours.predict(X), raw.predict(X))
    assert ours.n_iter_ == COMMON["n_estimators"] and ours.best_iteration_ is None


@pytest.mark.parametrize("name", LIBRARIES)
def test_regressor_matches_library(name, global_random_seed):
    X, y = _reg_data(global_random_seed)
    params = {**COMMON, **_leaves(name)}
    ours = WRAPPERS[name][1](**params, early_stopping=False).fit(X, y)
    raw = _raw(name, "reg", **params).fit(X, y)
    assert_allclose(ours.predict(X), raw.predict(X), rtol=1e-6, atol=1e-6)
    expected = "reg:squarederror" if name == "xgboost" else "regression"
    assert ours.objective_ == expected


@pytest.mark.parametrize("name", LIBRARIES)
def test_gain_importances_match_library(name, global_random_seed):
    X, y = _clf_data(global_random_seed, 3)
    ours = WRAPPERS[name][0](n_estimators=10, random_state=0, n_jobs=1).fit(X, y)
    importance = "total_gain" if name == "xgboost" else "gain"
    raw = _raw(name, "clf", n_estimators=10, random_state=0, n_jobs=1,
               importance_type=importance).fit(X, y)
    expected = raw.feature_importances_ / raw.feature_importances_.sum()
    assert_allclose(ours.feature_importances_, expected, rtol=1e-6)
    assert_allclose(ours.feature_importances_.sum(), 1.0)


# --------------------------------------------------------------------------
# Labels, weights, feature names
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIBRARIES)
def test_classifier_any_labels(name, global_random_seed):
    X, y = _clf_data(global_random_seed, 3)
    cls = WRAPPERS[name][0]
    ref = cls(n_estimators=10, random_state=0, n_jobs=1).fit(X, y)
    for labels in (np.array(["cat", "dog", "emu"]), np.array([-5, 10, 42])):
        model = cls(n_estimators=10, random_state=0, n_jobs=1).fit(X, labels[y])
        assert_array_equal(model.classes_, labels)
        assert_array_equal(model.predict(X), labels[ref.predict(X)])
        assert_allclose(model.predict_proba(X), ref.predict_proba(X))


@pytest.mark.parametrize("name", LIBRARIES)
def test_sample_weight_errors_and_effect(name, global_random_seed):
    X, y = _clf_data(global_random_seed)
    cls = WRAPPERS[name][0]
    with pytest.raises(ValueError, match="at least one non-zero"):
        cls(n_estimators=5, n_jobs=1).fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="Negative"):
        cls(n_estimators=5, n_jobs=1).fit(X, y, sample_weight=-np.ones(len(y)))
    w = np.where(y == 1, 5.0, 1.0)
    plain = cls(n_estimators=10, random_state=0, n_jobs=1).fit(X, y)
    weighted = cls(n_estimators=10, random_state=0, n_jobs=1).fit(X, y, sample_weight=w)
    # Up-weighting class 1 raises its predicted probability everywhere on average.
    assert (
        weighted.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()
    )


@pytest.mark.parametrize("name", LIBRARIES)
def test_pandas_feature_names(name, global_random_seed):
    pd = pytest.importorskip("pandas")
    X, y = _reg_data(global_random_seed)
    columns = [f"feature [{i}]<" for i in range(X.shape[1])]  # XGBoost-hostile
    df = pd.DataFrame(X, columns=columns)
    model = WRAPPERS[name][1](n_estimators=10, n_jobs=1).fit(df, y)
    assert_array_equal(model.feature_names_in_, columns)
    assert model.n_features_in_ == X.shape[1]
    plain = WRAPPERS[name][1](n_estimators=10, n_jobs=1).fit(X, y)
    assert_allclose(model.predict(df), plain.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        model.predict(df[columns[::-1]])


# --------------------------------------------------------------------------
# Early stopping
# --------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:The argument 'eval_set' is deprecated")
@pytest.mark.parametrize("name", LIBRARIES)
def test_early_stopping_on_given_validation_set_matches_library(
    name, global_random_seed
):
    X, y = _clf_data(global_random_seed, n_samples=600)
    X_tr, X_val, y_tr, y_val = X[:400], X[400:], y[:400], y[400:]
    params = dict(n_estimators=300, learning_rate=0.3, random_state=0, n_jobs=1)
    ours = WRAPPERS[name][0](**params, n_iter_no_change=5, tol=0.0).fit(
        X_tr, y_tr, X_val=X_val, y_val=y_val
    )
    lib = _lib(name)
    if name == "xgboost":
        raw = _raw(name, "clf", **params, early_stopping_rounds=5)
        raw.fit(X_tr, y_tr, eval_set=[(X_val, y_val)], verbose=False)
    else:
        raw = _raw(name, "clf", **params)
        raw.fit(X_tr, y_tr, eval_set=[(X_val, y_val)],
                callbacks=[lib.early_stopping(5, verbose=False)])
        raw.best_iteration = raw.best_iteration_ - 1  # LightGBM counts from 1
    assert ours.n_iter_ < 300
    assert ours.best_iteration_ == raw.best_iteration
    assert ours.n_iter_ == ours.best_iteration_ + 1
    assert_allclose(ours.predict_proba(X_val), raw.predict_proba(X_val), rtol=1e-6)


@pytest.mark.parametrize("name", LIBRARIES)
def test_early_stopping_inside_grid_search_and_pipeline(name, global_random_seed):
    X, y = _clf_data(global_random_seed, n_samples=400)
    est = WRAPPERS[name][0](
        n_estimators=400, learning_rate=0.5, early_stopping=True,
        n_iter_no_change=5, random_state=global_random_seed, n_jobs=1,
    )
    search = GridSearchCV(make_pipeline(StandardScaler(), est),
                          {f"{type(est).__name__.lower()}__max_depth": [2, 3]}, cv=3)
    search.fit(X, y)  # nothing passed to fit
    best = search.best_estimator_[-1]
    assert 1 <= best.n_iter_ < 400
    assert best.best_iteration_ == best.n_iter_ - 1
    assert search.best_score_ > 0.7
    assert est.n_estimators == 400 and not hasattr(est, "n_iter_")


@pytest.mark.slow  # 10,001 rows
@pytest.mark.parametrize("name", LIBRARIES)
def test_early_stopping_auto(name):
    X, y = _reg_data(0, n_samples=10_001)
    reg = WRAPPERS[name][1](n_estimators=400, learning_rate=0.5, n_jobs=1,
                            random_state=0)
    assert reg.fit(X[:500], y[:500]).best_iteration_ is None  # off: small data
    assert reg.fit(X, y).best_iteration_ is not None  # on above 10,000 rows
    assert reg.n_iter_ < 400


@pytest.mark.parametrize("name", LIBRARIES)
def test_early_stopping_split_is_deterministic(name, global_random_seed):
    X, y = _clf_data(global_random_seed, n_samples=400)
    est = WRAPPERS[name][0](n_estimators=200, early_stopping=True,
                            subsample=0.7, colsample_bytree=0.6,
                            random_state=global_random_seed, n_jobs=1)
    a, b = clone(est).fit(X, y), clone(est).fit(X, y)
    assert a.n_iter_ == b.n_iter_
    assert_array_equal(a.predict_proba(X), b.predict_proba(X))


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, key",
    [("xgboost", "eta"), ("xgboost", "n_estimators"), ("xgboost", "seed"),
     ("xgboost", "lambda"), ("lightgbm", "num_iterations"),
     ("lightgbm", "bagging_fraction"), ("lightgbm", "num_threads"),
     ("lightgbm", "max_leaves")],
)
def test_params_cannot_override_explicit_parameters(name, key):
    X, y = _clf_data(0)
    with pytest.raises(ValueError, match="override the explicit parameter"):
        WRAPPERS[name][0](params={key: 1}, n_jobs=1).fit(X, y)


@pytest.mark.parametrize("name", LIBRARIES)
def test_params_managed_keys_and_pass_through(name):
    X, y = _reg_data(0)
    clf, reg = WRAPPERS[name]
    with pytest.raises(ValueError, match="cannot be set"):
        clf(params={"objective": "binary:hinge"}).fit(*_clf_data(0))
    with pytest.raises(ValueError, match="cannot be set"):
        clf(params={"num_class": 4}).fit(*_clf_data(0))
    objective = "reg:absoluteerror" if name == "xgboost" else "l1"
    params = {"objective": objective}
    model = reg(n_estimators=20, params=params, n_jobs=1).fit(X, y)
    assert params == {"objective": objective}  # not modified
    assert model.objective_ == objective
    raw = _raw(name, "reg", n_estimators=20, objective=objective, n_jobs=1).fit(X, y)
    assert_allclose(model.predict(X), raw.predict(X), rtol=1e-6, atol=1e-6)
    with pytest.raises(TypeError, match="keys of params"):
        reg(params={1: 2}).fit(X, y)


@pytest.mark.parametrize("name", LIBRARIES)
def test_random_state_and_n_jobs(name, global_random_seed):
    X, y = _clf_data(global_random_seed)
    cls = WRAPPERS[name][0]
    params = dict(n_estimators=20, subsample=0.6, colsample_bytree=0.5)
    a = cls(**params, random_state=1, n_jobs=1).fit(X, y).predict_proba(X)
    b = cls(**params, random_state=1, n_jobs=1).fit(X, y).predict_proba(X)
    c = cls(**params, random_state=2, n_jobs=1).fit(X, y).predict_proba(X)
    assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.slow  # two OpenMP threads crawl on a loaded machine
@pytest.mark.parametrize("name", LIBRARIES)
def test_n_jobs_does_not_change_the_model(name, global_random_seed):
    X, y = _clf_data(global_random_seed)
    params = dict(n_estimators=20, subsample=0.6, random_state=1)
    cls = WRAPPERS[name][0]
    a = cls(**params, n_jobs=1).fit(X, y).predict_proba(X)
    b = cls(**params, n_jobs=2).fit(X, y).predict_proba(X)
    assert_allclose(a, b, rtol=1e-6)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIBRARIES)
def test_bad_input(name):
    X, y = _clf_data(0)
    clf, reg = WRAPPERS[name]
    with pytest.raises(ValueError, match="at least 2 classes"):
        clf(n_jobs=1).fit(X, np.zeros(len(y)))
    y_nan = y.astype(float)
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        reg(n_jobs=1).fit(X, y_nan)
    with pytest.raises(ValueError, match="NaN"):
        clf(n_jobs=1).fit(X, y_nan)
    for lr in (0.0, -0.1):
        with pytest.raises(ValueError, match="learning_rate"):
            clf(learning_rate=lr, n_jobs=1).fit(X, y)
    with pytest.raises(ValueError, match="together"):
        clf(n_jobs=1).fit(X, y, X_val=X)
    with pytest.raises(ValueError, match="early_stopping=False"):
        clf(early_stopping=False, n_jobs=1).fit(X, y, X_val=X, y_val=y)
    with pytest.raises(ValueError, match="not seen in y"):
        clf(n_jobs=1).fit(X, y, X_val=X, y_val=y + 5)
    with pytest.raises(ValueError, match="different numbers"):
        clf(n_jobs=1).fit(X, y, X_val=X, y_val=y[:-1])
    with pytest.raises(ValueError, match="features"):
        clf(n_jobs=1).fit(X, y, X_val=X[:, :3], y_val=y)


@pytest.mark.parametrize("name", LIBRARIES)
def test_missing_values_are_routed(name, global_random_seed):
    X, y = _reg_data(global_random_seed)
    X[np.random.default_rng(global_random_seed).random(X.shape) < 0.1] = np.nan
    model = WRAPPERS[name][1](n_estimators=20, n_jobs=1).fit(X, y)
    assert np.isfinite(model.predict(X)).all()
    raw = _raw(name, "reg", n_estimators=20, n_jobs=1).fit(X, y)
    assert_allclose(model.predict(X), raw.predict(X), rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------
# Persistence, lazy import
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIBRARIES)
def test_pickle_keeps_predictions_and_rejects_corrupt_models(name):
    X, y = _clf_data(0, 3)
    model = WRAPPERS[name][0](n_estimators=10, random_state=0, n_jobs=1).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert type(restored.booster_) is type(model.booster_)
    assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    state = model.__getstate__()
    assert isinstance(state["booster_"], bytes | str)
    corrupt = dict(state, booster_=state["booster_"][: len(state["booster_"]) // 3])
    with pytest.raises(ValueError, match="Invalid"):
        WRAPPERS[name][0]().__setstate__(corrupt)
    with pytest.raises(ValueError, match="stored as"):
        WRAPPERS[name][0]().__setstate__(dict(state, booster_=[1, 2]))


@pytest.mark.slow  # a fresh interpreter importing skml: seconds
def _xgb_edits():
    import json

    def edit(change):
        def apply(raw):
            model = json.loads(raw)
            change(model["learner"]["gradient_booster"]["model"]["trees"][1])
            return json.dumps(model).encode()

        return apply

    def set_(key, index, value):
        return edit(lambda tree: tree[key].__setitem__(index, value))

    return {
        "child out of range": set_("left_children", 0, 10**6),
        "child before parent": set_("right_children", 0, 0),
        "feature out of range": set_("split_indices", 0, 99),
        "short array": edit(lambda tree: tree["split_conditions"].pop()),
        "negative parent": set_("parents", 1, -7),
        "not JSON": lambda raw: raw[:-40],
    }


def _lgb_edits():
    import re

    def sub(pattern, repl):
        return lambda text: re.sub(pattern, repl, text, count=1)

    return {
        "child out of range": sub(r"left_child=\d+", "left_child=9999"),
        "child before parent": sub(r"right_child=\d+", "right_child=0"),
        "feature out of range": sub(r"split_feature=\d+", "split_feature=99"),
        "short array": sub(r"(leaf_weight=\S+) \S+", r"\1"),
        "wrong tree_sizes": sub(r"tree_sizes=\d+", "tree_sizes=7"),
        "truncated": lambda text: text[: len(text) // 2],
        "bad parameters": sub(r"\[boosting: ", "[boosting "),
    }


@pytest.mark.parametrize("name", LIBRARIES)
def test_edited_models_raise_value_error(name, global_random_seed):
    X, y = _clf_data(global_random_seed, 3)
    cls = WRAPPERS[name][0]
    state = cls(n_estimators=3, max_depth=3, n_jobs=1).fit(X, y).__getstate__()
    edits = _xgb_edits() if name == "xgboost" else _lgb_edits()
    for case, edit in edits.items():
        corrupt = dict(state, booster_=edit(state["booster_"]))
        assert corrupt["booster_"] != state["booster_"], case
        with pytest.raises(ValueError, match="Invalid"):
            cls().__setstate__(corrupt)


@pytest.mark.slow  # a fresh interpreter importing skml: seconds
def test_importing_skml_does_not_import_the_libraries():
    code = (
        "import sys, skml, skml.ensemble\n"
        "from skml.ensemble import XGBoostClassifier, LightGBMRegressor\n"
        "XGBoostClassifier(); LightGBMRegressor().get_params()\n"
        "print(sorted(m for m in ('xgboost', 'lightgbm') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", LIBRARIES)
def test_missing_library_names_the_extra(name, monkeypatch):
    X, y = _clf_data(0)
    fitted = WRAPPERS[name][0](n_estimators=2, n_jobs=1).fit(X, y) if (
        __import__("importlib").util.find_spec(name)
    ) else None
    monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    for cls in WRAPPERS[name]:
        with pytest.raises(ImportError, match=rf'pip install "skml\[{name}\]"'):
            cls().fit(X, y)
    if fitted is not None:
        with pytest.raises(ImportError, match=rf'pip install "skml\[{name}\]"'):
            pickle.loads(pickle.dumps(fitted))
