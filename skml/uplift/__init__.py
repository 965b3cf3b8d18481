# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift (treatment-effect) models.

Every model fits ``fit(X, y, *, treatment, sample_weight=None)``, where
``treatment`` holds each row's group label and the ``control`` parameter names the
control group, and ``predict`` returns the estimated effect of each treatment group
against control. The models request ``treatment`` as metadata for ``fit`` and
``score``, so they work in scikit-learn's ``Pipeline``, ``GridSearchCV`` and
``cross_validate`` once metadata routing is enabled.
"""

from skml.uplift._base import UpliftMixin
from skml.uplift._cross_fit import DRLearner, RLearner, XLearner
from skml.uplift._export import export_text
from skml.uplift._forest import (
    UpliftRandomForestClassifier,
    UpliftRandomForestRegressor,
)
from skml.uplift._meta import (
    ClassTransformation,
    SLearner,
    TLearner,
    TransformedOutcome,
)
from skml.uplift._policy import best_targeting_fraction, segment_users, targeting_curve
from skml.uplift._tree import UpliftTreeClassifier, UpliftTreeRegressor

__all__ = [
    "ClassTransformation",
    "DRLearner",
    "RLearner",
    "SLearner",
    "TLearner",
    "TransformedOutcome",
    "UpliftMixin",
    "UpliftRandomForestClassifier",
    "UpliftRandomForestRegressor",
    "UpliftTreeClassifier",
    "UpliftTreeRegressor",
    "XLearner",
    "best_targeting_fraction",
    "export_text",
    "segment_users",
    "targeting_curve",
]
