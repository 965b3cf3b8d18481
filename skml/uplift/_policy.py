# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Whom to treat: customer segments and the return of targeting the top rows."""

from numbers import Real

import numpy as np
from sklearn.utils import Bunch

from skml.utils._sklearn import Interval, validate_params

# The four segments of the classic response matrix (would respond if treated,
# would respond if not).
SEGMENTS = ("persuadable", "sure_thing", "lost_cause", "do_not_disturb")


@validate_params(
    {
        "uplift": ["array-like"],
        "baseline": ["array-like"],
        "threshold": [Interval(Real, 0, 1, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def segment_users(uplift, baseline, *, threshold=0.5):
    """Sort users into persuadables, sure things, lost causes and do-not-disturbs.

    With ``baseline`` the probability that a user responds without treatment and
    ``baseline + uplift`` the probability with it, a user *would respond* in a
    condition when that probability is at least ``threshold``:

    ================== ================= =================
    segment            treated responds  control responds
    ================== ================= =================
    ``persuadable``    yes               no
    ``sure_thing``     yes               yes
    ``lost_cause``     no                no
    ``do_not_disturb`` no                yes
    ================== ================= =================

    Read more in the :ref:`User Guide <uplift_policy>`.

    Parameters
    ----------
    uplift : array-like of shape (n_samples,) or (n_samples, n_treatments)
        Predicted effect on the probability of responding (an uplift model's
        ``predict``).
    baseline : array-like of shape (n_samples,)
        Predicted probability of responding under control (column 0 of a
        learner's ``predict_outcomes``).
    threshold : float, default=0.5
        Probability from which a user counts as responding.

    Returns
    -------
    segments : ndarray of str, of the shape of ``uplift``
        The segment of each user (for each treatment group).

    Examples
    --------
    >>> from skml.uplift import segment_users
    >>> segment_users([0.4, 0.0, 0.0, -0.4], [0.3, 0.8, 0.1, 0.7]).tolist()
    ['persuadable', 'sure_thing', 'lost_cause', 'do_not_disturb']
    """
    uplift = np.asarray(uplift, dtype=np.float64)
    baseline = np.asarray(baseline, dtype=np.float64)
    if uplift.ndim not in (1, 2) or baseline.ndim != 1:
        raise ValueError(
            "uplift must be 1-D or 2-D and baseline 1-D; got shapes "
            f"{uplift.shape} and {baseline.shape}."
        )
    if uplift.shape[0] != baseline.shape[0]:
        raise ValueError(
            f"uplift has {uplift.shape[0]} rows but baseline has {baseline.shape[0]}."
        )
    if not (np.all(np.isfinite(uplift)) and np.all(np.isfinite(baseline))):
        raise ValueError("uplift and baseline must be finite.")
    if uplift.ndim == 2:
        baseline = baseline[:, None]
    control = baseline >= threshold
    treated = baseline + uplift >= threshold
    segments = np.where(
        treated,
        np.where(control, SEGMENTS[1], SEGMENTS[0]),
        np.where(control, SEGMENTS[3], SEGMENTS[2]),
    )
    return segments.astype(object)


_TARGETING_PARAMS = {
    "y_true": ["array-like"],
    "uplift": ["array-like"],
    "treatment": ["array-like"],
    "cost": [Interval(Real, 0, None, closed="left")],
    "value": [Interval(Real, 0, None, closed="left")],
    "control": "no_validation",
    "sample_weight": ["array-like", None],
}


@validate_params(_TARGETING_PARAMS, prefer_skip_nested_validation=True)
def targeting_curve(
    y_true, uplift, treatment, *, cost, value, control=0, sample_weight=None
):
    """Profit and return on investment of treating the top-ranked users.

    Users are ranked by decreasing predicted uplift. Treating the top ``n`` of
    them yields ``incremental_responses`` more responses than treating none:
    the held-out uplift curve (:func:`skml.metrics.uplift_curve`, the treated
    minus control response rate among the top ``n``, times ``n``). Each response
    is worth ``value`` and each treatment costs ``cost``, so the profit is
    ``value * incremental_responses - cost * n`` and the return on investment
    ``profit / (cost * n)``.

    Read more in the :ref:`User Guide <uplift_policy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes of a held-out experiment: 0/1 responses, or any value
        (then ``value`` is the worth of one unit).
    uplift : array-like of shape (n_samples,)
        Predicted uplift of each user.
    treatment : array-like of shape (n_samples,)
        Group label of each user: ``control`` or one treatment label.
    cost : float
        Cost of treating one user.
    value : float
        Worth of one incremental response.
    control : object, default=0
        Label of the control group.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    curve : Bunch
        ``n_targeted``, ``fraction`` (of all users), ``incremental_responses``,
        ``profit`` and ``roi`` (NaN where nobody is treated), one value per
        distinct predicted uplift, starting at nobody treated.

    Examples
    --------
    >>> from skml.uplift import targeting_curve
    >>> curve = targeting_curve([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0],
    ...                         cost=0.1, value=1.0)
    >>> curve.profit.round(2).tolist()
    [0.0, 0.9, 0.8, -1.8, -0.4]
    """
    from skml.metrics import uplift_curve

    n_targeted, incremental = uplift_curve(
        y_true, uplift, treatment, control=control, sample_weight=sample_weight
    )
    n_targeted = np.asarray(n_targeted, dtype=np.float64)
    spend = cost * n_targeted
    profit = value * incremental - spend
    roi = np.full(profit.shape, np.nan)
    np.divide(profit, spend, out=roi, where=spend > 0)
    return Bunch(
        n_targeted=n_targeted,
        fraction=n_targeted / n_targeted[-1],
        incremental_responses=incremental,
        profit=profit,
        roi=roi,
    )


@validate_params(_TARGETING_PARAMS, prefer_skip_nested_validation=True)
def best_targeting_fraction(
    y_true, uplift, treatment, *, cost, value, control=0, sample_weight=None
):
    """The fraction of top-ranked users whose treatment makes the most profit.

    The maximum of :func:`targeting_curve`'s profit (the smallest such fraction
    on ties; 0 when no targeting pays).

    Read more in the :ref:`User Guide <uplift_policy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes of a held-out experiment.
    uplift : array-like of shape (n_samples,)
        Predicted uplift of each user.
    treatment : array-like of shape (n_samples,)
        Group label of each user: ``control`` or one treatment label.
    cost : float
        Cost of treating one user.
    value : float
        Worth of one incremental response.
    control : object, default=0
        Label of the control group.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    fraction : float
        Fraction of the users to treat, from the top of the ranking.
    profit : float
        Profit of treating them.

    Examples
    --------
    >>> from skml.uplift import best_targeting_fraction
    >>> best_targeting_fraction([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0],
    ...                         cost=0.1, value=1.0)
    (0.25, 0.9)
    """
    curve = targeting_curve(
        y_true,
        uplift,
        treatment,
        cost=cost,
        value=value,
        control=control,
        sample_weight=sample_weight,
    )
    best = int(np.argmax(curve.profit))
    return float(curve.fraction[best]), float(curve.profit[best])
