"""
========================================
Regularisation paths: lasso and L1 logit
========================================

How the coefficients of a sparse linear model change with the strength of the
penalty: the lasso path of :func:`~skml.linear_model.lasso_path`, the elastic-net
path of :func:`~skml.linear_model.enet_path`, and the path of an L1-penalised
:class:`~skml.linear_model.LogisticRegression` over ``C``. The lasso path is
checked against scikit-learn's on the same grid.
"""

# %%
# Data: a regression problem where only a few features matter
# -------------------------------------------------------------
# The paths assume centred data (they fit no intercept), so the features are
# standardised and the target centred.
import matplotlib.pyplot as plt
import numpy as np
import sklearn.linear_model as sk
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import StandardScaler

from skml.linear_model import LogisticRegression, enet_path, lasso_path

X, y = make_regression(
    n_samples=200, n_features=12, n_informative=4, noise=5.0, random_state=0
)
X = StandardScaler().fit_transform(X)
y = y - y.mean()

# %%
# Lasso and elastic-net paths
# ---------------------------
# Both start at ``alpha_max``, the smallest penalty with all coefficients zero,
# and go down a log-spaced grid to ``eps * alpha_max``. Each fit starts from
# the previous solution, so the whole path costs a few full fits.
alphas, lasso_coefs, _ = lasso_path(X, y, eps=1e-3, alphas=60)
enet_alphas, enet_coefs, _ = enet_path(X, y, l1_ratio=0.5, eps=1e-3, alphas=60)
_, ref_coefs, _ = sk.lasso_path(X, y, eps=1e-3, alphas=60)
print(
    f"largest difference to scikit-learn's lasso path: "
    f"{np.abs(lasso_coefs - ref_coefs).max():.1e}"
)

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, a, coefs, title in [
    (axes[0], alphas, lasso_coefs, "lasso"),
    (axes[1], enet_alphas, enet_coefs, "elastic net, l1_ratio=0.5"),
]:
    ax.semilogx(a, coefs.T)
    ax.invert_xaxis()
    ax.set_xlabel("alpha")
    ax.set_title(title)
axes[0].set_ylabel("coefficient")
fig.tight_layout()

# %%
# The lasso selects features one at a time as ``alpha`` decreases; the elastic
# net enters correlated features together and shrinks them less abruptly.
n_selected = (lasso_coefs != 0).sum(axis=0)
print("features selected along the lasso path:", n_selected[::10])

# %%
# L1-penalised logistic regression over C
# ---------------------------------------
# ``l1_ratio=1`` gives an L1 penalty; the proximal Newton coordinate-descent
# solver is warm-started from one ``C`` to the next.
Xc, yc = make_classification(
    n_samples=300, n_features=12, n_informative=3, n_redundant=0, random_state=0
)
Xc = StandardScaler().fit_transform(Xc)
Cs = np.logspace(-2, 1, 30)
clf = LogisticRegression(l1_ratio=1.0, warm_start=True, tol=1e-6)
path = np.array([clf.set_params(C=C).fit(Xc, yc).coef_[0] for C in Cs])

fig, ax = plt.subplots(figsize=(5, 4))
ax.semilogx(Cs, path)
ax.set_xlabel("C")
ax.set_ylabel("coefficient")
ax.set_title("L1 logistic regression")
fig.tight_layout()
print("non-zero coefficients at the largest C:", int((path[-1] != 0).sum()))
plt.show()
