# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
======================================
Uplift trees and forests on a campaign
======================================

Uplift trees split on the effect itself: a split is good when the purchase rates
of treated and control customers differ more in its children than in the node.
We grow one tree and read its rules, compare the split criteria, then fit uplift
random forests with exact and histogram splits and compare their held-out Qini
curves and fit times.
"""

# %%
# A campaign with known effects
# -----------------------------

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skml.datasets import make_uplift_classification
from skml.metrics import QiniCurveDisplay, qini_auc_score
from skml.uplift import (
    UpliftRandomForestClassifier,
    UpliftTreeClassifier,
    export_text,
)

X, y, t, effect = make_uplift_classification(
    20_000, 20, n_informative=6, n_uplift=3, random_state=0
)
(X_train, X_test, y_train, y_test, t_train, t_test, _, effect_test) = train_test_split(
    X, y, t, effect, test_size=0.3, random_state=0, stratify=t
)

# %%
# One tree and its rules
# ----------------------
#
# Each leaf shows its uplift, and with ``show_groups`` the purchase rate and the
# number of customers of control and of the treated group.

tree = UpliftTreeClassifier(max_depth=2, min_samples_leaf=200, random_state=0)
tree.fit(X_train, y_train, treatment=t_train)
print(export_text(tree, show_groups=True))

# %%
# The split criteria
# ------------------
#
# KL, squared Euclidean and chi-squared divergences, contextual treatment
# selection and delta-delta-p, on depth-4 trees; the correlation with the true
# effect tells how well each ranks the customers.

for criterion in ["KL", "ED", "Chi", "CTS", "DDP"]:
    model = UpliftTreeClassifier(criterion=criterion, max_depth=4, random_state=0)
    uplift = model.fit(X_train, y_train, treatment=t_train).predict(X_test)
    print(
        f"{criterion:>4}: qini {qini_auc_score(y_test, uplift, t_test):.3f}, "
        f"correlation with the true effect {np.corrcoef(uplift, effect_test)[0, 1]:.2f}"
    )

# %%
# Forests: exact and histogram splits
# -----------------------------------
#
# A forest averages trees grown on bootstraps drawn within each group.
# ``splitter="hist"`` bins the features once and finds splits on per-bin
# statistics: much faster, with a similar ranking.

fig, ax = plt.subplots()
for splitter in ["best", "hist"]:
    forest = UpliftRandomForestClassifier(
        n_estimators=100, max_depth=5, splitter=splitter, n_jobs=-1, random_state=0
    )
    start = time.perf_counter()
    forest.fit(X_train, y_train, treatment=t_train)
    seconds = time.perf_counter() - start
    uplift = forest.predict(X_test)
    print(
        f"splitter={splitter!r}: fit {seconds:.1f} s, "
        f"qini {qini_auc_score(y_test, uplift, t_test):.3f}"
    )
    QiniCurveDisplay.from_predictions(
        y_test,
        uplift,
        t_test,
        name=f"forest ({splitter})",
        ax=ax,
        perfect=False,
        random=splitter == "hist",
    )
ax.set_title("Held-out Qini curves")
plt.show()

# %%
# Which features drive the effect
# -------------------------------
#
# ``feature_importances_`` sums the weighted gains of the splits on each feature.

order = np.argsort(forest.feature_importances_)[::-1][:6]
print("most important features:", order, forest.feature_importances_[order].round(3))
