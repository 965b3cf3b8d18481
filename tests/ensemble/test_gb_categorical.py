# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Categorical features of GradientBoosting*: held-out scores against
scikit-learn's HistGradientBoosting* with the same categorical features (and
above the ordinal model), one-split trees against a brute-force search over
all subsets of categories and against HistGradientBoosting's, pandas
category columns against their codes, unseen and invalid categories as
missing values, thread count, pickling, warm start, the numeric model
unchanged, and bad input."""

import itertools
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from skml.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

NO_ES = dict(early_stopping=False, n_threads=1)
# A tree of one split, its leaves the full Newton steps.
STUMP = dict(max_leaf_nodes=2, learning_rate=1.0, min_samples_leaf=1)


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def _category_data(seed, n, n_categories=30, classification=False, n_classes=2):
    # The target depends on category membership through a random effect per
    # category: the sets of categories of similar effect are not intervals of
    # the codes, so an ordinal model needs many splits to carve them out.
    # Feature 0 is categorical, features 1 and 2 numeric.
    rng = np.random.RandomState(seed)
    effects = rng.normal(scale=1.5, size=n_categories)
    codes = rng.randint(n_categories, size=n)
    numeric = rng.uniform(-1, 1, size=(n, 2))
    f = effects[codes] + numeric[:, 0] + np.sin(3 * numeric[:, 1])
    f = f + rng.normal(scale=0.5, size=n)
    X = np.column_stack([codes, numeric])
    if not classification:
        return X, f
    return X, np.digitize(f, np.quantile(f, np.linspace(0, 1, n_classes + 1)[1:-1]))


def _models(kind):
    if kind == "regressor":
        return GradientBoostingRegressor, HistGradientBoostingRegressor, r2_score
    return GradientBoostingClassifier, HistGradientBoostingClassifier, accuracy_score


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_categorical_score_close_to_hgb(global_random_seed, kind):
    ours_cls, ref_cls, metric = _models(kind)
    X, y = _category_data(
        global_random_seed, 20_000, classification=kind == "classifier"
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=global_random_seed
    )
    common = dict(
        learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=20, random_state=0
    )
    ours = ours_cls(n_estimators=40, categorical_features=[0], **common, **NO_ES)
    ref = ref_cls(max_iter=40, categorical_features=[0], early_stopping=False, **common)
    ours_score = metric(y_test, ours.fit(X_train, y_train).predict(X_test))
    ref_score = metric(y_test, ref.fit(X_train, y_train).predict(X_test))
    assert ours_score >= ref_score - 0.01


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_categorical_beats_ordinal_with_shallow_trees(global_random_seed, kind):
    # Few small trees: a set split carves out the categories of similar
    # effect at once, threshold splits on the codes cannot.
    ours_cls, _, metric = _models(kind)
    X, y = _category_data(
        global_random_seed, 20_000, classification=kind == "classifier"
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=global_random_seed
    )
    common = dict(n_estimators=10, max_leaf_nodes=4, random_state=0, **NO_ES)
    native = ours_cls(categorical_features=[0], **common).fit(X_train, y_train)
    ordinal = ours_cls(categorical_features=None, **common).fit(X_train, y_train)
    native_score = metric(y_test, native.predict(X_test))
    ordinal_score = metric(y_test, ordinal.predict(X_test))
    if kind == "regressor":
        assert native_score > ordinal_score + 0.1
    else:
        assert native_score > ordinal_score + 0.01
        native_loss = log_loss(y_test, native.predict_proba(X_test))
        assert native_loss < log_loss(y_test, ordinal.predict_proba(X_test)) - 0.05


def _stump_data(seed, missing, classification=False, n_categories=8):
    # Categories of 100 to 400 samples (and a group of missing values) of
    # random effects. The groups of samples (n_categories for missing).
    rng = np.random.RandomState(seed)
    sizes = rng.randint(100, 400, size=n_categories + 1)
    effects = rng.normal(scale=2.0, size=n_categories + 1)
    groups = np.repeat(np.arange(n_categories + 1), sizes)
    if not missing:
        groups = groups[groups < n_categories]
    x = np.where(groups == n_categories, np.nan, groups.astype(float))
    f = effects[groups]
    if classification:
        y = (rng.uniform(size=len(f)) < 1 / (1 + np.exp(-f))).astype(int)
    else:
        y = f + rng.normal(size=len(f))
    return x[:, None], y, groups


def _brute_force_gain(gradient, groups):
    # Largest G_left^2 / n_left + G_right^2 / n_right over every partition of
    # the groups in two (squared error: unit hessians).
    G = np.bincount(groups, gradient)
    n = np.bincount(groups).astype(float)
    best = -np.inf
    for size in range(1, len(G)):
        for left in itertools.combinations(range(len(G)), size):
            mask = np.zeros(len(G), dtype=bool)
            mask[list(left)] = True
            gain = G[mask].sum() ** 2 / n[mask].sum()
            best = max(best, gain + G[~mask].sum() ** 2 / n[~mask].sum())
    return best


@pytest.mark.parametrize("missing", [False, True])
def test_gb_categorical_stump_is_the_best_subset(global_random_seed, missing):
    # One split of squared error, categories (and missing values, one group
    # more) of >= 100 samples: the best of all partitions of the groups
    # (Fisher 1958; the smoothing of the keys does not change their order
    # here), and the split of scikit-learn's HistGradientBoostingRegressor.
    X, y, groups = _stump_data(global_random_seed, missing)
    stump = GradientBoostingRegressor(
        n_estimators=1, categorical_features=[0], **STUMP, **NO_ES
    ).fit(X, y)
    prediction = stump.predict(X)
    assert len(np.unique(prediction)) == 2
    gradient = y - y.mean()
    gain = sum(
        gradient[prediction == v].sum() ** 2 / np.sum(prediction == v)
        for v in np.unique(prediction)
    )
    assert gain == pytest.approx(_brute_force_gain(gradient, groups), rel=1e-9)
    ref = HistGradientBoostingRegressor(
        max_iter=1, categorical_features=[0], early_stopping=False, **STUMP
    ).fit(X, y)
    assert_allclose(prediction, ref.predict(X), atol=1e-6)


@pytest.mark.parametrize("missing", [False, True])
def test_gb_categorical_classifier_stump_as_hgb(global_random_seed, missing):
    # Log-loss: the keys G / (H + 10) are those of HistGradientBoosting.
    X, y, _ = _stump_data(global_random_seed, missing, classification=True)
    stump = GradientBoostingClassifier(
        n_estimators=1, categorical_features=[0], **STUMP, **NO_ES
    ).fit(X, y)
    ref = HistGradientBoostingClassifier(
        max_iter=1, categorical_features=[0], early_stopping=False, **STUMP
    ).fit(X, y)
    assert_allclose(stump.decision_function(X), ref.decision_function(X), atol=1e-6)


def _small_category_data(seed):
    # Categories 0-4 of high target, 5-7 of low target, and category 8 of
    # high target but only 6 samples (fewer than the 10 a category needs to
    # be ordered in a node).
    rng = np.random.RandomState(seed)
    sizes = np.r_[rng.randint(100, 200, size=8), 6]
    effects = np.r_[np.full(5, 3.0), np.full(3, -3.0), 3.0]
    groups = np.repeat(np.arange(9), sizes)
    y = effects[groups] + rng.normal(scale=0.5, size=len(groups))
    return groups[:, None].astype(float), y


def test_gb_categorical_small_category_goes_right(global_random_seed):
    X, y = _small_category_data(global_random_seed)
    stump = GradientBoostingRegressor(
        n_estimators=1, categorical_features=[0], **STUMP, **NO_ES
    ).fit(X, y)
    tree = stump._predictors[0][0]
    codes = np.arange(9, dtype=np.float32)[:, None]
    leaves = tree.apply(codes)
    # The large categories are split by their effect, the small one is right.
    assert len(set(leaves[:5])) == len(set(leaves[5:8])) == 1
    assert leaves[0] != leaves[5]
    assert leaves[8] == tree.children_right[0]


def test_gb_categorical_small_category_as_hgb(global_random_seed):
    X, y = _small_category_data(global_random_seed)
    stump = GradientBoostingRegressor(
        n_estimators=1, categorical_features=[0], **STUMP, **NO_ES
    ).fit(X, y)
    ref = HistGradientBoostingRegressor(
        max_iter=1, categorical_features=[0], early_stopping=False, **STUMP
    ).fit(X, y)
    codes = np.arange(9, dtype=float)[:, None]
    assert_allclose(stump.predict(codes), ref.predict(codes), atol=0.1)


def test_gb_categorical_long_tail_score_close_to_hgb(global_random_seed):
    # 200 categories of Zipf frequencies: many have fewer than 10 samples in
    # most nodes.
    rng = np.random.RandomState(global_random_seed)
    n, n_categories = 20_000, 200
    frequency = 1 / np.arange(1, n_categories + 1) ** 1.1
    codes = rng.permutation(n_categories)[
        rng.choice(n_categories, size=n, p=frequency / frequency.sum())
    ]
    numeric = rng.uniform(-1, 1, size=n)
    y = rng.normal(scale=2.0, size=n_categories)[codes] + numeric
    y = y + rng.normal(scale=0.5, size=n)
    X = np.column_stack([codes, numeric])
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=global_random_seed
    )
    common = dict(
        learning_rate=0.1,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        categorical_features=[0],
        random_state=0,
    )
    ours = GradientBoostingRegressor(n_estimators=50, **common, **NO_ES)
    ref = HistGradientBoostingRegressor(max_iter=50, early_stopping=False, **common)
    ours_r2 = r2_score(y_test, ours.fit(X_train, y_train).predict(X_test))
    ref_r2 = r2_score(y_test, ref.fit(X_train, y_train).predict(X_test))
    assert ours_r2 >= ref_r2 - 0.01


def _sales_frame(seed, n=3000, n_stores=25, n_products=12):
    # Two categorical columns of string categories (as pandas category
    # columns, and as their codes) and a numeric one.
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(seed)
    stores = np.array([f"store_{i:02d}" for i in range(n_stores)])
    products = np.array([f"product_{i:02d}" for i in range(n_products)])
    store = rng.randint(n_stores, size=n)
    product = rng.randint(n_products, size=n)
    price = rng.uniform(1, 10, size=n)
    y = (
        rng.normal(size=n_stores)[store]
        + rng.normal(size=n_products)[product]
        - 0.3 * price
        + rng.normal(scale=0.3, size=n)
    )
    frame = pd.DataFrame(
        {
            "store": pd.Categorical(stores[store], categories=stores),
            "price": price,
            "product": pd.Categorical(products[product], categories=products),
        }
    )
    codes = np.column_stack([store, price, product]).astype(float)
    return frame, codes, y


def test_gb_categorical_pandas_matches_codes(global_random_seed):
    frame, codes, y = _sales_frame(global_random_seed)
    common = dict(n_estimators=20, random_state=global_random_seed, **NO_ES)
    from_dtype = GradientBoostingRegressor(**common).fit(frame, y)
    assert_array_equal(from_dtype.is_categorical_, [True, False, True])
    assert list(from_dtype.feature_names_in_) == ["store", "price", "product"]
    expected = from_dtype.predict(frame)
    on_codes = GradientBoostingRegressor(categorical_features=[0, 2], **common)
    assert_array_equal(on_codes.fit(codes, y).predict(codes), expected)
    for declared in (["store", "product"], [True, False, True], [2, 0]):
        model = GradientBoostingRegressor(categorical_features=declared, **common)
        model.fit(frame, y)
        assert_array_equal(model.is_categorical_, [True, False, True])
        assert_array_equal(model.predict(frame), expected)
    # Only the named column is categorical.
    one = GradientBoostingRegressor(categorical_features=["store"], **common)
    assert_array_equal(
        one.fit(frame.drop(columns="product"), y).is_categorical_, [True, False]
    )


def test_gb_categorical_pandas_categories_matched_by_value(global_random_seed):
    pd = pytest.importorskip("pandas")
    frame, _, y = _sales_frame(global_random_seed)
    model = GradientBoostingRegressor(
        n_estimators=20, random_state=global_random_seed, **NO_ES
    ).fit(frame, y)
    expected = model.predict(frame)
    stores = frame["store"].cat.categories
    reordered = frame.assign(
        store=frame["store"].cat.reorder_categories(stores[::-1]),
        product=frame["product"].cat.add_categories(["product_new"]),
    )
    assert_array_equal(model.predict(reordered), expected)
    as_objects = frame.assign(
        store=frame["store"].astype(object), product=frame["product"].astype(str)
    )
    assert_array_equal(model.predict(as_objects), expected)
    # Fewer categories at predict time (a subset of the rows).
    subset = frame.iloc[:50].copy()
    subset["store"] = subset["store"].cat.remove_unused_categories()
    assert_array_equal(model.predict(subset), expected[:50])

    # An unseen category predicts as a missing value.
    rows = frame.iloc[:40]
    unseen = rows.assign(store=pd.Categorical(["store_unseen"] * len(rows)))
    missing = rows.assign(store=pd.Categorical([np.nan] * len(rows), categories=stores))
    as_nan = model.predict(missing)
    assert_array_equal(model.predict(unseen), as_nan)
    plain = rows.assign(store=np.array(["nowhere"] * len(rows), dtype=object))
    assert_array_equal(model.predict(plain), as_nan)
    assert not np.all(as_nan == expected[:40])


def test_gb_categorical_pandas_unused_category_is_unseen(global_random_seed):
    pd = pytest.importorskip("pandas")
    frame, _, y = _sales_frame(global_random_seed)
    stores = list(frame["store"].cat.categories) + ["store_empty"]
    with_empty = frame.assign(store=frame["store"].cat.set_categories(stores))
    model = GradientBoostingRegressor(
        n_estimators=20, random_state=global_random_seed, **NO_ES
    ).fit(with_empty, y)
    rows = with_empty.iloc[:40]
    empty = rows.assign(store=pd.Categorical(["store_empty"] * 40, categories=stores))
    missing = rows.assign(store=pd.Categorical([np.nan] * 40, categories=stores))
    assert_array_equal(model.predict(empty), model.predict(missing))


def test_gb_categorical_pandas_integer_categories(global_random_seed):
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(global_random_seed)
    values = np.array([3, 10, 42, 7, 100])
    cat = values[rng.randint(len(values), size=2000)]
    effects = rng.permutation(len(values)).astype(float)
    y = effects[np.searchsorted(np.sort(values), cat)]
    y = y + rng.normal(scale=0.3, size=len(cat))
    frame = pd.DataFrame({"cat": pd.Categorical(cat), "x": rng.uniform(size=2000)})
    model = GradientBoostingRegressor(
        n_estimators=50, random_state=global_random_seed, **NO_ES
    ).fit(frame, y)
    expected = model.predict(frame)
    assert r2_score(y, expected) > 0.9
    # Matched by value, not by code: plain integer or float columns.
    assert_array_equal(model.predict(frame.assign(cat=cat)), expected)
    assert_array_equal(model.predict(frame.assign(cat=cat.astype(float))), expected)
    # 5 is no category (but a valid code): as missing.
    assert_array_equal(
        model.predict(frame.assign(cat=5)),
        model.predict(frame.assign(cat=pd.Categorical([np.nan] * len(cat)))),
    )


def test_gb_categorical_classifier_pandas(global_random_seed):
    frame, codes, y = _sales_frame(global_random_seed)
    y = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    common = dict(n_estimators=10, random_state=global_random_seed, **NO_ES)
    model = GradientBoostingClassifier(**common).fit(frame, y)
    on_codes = GradientBoostingClassifier(categorical_features=[0, 2], **common)
    on_codes.fit(codes, y)
    assert_array_equal(model.predict_proba(frame), on_codes.predict_proba(codes))


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_categorical_invalid_codes_predict_as_missing(global_random_seed, kind):
    ours_cls, _, _ = _models(kind)
    X, y = _category_data(
        global_random_seed, 3000, n_categories=20, classification=kind == "classifier"
    )
    keep = X[:, 0] != 7  # code 7: a gap among the fitted codes
    X, y = X[keep], y[keep]
    model = ours_cls(
        n_estimators=20, categorical_features=[0], random_state=0, **NO_ES
    ).fit(X, y)
    method = "predict" if kind == "regressor" else "decision_function"
    rows = np.repeat(X[:5], 6, axis=0)
    rows[:, 0] = np.tile([np.nan, 7, 20, -1, 2.5, 300], 5)
    raw = getattr(model, method)(rows).reshape(5, 6)
    assert np.all(np.isfinite(raw))
    assert_array_equal(raw, np.repeat(raw[:, :1], 6, axis=1))
    # The valid codes do not all predict as the missing values.
    valid = np.repeat(X[:1], 20, axis=0)
    valid[:, 0] = np.arange(20)
    assert np.ptp(getattr(model, method)(valid)) > 0


def test_gb_categorical_missing_values_at_fit(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y = _category_data(global_random_seed, 6000)
    missing = rng.uniform(size=len(y)) < 0.15
    X[missing, 0] = np.nan
    y = np.where(missing, 6.0 + rng.normal(scale=0.5, size=len(y)), y)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, random_state=global_random_seed
    )
    common = dict(max_leaf_nodes=15, random_state=0)
    model = GradientBoostingRegressor(
        n_estimators=40, categorical_features=[0], **common, **NO_ES
    )
    prediction = model.fit(X_train, y_train).predict(X_test)
    assert np.all(np.isfinite(prediction))
    nan_rows = np.isnan(X_test[:, 0])
    assert abs(prediction[nan_rows].mean() - 6.0) < 0.2
    ref = HistGradientBoostingRegressor(
        max_iter=40, categorical_features=[0], early_stopping=False, **common
    ).fit(X_train, y_train)
    assert r2_score(y_test, prediction) >= r2_score(y_test, ref.predict(X_test)) - 0.01


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_categorical_same_model_for_any_thread_count(kind):
    # Enough rows and features for the histogram fill, the partition and the
    # scan of the features to run in parallel.
    ours_cls, _, _ = _models(kind)
    rng = np.random.RandomState(0)
    n = 30_000
    codes = rng.randint(40, size=(n, 2))
    numeric = rng.normal(size=(n, 16))
    effects = rng.normal(size=(2, 40))
    y = effects[0, codes[:, 0]] + effects[1, codes[:, 1]] + numeric[:, 0]
    y = y + rng.normal(size=n)
    if kind == "classifier":
        y = (y > 0).astype(int)
    X = np.column_stack([codes, numeric])
    X[rng.uniform(size=n) < 0.05, 0] = np.nan
    common = dict(
        n_estimators=3,
        categorical_features=[0, 1],
        colsample_bynode=0.8,
        random_state=0,
        early_stopping=False,
    )
    one = ours_cls(n_threads=1, **common).fit(X, y)
    with threadpool_limits(limits=2, user_api="openmp"):
        two = ours_cls(n_threads=2, **common).fit(X, y)
    method = "predict" if kind == "regressor" else "decision_function"
    assert_array_equal(getattr(one, method)(X), getattr(two, method)(X))


def test_gb_categorical_pickle_and_float32(global_random_seed):
    X, y = _category_data(global_random_seed, 3000)
    X[::17, 0] = np.nan
    model = GradientBoostingRegressor(
        n_estimators=20, categorical_features=[0], random_state=0, **NO_ES
    ).fit(X, y)
    expected = model.predict(X)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X), expected)
    assert_array_equal(restored.is_categorical_, model.is_categorical_)
    X32 = X.astype(np.float32)
    model32 = clone(model).fit(X32, y)
    assert_array_equal(model32.predict(X32), expected)


def test_gb_categorical_pickle_pandas(global_random_seed):
    frame, _, y = _sales_frame(global_random_seed)
    model = GradientBoostingRegressor(n_estimators=10, random_state=0, **NO_ES)
    model.fit(frame, y)
    restored = pickle.loads(pickle.dumps(model))
    as_objects = frame.assign(store=frame["store"].astype(object))
    assert_array_equal(restored.predict(as_objects), model.predict(frame))


@pytest.mark.parametrize(
    "colsample",
    [
        dict(colsample_bytree=0.5),
        dict(colsample_bynode=0.5),
        dict(colsample_bytree=0.75, colsample_bynode=0.5, subsample=0.8),
    ],
)
def test_gb_categorical_colsample(global_random_seed, colsample):
    # The categorical feature is one of several columns drawn (its position
    # among the drawn ones varies); it must stay categorical in each tree.
    X, y = _category_data(global_random_seed, 6000)
    rng = np.random.RandomState(global_random_seed)
    X = np.column_stack([rng.normal(size=(len(y), 2)), X])  # categorical: 2
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, random_state=global_random_seed
    )
    common = dict(n_estimators=30, max_leaf_nodes=4, random_state=0, **colsample)
    scores = {}
    for categorical in ([2], None):
        model = GradientBoostingRegressor(
            categorical_features=categorical, **common, **NO_ES
        ).fit(X_train, y_train)
        scores[categorical is None] = r2_score(y_test, model.predict(X_test))
    assert scores[False] > scores[True] + 0.05


def test_gb_categorical_multiclass(global_random_seed):
    X, y = _category_data(global_random_seed, 9000, classification=True, n_classes=4)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, random_state=global_random_seed, stratify=y
    )
    common = dict(max_leaf_nodes=8, learning_rate=0.1, random_state=0)
    model = GradientBoostingClassifier(
        n_estimators=20, categorical_features=[0], **common, **NO_ES
    ).fit(X_train, y_train)
    assert model.n_trees_per_iteration_ == 4
    proba = model.predict_proba(X_test)
    assert_allclose(proba.sum(axis=1), 1.0)
    ref = HistGradientBoostingClassifier(
        max_iter=20, categorical_features=[0], early_stopping=False, **common
    ).fit(X_train, y_train)
    ours_score = accuracy_score(y_test, model.predict(X_test))
    assert ours_score >= accuracy_score(y_test, ref.predict(X_test)) - 0.02
    ordinal = GradientBoostingClassifier(
        n_estimators=20, categorical_features=None, **common, **NO_ES
    ).fit(X_train, y_train)
    assert ours_score > accuracy_score(y_test, ordinal.predict(X_test))


def test_gb_categorical_early_stopping_with_unseen_categories(global_random_seed):
    # Validation rows of categories the training rows do not have: the
    # validation loss is that of predict, which treats them as missing.
    X, y = _category_data(global_random_seed, 4000)
    seen = X[:, 0] < 24
    X_val = np.vstack([X[~seen], X[seen][:300]])
    y_val = np.concatenate([y[~seen], y[seen][:300]])
    model = GradientBoostingRegressor(
        n_estimators=200,
        early_stopping=True,
        n_iter_no_change=5,
        categorical_features=[0],
        random_state=0,
        n_threads=1,
    ).fit(X[seen], y[seen], X_val=X_val, y_val=y_val)
    assert 1 <= model.n_iter_ <= 200
    loss = np.mean((model.predict(X_val) - y_val) ** 2) / 2
    assert model.validation_score_[-1] == pytest.approx(-loss, rel=1e-9)


def test_gb_categorical_early_stopping_pandas_unseen(global_random_seed):
    pd = pytest.importorskip("pandas")
    frame, _, y = _sales_frame(global_random_seed)
    stores = frame["store"].cat.categories
    seen = frame["store"].isin(stores[:20]).to_numpy()
    train = frame[seen].assign(
        store=frame["store"][seen].cat.remove_unused_categories()
    )
    val = frame.assign(store=pd.Categorical(frame["store"].astype(str)))
    model = GradientBoostingRegressor(
        n_estimators=100,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
        n_threads=1,
    ).fit(train, y[seen], X_val=val, y_val=y)
    assert_array_equal(model.is_categorical_, [True, False, True])
    loss = np.mean((model.predict(val) - y) ** 2) / 2
    assert model.validation_score_[-1] == pytest.approx(-loss, rel=1e-9)
    unseen = val[~seen]
    missing = unseen.assign(store=pd.Categorical([np.nan] * len(unseen)))
    assert_array_equal(model.predict(unseen), model.predict(missing))


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_categorical_warm_start_equals_one_fit(global_random_seed, kind):
    ours_cls, _, _ = _models(kind)
    X, y = _category_data(
        global_random_seed, 2000, classification=kind == "classifier", n_classes=3
    )
    X[::11, 0] = np.nan
    common = dict(
        categorical_features=[0],
        subsample=0.7,
        colsample_bytree=0.8,
        random_state=global_random_seed,
        **NO_ES,
    )
    one = ours_cls(n_estimators=12, **common).fit(X, y)
    warm = ours_cls(n_estimators=5, warm_start=True, **common).fit(X, y)
    warm.set_params(n_estimators=12).fit(X, y)
    assert warm.n_iter_ == 12
    method = "predict" if kind == "regressor" else "decision_function"
    assert_array_equal(getattr(warm, method)(X), getattr(one, method)(X))


def test_gb_categorical_warm_start_pandas(global_random_seed):
    frame, _, y = _sales_frame(global_random_seed)
    common = dict(random_state=global_random_seed, **NO_ES)
    one = GradientBoostingRegressor(n_estimators=12, **common).fit(frame, y)
    warm = GradientBoostingRegressor(n_estimators=5, warm_start=True, **common)
    warm.fit(frame, y).set_params(n_estimators=12).fit(frame, y)
    assert_array_equal(warm.predict(frame), one.predict(frame))


def test_gb_categorical_refit_without_warm_start():
    # A fresh fit forgets the categorical features of the previous one.
    X, y = _category_data(0, 1000)
    model = GradientBoostingRegressor(
        n_estimators=5, categorical_features=[0], random_state=0, **NO_ES
    ).fit(X, y)
    model.set_params(categorical_features=None).fit(X, y)
    assert not model.is_categorical_.any()
    fresh = GradientBoostingRegressor(n_estimators=5, random_state=0, **NO_ES)
    assert_array_equal(model.predict(X), fresh.fit(X, y).predict(X))


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
@pytest.mark.parametrize(
    "categorical_features", ["from_dtype", [], [False, False, False]]
)
def test_gb_categorical_numeric_model_unchanged(
    global_random_seed, kind, categorical_features
):
    # No categorical feature, however declared: the model of
    # categorical_features=None bit for bit.
    ours_cls, _, _ = _models(kind)
    X, y = _category_data(global_random_seed, 1500, classification=kind == "classifier")
    X[::13, 1] = np.nan
    common = dict(
        n_estimators=15, colsample_bynode=0.7, random_state=global_random_seed
    )
    free = ours_cls(categorical_features=None, **common, **NO_ES).fit(X, y)
    other = ours_cls(categorical_features=categorical_features, **common, **NO_ES)
    other.fit(X, y)
    assert not other.is_categorical_.any()
    method = "predict" if kind == "regressor" else "decision_function"
    assert_array_equal(getattr(other, method)(X), getattr(free, method)(X))
    for trees_a, trees_b in zip(free._predictors, other._predictors, strict=True):
        for a, b in zip(trees_a, trees_b, strict=True):
            assert_array_equal(a.feature, b.feature)
            assert_array_equal(a.threshold, b.threshold)


def test_gb_categorical_numeric_frame_unchanged(global_random_seed):
    pd = pytest.importorskip("pandas")
    X, y = _category_data(global_random_seed, 1500)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    common = dict(n_estimators=15, random_state=global_random_seed, **NO_ES)
    on_array = GradientBoostingRegressor(categorical_features=None, **common)
    on_frame = GradientBoostingRegressor(**common).fit(frame, y)
    assert not on_frame.is_categorical_.any()
    assert_array_equal(on_frame.predict(frame), on_array.fit(X, y).predict(X))


def test_gb_categorical_bad_declarations():
    pd = pytest.importorskip("pandas")
    X, y = _category_data(0, 300, n_categories=10)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    reg = GradientBoostingRegressor
    kw = dict(n_estimators=2, **NO_ES)
    with pytest.raises(ValueError, match=r"indices out of range \[0, 3\): \[3\]"):
        reg(categorical_features=[0, 3], **kw).fit(X, y)
    with pytest.raises(ValueError, match=r"indices out of range \[0, 3\): \[-1\]"):
        reg(categorical_features=[-1], **kw).fit(X, y)
    with pytest.raises(ValueError, match="duplicate indices"):
        reg(categorical_features=[0, 0], **kw).fit(X, y)
    with pytest.raises(ValueError, match="boolean mask of length 2, but X has 3"):
        reg(categorical_features=[True, False], **kw).fit(X, y)
    with pytest.raises(ValueError, match=r"X does not have: \['d'\]"):
        reg(categorical_features=["a", "d"], **kw).fit(frame, y)
    with pytest.raises(ValueError, match="X has no feature names"):
        reg(categorical_features=["a"], **kw).fit(X, y)
    with pytest.raises(ValueError, match="categorical_features must be 1-D"):
        reg(categorical_features=[[0]], **kw).fit(X, y)
    with pytest.raises(ValueError, match="got dtype float64"):
        reg(categorical_features=[0.5], **kw).fit(X, y)
    # Any other string is refused by the parameter validation.
    with pytest.raises(ValueError, match="'categorical_features' parameter"):
        reg(categorical_features="auto", **kw).fit(X, y)


@pytest.mark.parametrize("bad", [-1.0, 2.5, 255.0])
def test_gb_categorical_bad_codes_at_fit(bad):
    X, y = _category_data(0, 300, n_categories=10)
    X[7, 0] = bad
    with pytest.raises(ValueError, match=rf"max_bins=255\).*got \[{bad}\]"):
        GradientBoostingRegressor(
            categorical_features=[0], n_estimators=2, **NO_ES
        ).fit(X, y)


def test_gb_categorical_codes_below_max_bins():
    X, y = _category_data(0, 600, n_categories=10)
    X[:, 0] = np.arange(len(y)) % 16  # codes 0..15
    kw = dict(categorical_features=[0], n_estimators=2, **NO_ES)
    GradientBoostingRegressor(max_bins=16, **kw).fit(X, y)
    with pytest.raises(ValueError, match=r"max_bins=15\).*got \[15.0"):
        GradientBoostingRegressor(max_bins=15, **kw).fit(X, y)


def test_gb_categorical_too_many_pandas_categories():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    n = 2600
    y = rng.normal(size=n)
    kw = dict(n_estimators=2, **NO_ES)
    for n_categories, max_bins in ((255, 255), (40, 40)):
        frame = pd.DataFrame(
            {"x": rng.uniform(size=n), "c": pd.Categorical(np.arange(n) % n_categories)}
        )
        # As many categories as bins: fine; one more: refused.
        model = GradientBoostingRegressor(max_bins=max_bins, **kw).fit(frame, y)
        assert_array_equal(model.is_categorical_, [False, True])
        frame["c"] = pd.Categorical(np.arange(n) % (n_categories + 1))
        message = (
            f"Categorical feature 1 has {n_categories + 1} categories, more than "
            f"max_bins={max_bins}"
        )
        with pytest.raises(ValueError, match=message):
            GradientBoostingRegressor(max_bins=max_bins, **kw).fit(frame, y)


def test_gb_categorical_monotonic_cst_refused():
    pd = pytest.importorskip("pandas")
    X, y = _category_data(0, 300, n_categories=10)
    message = r"Categorical features \[0\] have monotonic constraints"
    with pytest.raises(ValueError, match=message):
        GradientBoostingRegressor(
            categorical_features=[0], monotonic_cst=[1, 0, 0], n_estimators=2, **NO_ES
        ).fit(X, y)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(
        a=lambda f: pd.Categorical(f["a"].astype(int))
    )
    with pytest.raises(ValueError, match=message):
        GradientBoostingRegressor(monotonic_cst={"a": -1}, n_estimators=2, **NO_ES).fit(
            frame, y
        )
    # A constraint on a numeric feature is fine.
    GradientBoostingRegressor(
        categorical_features=[0], monotonic_cst=[0, 1, 0], n_estimators=2, **NO_ES
    ).fit(X, y)


def test_gb_categorical_undeclared_category_column_named():
    # A category column of strings left numeric cannot be converted to floats:
    # the error names the column and categorical_features.
    pd = pytest.importorskip("pandas")
    X, y = _category_data(0, 300, n_categories=10)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(
        a=lambda f: pd.Categorical(f["a"].astype(int).astype(str))
    )
    kw = dict(n_estimators=2, **NO_ES)
    message = r"Columns \['a'\] are pandas category columns.*categorical_features"
    for undeclared in (None, [1]):
        with pytest.raises(ValueError, match=message):
            GradientBoostingRegressor(categorical_features=undeclared, **kw).fit(
                frame, y
            )
    # Declared, or numeric categories left numeric: fitted.
    GradientBoostingRegressor(categorical_features=["a"], **kw).fit(frame, y)
    numeric = frame.assign(a=lambda f: pd.Categorical(X[:, 0].astype(int)))
    reg = GradientBoostingRegressor(categorical_features=None, **kw).fit(numeric, y)
    assert not reg.is_categorical_.any()


@pytest.mark.parametrize("new", [None, [1], [0, 1]])
def test_gb_categorical_warm_start_change_refused(new):
    X, y = _category_data(0, 300, n_categories=10)
    model = GradientBoostingRegressor(
        categorical_features=[0], warm_start=True, n_estimators=2, **NO_ES
    ).fit(X, y)
    model.set_params(categorical_features=new, n_estimators=4)
    with pytest.raises(ValueError, match="categorical_features changed"):
        model.fit(X, y)


def test_gb_categorical_grid_search_and_pipeline(global_random_seed):
    X, y = _category_data(global_random_seed, 2000, classification=True)
    X[::9, 0] = np.nan
    pipe = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        GradientBoostingClassifier(
            categorical_features=[0], n_estimators=10, random_state=0, **NO_ES
        ),
    )
    search = GridSearchCV(
        pipe,
        {"gradientboostingclassifier__max_leaf_nodes": [4, 8]},
        cv=3,
    ).fit(X, y)
    best = search.best_estimator_[-1]
    assert best.categorical_features == [0]
    assert_array_equal(best.is_categorical_, [True, False, False])
    assert clone(best).get_params()["categorical_features"] == [0]
    assert search.best_score_ > 0.7
