# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
==============================================
Gradient boosting: native categorical features
==============================================

:class:`skml.ensemble.GradientBoostingRegressor` splits a categorical feature
by a *set* of categories: the categories of a node are sorted by their
gradient statistics and the best cut of that order is taken. Here we predict
the (log) sales of products in stores from three categorical columns (store,
product and region) and two numeric ones, and compare three ways to handle the
categories:

- **native**: the pandas ``category`` columns are used as they are
  (``categorical_features="from_dtype"``, the default);
- **one-hot**: a :class:`~sklearn.preprocessing.OneHotEncoder` turns each
  category into a 0/1 column;
- **ordinal**: an :class:`~sklearn.preprocessing.OrdinalEncoder` turns the
  categories into integer codes that the model splits by threshold, as if they
  were ordered (``categorical_features=None``).

We look at the test R2 and the fit time of each, with the default trees and
with a few shallow trees.
"""

# %%
# A synthetic sales dataset
# -------------------------
#
# Every store, product and region has an effect on the sales, and products sell
# differently in different regions; the effects are random, so that the
# categories of similar effect are not neighbours in any order of their names.

import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

from skml.ensemble import GradientBoostingRegressor

rng = np.random.RandomState(0)
n_samples, n_stores, n_products, n_regions = 30_000, 80, 50, 8

store = rng.randint(n_stores, size=n_samples)
product = rng.randint(n_products, size=n_samples)
region_of_store = rng.randint(n_regions, size=n_stores)
region = region_of_store[store]
price = rng.uniform(1.0, 20.0, size=n_samples)
promotion = rng.binomial(1, 0.2, size=n_samples)

store_effect = rng.normal(scale=0.5, size=n_stores)
product_effect = rng.normal(scale=0.8, size=n_products)
product_region = rng.normal(scale=0.4, size=(n_products, n_regions))
elasticity = rng.uniform(0.02, 0.1, size=n_products)
log_sales = (
    3.0
    + store_effect[store]
    + product_effect[product]
    + product_region[product, region]
    - elasticity[product] * price
    + 0.3 * promotion
    + rng.normal(scale=0.3, size=n_samples)
)


def names(prefix, codes, n):
    labels = np.array([f"{prefix}_{i:02d}" for i in range(n)])
    return pd.Categorical(labels[codes], categories=labels)


X = pd.DataFrame(
    {
        "store": names("store", store, n_stores),
        "product": names("product", product, n_products),
        "region": names("region", region, n_regions),
        "price": price,
        "promotion": promotion,
    }
)
X_train, X_test, y_train, y_test = train_test_split(
    X, log_sales, test_size=0.25, random_state=0
)
print(X.dtypes)

# %%
# Three models
# ------------
#
# The native model needs no preprocessing: the ``category`` columns of the
# DataFrame are categorical (``is_categorical_`` after the fit); at predict time
# their categories are matched by value, and a category not seen at fit is
# treated as a missing value. The other two encode the categorical columns
# first and then see numbers only.

categorical_columns = ["store", "product", "region"]


def make_models(**params):
    common = dict(early_stopping=False, random_state=0, **params)
    one_hot = make_column_transformer(
        (
            OneHotEncoder(sparse_output=False, handle_unknown="ignore"),
            categorical_columns,
        ),
        remainder="passthrough",
    )
    ordinal = make_column_transformer(
        (
            OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan),
            categorical_columns,
        ),
        remainder="passthrough",
    )
    return {
        "native": GradientBoostingRegressor(**common),
        "one-hot": make_pipeline(
            one_hot, GradientBoostingRegressor(categorical_features=None, **common)
        ),
        "ordinal": make_pipeline(
            ordinal, GradientBoostingRegressor(categorical_features=None, **common)
        ),
    }


def evaluate(models):
    results = {}
    for name, model in models.items():
        tic = time.perf_counter()
        model.fit(X_train, y_train)
        fit_time = time.perf_counter() - tic
        score = r2_score(y_test, model.predict(X_test))
        results[name] = (fit_time, score)
        print(f"{name:>8}: fit {fit_time:5.2f} s, test R2 {score:.3f}")
    return results


print("100 trees of 31 leaves")
default_results = evaluate(make_models(n_estimators=100))

# %%
# With few shallow trees the difference is larger: a split of the native model
# sends any set of stores one way, where a split on a one-hot column separates
# one store from the others and a split on the ordinal codes an interval of
# them.

print("20 trees of 4 leaves")
shallow_results = evaluate(make_models(n_estimators=20, max_leaf_nodes=4))

# %%
# Fit time and test score
# -----------------------

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
labels = list(default_results)
positions = np.arange(len(labels))
width = 0.38
for offset, results, title in (
    (-width / 2, default_results, "100 trees, 31 leaves"),
    (width / 2, shallow_results, "20 trees, 4 leaves"),
):
    fit_times = [results[name][0] for name in labels]
    scores = [results[name][1] for name in labels]
    axes[0].bar(positions + offset, fit_times, width, label=title)
    axes[1].bar(positions + offset, scores, width, label=title)
for ax, ylabel in zip(axes, ("fit time (s)", "test R2"), strict=True):
    ax.set_xticks(positions, labels)
    ax.set_ylabel(ylabel)
axes[1].set_ylim(0, 1)
handles, legend_labels = axes[1].get_legend_handles_labels()
fig.legend(handles, legend_labels, loc="lower center", ncol=2)
fig.suptitle("Categorical columns: native splits, one-hot and ordinal codes")
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

# %%
# The native model scores best with either kind of trees, by far with the few
# shallow ones. It fits about as fast as the ordinal model, which has as many
# columns, and faster than the one-hot model, which bins and scans a column per
# category. See the :ref:`User Guide <gb_categorical>` for how the splits are
# found.
