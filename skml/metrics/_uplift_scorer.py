# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Scorers for uplift models, with ``treatment`` passed by metadata routing."""

import numpy as np
import sklearn
from sklearn.metrics import make_scorer

from skml.metrics._uplift import uplift_at_k, weighted_average_uplift
from skml.metrics._uplift_curves import qini_auc_score, uplift_auc_score

__all__ = ["make_uplift_scorer"]


def _require_treatment(treatment, name):
    if treatment is None:
        raise ValueError(
            f"the {name!r} uplift scorer needs the treatment of each row, which "
            "scikit-learn passes to scorers only by metadata routing: call "
            "sklearn.set_config(enable_metadata_routing=True), then pass "
            "params={'treatment': treatment} to cross_validate (or treatment= to "
            "GridSearchCV.fit), or call scorer(estimator, X, y, "
            "treatment=treatment)."
        )


def _average(score):
    # Several treatment groups: a scorer returns one number, their mean.
    return float(np.mean(score))


# Module-level functions (not closures), so that the scorers pickle.
def _qini_auc(y_true, y_pred, *, treatment=None, sample_weight=None, **kwargs):
    _require_treatment(treatment, "qini_auc_score")
    return _average(
        qini_auc_score(y_true, y_pred, treatment, sample_weight=sample_weight, **kwargs)
    )


def _uplift_auc(y_true, y_pred, *, treatment=None, sample_weight=None, **kwargs):
    _require_treatment(treatment, "uplift_auc_score")
    return _average(
        uplift_auc_score(
            y_true, y_pred, treatment, sample_weight=sample_weight, **kwargs
        )
    )


def _uplift_at_k(y_true, y_pred, *, treatment=None, strategy="overall", **kwargs):
    _require_treatment(treatment, "uplift_at_k")
    return _average(uplift_at_k(y_true, y_pred, treatment, strategy, **kwargs))


def _weighted_average_uplift(y_true, y_pred, *, treatment=None, **kwargs):
    _require_treatment(treatment, "weighted_average_uplift")
    return _average(weighted_average_uplift(y_true, y_pred, treatment, **kwargs))


_SCORE_FUNCS = {
    "qini_auc_score": (_qini_auc, {"negative_effect", "control"}),
    "uplift_auc_score": (_uplift_auc, {"control"}),
    "uplift_at_k": (_uplift_at_k, {"strategy", "k", "control"}),
    "weighted_average_uplift": (
        _weighted_average_uplift,
        {"strategy", "bins", "control"},
    ),
}
_ALIASES = {"qini": "qini_auc_score", "uplift_auc": "uplift_auc_score"}


def make_uplift_scorer(name, **kwargs):
    """Make a scorer from an uplift metric, for model selection.

    The scorer calls ``estimator.predict(X)`` for the predicted uplift and
    scores it with the named metric against ``y`` and the ``treatment`` of the
    rows. It requests ``treatment`` through scikit-learn's metadata routing
    (``set_score_request(treatment=True)``), so ``cross_validate``,
    ``GridSearchCV`` and the like hand each fold's treatment to it once routing
    is enabled with ``sklearn.set_config(enable_metadata_routing=True)``.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    name : {"qini_auc_score", "qini", "uplift_auc_score", "uplift_auc", \
            "uplift_at_k", "weighted_average_uplift"}
        The metric: :func:`qini_auc_score` (alias ``"qini"``),
        :func:`uplift_auc_score` (alias ``"uplift_auc"``),
        :func:`uplift_at_k` or :func:`weighted_average_uplift`.

    **kwargs : dict
        Keyword arguments of the metric, e.g. ``negative_effect``, ``control``,
        ``strategy`` (default ``"overall"`` for ``uplift_at_k``), ``k``,
        ``bins``.

    Returns
    -------
    scorer : callable
        A scikit-learn scorer, ``scorer(estimator, X, y, treatment=...)``,
        greater is better. With several treatment groups (a 2-D ``predict``),
        it returns the mean of the groups' scores.

    See Also
    --------
    qini_auc_score : The default metric of uplift estimators' ``score``.

    Notes
    -----
    The scorer's request replaces its whole routing request: to route
    ``sample_weight`` too (Qini and uplift AUC), call
    ``scorer.set_score_request(treatment=True, sample_weight=True)``.

    Examples
    --------
    >>> import sklearn
    >>> from skml.metrics import make_uplift_scorer
    >>> scorer = make_uplift_scorer("qini", negative_effect=False)
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     print(scorer.get_metadata_routing().score.requests["treatment"])
    True
    """
    key = _ALIASES.get(name, name)
    if key not in _SCORE_FUNCS:
        raise ValueError(
            f"{name!r} is not an uplift metric; choose among "
            f"{sorted(_SCORE_FUNCS) + sorted(_ALIASES)}."
        )
    func, accepted = _SCORE_FUNCS[key]
    unknown = set(kwargs) - accepted
    if unknown:
        hint = (
            " treatment is metadata: it is routed to the scorer, not fixed."
            if "treatment" in unknown
            else ""
        )
        raise TypeError(
            f"{key} takes no argument {sorted(unknown)}; it accepts "
            f"{sorted(accepted)}.{hint}"
        )
    scorer = make_scorer(func, response_method="predict", **kwargs)
    # The request is stored on the scorer, so it holds once routing is enabled
    # later; set_score_request itself is only callable with routing enabled.
    with sklearn.config_context(enable_metadata_routing=True):
        scorer.set_score_request(treatment=True)
    return scorer
