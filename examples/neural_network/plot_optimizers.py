# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
===============================================
Comparing optimizers on a multilayer perceptron
===============================================

The same network (one hidden layer of 64 ReLU units, the same initial weights)
trained on the digits with each optimizer of
:mod:`skml.neural_network.optimizers`, by :class:`skml.neural_network.MLPClassifier`.
Each optimizer gets a learning rate suited to it: plain SGD tolerates large
steps, the adaptive methods (RMSprop, Adam, AdamW) take steps of about the
learning rate whatever the gradient's scale. scikit-learn's ``MLPClassifier``
with Adam is shown for reference.
"""

# %%
# Training loss per epoch
# -----------------------

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.preprocessing import StandardScaler

from skml.neural_network import MLPClassifier
from skml.neural_network.optimizers import (
    SGD,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    RMSprop,
)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3,
                                                    stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# Every run trains the full 40 epochs (tol=0): no convergence warnings.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
common = dict(hidden_layer_sizes=(64,), batch_size=64, max_iter=40, tol=0.0,
              n_iter_no_change=100, random_state=0)
optimizers = {
    "SGD": (SGD(), 0.05),
    "Momentum": (Momentum(momentum=0.9), 0.01),
    "Nesterov": (Nesterov(momentum=0.9), 0.01),
    "RMSprop": (RMSprop(), 1e-3),
    "Adam": (Adam(), 1e-3),
    "AdamW": (AdamW(weight_decay=0.05), 1e-3),
}

fig, ax = plt.subplots(figsize=(7, 4.5))
for name, (optimizer, lr) in optimizers.items():
    clf = MLPClassifier(solver=optimizer, learning_rate_init=lr, **common)
    clf.fit(X_train, y_train)
    ax.plot(range(1, clf.n_iter_ + 1), clf.loss_curve_, label=f"{name} (lr={lr:g})")
    print(f"{name:>9}: final loss {clf.loss_:.4f}, "
          f"test accuracy {clf.score(X_test, y_test):.3f}")

reference = SklearnMLP(solver="adam", learning_rate_init=1e-3, **common)
reference.fit(X_train, y_train)
ax.plot(range(1, reference.n_iter_ + 1), reference.loss_curve_, "k--",
        label="scikit-learn Adam")
print(f"sk-learn Adam: final loss {reference.loss_:.4f}, "
      f"test accuracy {reference.score(X_test, y_test):.3f}")

ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (log scale)")
ax.set_title("Optimizers on the digits, one hidden layer of 64 units")
ax.legend()
fig.tight_layout()

# %%
# Momentum and Nesterov (on top of each other here) start fastest: the
# velocity adds up the small steps along consistent directions. RMSprop's
# steps do not shrink with the gradients, so at this rate it keeps descending
# fastest late in training (it would need a decaying schedule to settle).
# Adam, whose average of squared gradients has a much longer memory
# (``beta_2=0.999`` against RMSprop's ``rho=0.9``), descends more steadily;
# AdamW's decoupled weight decay keeps the weights small, so its loss levels
# off a little above Adam's. skml's Adam and scikit-learn's follow each other;
# their initial weights differ (skml uses He's initialisation for ReLU layers).
plt.show()
