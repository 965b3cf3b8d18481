# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
===============================
Decision trees on the wine data
===============================

A :class:`skml.tree.DecisionTreeClassifier` on the wine data: its rules as text
with :func:`skml.tree.export_text` and drawn with :func:`skml.tree.plot_tree`,
the importance of each feature, a check that
it grows the same tree as scikit-learn's, and how pruning with ``ccp_alpha``
trades the size of the tree for accuracy.
"""

# %%
# The rules of a shallow tree
# ---------------------------
#
# A tree of depth 3 reads as nested threshold rules.

import matplotlib.pyplot as plt
import numpy as np
from sklearn import tree as sk_tree
from sklearn.datasets import load_wine
from sklearn.model_selection import cross_val_score, train_test_split

from skml.tree import DecisionTreeClassifier, export_text, plot_tree

data = load_wine()
X, y = data.data, data.target
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)
clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)
print(export_text(clf, feature_names=list(data.feature_names)))
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# ... and as a picture with :func:`skml.tree.plot_tree`, nodes coloured by their
# majority class.

fig, ax = plt.subplots(figsize=(12, 5))
plot_tree(
    clf,
    ax=ax,
    feature_names=list(data.feature_names),
    class_names=list(data.target_names),
    filled=True,
    fontsize=7,
)

# %%
# Feature importances
# -------------------
#
# The importance of a feature is the total weighted impurity decrease of the
# splits on it, normalised to sum to one.

full = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
order = np.argsort(full.feature_importances_)
fig, ax = plt.subplots(figsize=(6, 4))
ax.barh(np.array(data.feature_names)[order], full.feature_importances_[order])
ax.set_xlabel("impurity-based importance")
ax.set_title("Feature importances of a fully grown tree")
fig.tight_layout()

# %%
# The same tree as scikit-learn's
# -------------------------------
#
# On data without ties in the features, and for the same ``random_state``,
# skml grows the same tree as scikit-learn: same nodes, thresholds and
# predictions.

theirs = sk_tree.DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
print("same node count:", full.tree_.node_count == theirs.tree_.node_count)
print("same features:", np.array_equal(full.tree_.feature, theirs.tree_.feature))
print("same predictions:", np.array_equal(full.predict(X_test), theirs.predict(X_test)))

# %%
# Cost-complexity pruning
# -----------------------
#
# ``cost_complexity_pruning_path`` gives the values of ``ccp_alpha`` at which
# subtrees are pruned; larger values give smaller trees. Cross-validation picks
# one.

path = full.cost_complexity_pruning_path(X_train, y_train)
alphas = path.ccp_alphas[:-1]
n_leaves, scores = [], []
for alpha in alphas:
    pruned = DecisionTreeClassifier(random_state=0, ccp_alpha=alpha)
    n_leaves.append(pruned.fit(X_train, y_train).get_n_leaves())
    scores.append(cross_val_score(pruned, X_train, y_train, cv=5).mean())

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(alphas, scores, marker="o", drawstyle="steps-post", label="CV accuracy")
ax.set_xlabel("ccp_alpha")
ax.set_ylabel("cross-validated accuracy")
ax2 = ax.twinx()
ax2.plot(alphas, n_leaves, color="grey", linestyle=":", label="leaves")
ax2.set_ylabel("number of leaves")
ax.set_title("Pruning a decision tree")
fig.tight_layout()
plt.show()
