# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
=======================
Learning-rate schedules
=======================

The per-epoch schedules of :mod:`skml.neural_network.schedules`: the learning
rate each one gives over 60 epochs (left), and the training loss of
:class:`skml.neural_network.MLPClassifier` trained with plain SGD on generated
data under each schedule (right). Schedules are passed as ``learning_rate``,
by name or as an instance.
"""

# %%
# The schedules and the losses they give
# --------------------------------------

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skml.neural_network import MLPClassifier
from skml.neural_network.schedules import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    InverseScalingLR,
    ReduceLROnPlateau,
    StepLR,
)

n_epochs, lr0 = 60, 1.0
schedules = {
    "constant": ConstantLR(),
    "step (20, 0.3)": StepLR(step_size=20, gamma=0.3),
    "exponential (0.95)": ExponentialLR(gamma=0.95),
    "cosine": CosineAnnealingLR(T_max=n_epochs),
    "invscaling": InverseScalingLR(power_t=0.5),
    "plateau": ReduceLROnPlateau(factor=0.5, patience=3, threshold=1e-3),
}

X, y = make_classification(n_samples=4000, n_features=20, n_informative=10,
                           n_classes=3, flip_y=0.02, random_state=0)
X = StandardScaler().fit_transform(X)
# Every run trains the full 60 epochs (tol=0): no convergence warnings.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

fig, (ax_rate, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.5))
for name, schedule in schedules.items():
    clf = MLPClassifier(hidden_layer_sizes=(64,), solver="sgd", batch_size=32,
                        learning_rate=schedule, learning_rate_init=lr0,
                        max_iter=n_epochs, tol=0.0, n_iter_no_change=n_epochs,
                        random_state=0).fit(X, y)
    # Replay the schedule the classifier used, to plot its rates.
    replay = clf.lr_schedule_
    rates = [replay.start(lr0)]
    if isinstance(replay, ReduceLROnPlateau):
        rates += [replay.step(loss) for loss in clf.loss_curve_[:-1]]
    else:
        rates += [replay.step() for _ in range(n_epochs - 1)]
    ax_rate.plot(range(1, n_epochs + 1), rates, label=name)
    ax_loss.plot(range(1, clf.n_iter_ + 1), clf.loss_curve_, label=name)
    print(f"{name:>18}: final loss {clf.loss_:.4f}, "
          f"training accuracy {clf.score(X, y):.3f}")

ax_rate.set_xlabel("epoch")
ax_rate.set_yscale("log")
ax_rate.set_ylabel("learning rate (log scale)")
ax_rate.set_title("Learning rate per epoch")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss (log scale)")
ax_loss.set_title("SGD, batches of 32, one hidden layer of 64 units")
ax_loss.legend()
fig.tight_layout()

# %%
# At a constant rate of 1, the noise of small batches keeps SGD's loss high and
# jumpy. Every decaying schedule ends lower: once the rate is small, the noise
# averages out. The inverse scaling decays fast at first and slowly later,
# and ends highest of them. The plateau schedule reacts to the loss itself (it
# halves the rate whenever the loss has not improved for 3 epochs), so its
# rates depend on the run; here it and cosine annealing, which keeps a large
# rate longest, end lowest.
plt.show()
