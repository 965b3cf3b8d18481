# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift and Qini curves, their perfect counterparts and normalised areas.

The curves rank the rows by decreasing predicted uplift and, at each distinct
score (as scikit-learn's ``roc_curve`` does), take the cumulative weight and
outcome sums of the treatment and control groups. A curve evaluated only where
the score changes does not depend on the order of tied scores.
"""

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from skml.metrics._uplift_checks import (
    _check_uplift_inputs,
    _descending_blocks,
    _safe_divide,
)
from skml.utils._sklearn import validate_params

__all__ = [
    "perfect_qini_curve",
    "perfect_uplift_curve",
    "qini_auc_score",
    "qini_curve",
    "uplift_auc_score",
    "uplift_curve",
]


def _cumulative_sums(y, score, treated, w):
    """Cumulative sums at each distinct score, by decreasing score.

    Returns ``(n_all, n_t, n_c, y_t, y_c)``: weight of all rows, of treated and
    of control rows, and outcome sums of treated and control rows, among the
    rows whose score is at least each distinct score. ``n_all`` is an integer
    array without weights.
    """
    order, ends = _descending_blocks(score)
    t = treated[order]
    ys = y[order]
    if w is None:
        n_all = ends + 1
        n_t = np.cumsum(t, dtype=np.intp)[ends]
        n_c = n_all - n_t
        y_t = np.cumsum(np.where(t, ys, 0.0))[ends]
        y_c = np.cumsum(np.where(t, 0.0, ys))[ends]
    else:
        ws = w[order]
        w_t = np.where(t, ws, 0.0)
        w_c = ws - w_t
        n_all = np.cumsum(ws)[ends]
        n_t = np.cumsum(w_t)[ends]
        n_c = np.cumsum(w_c)[ends]
        y_t = np.cumsum(w_t * ys)[ends]
        y_c = np.cumsum(w_c * ys)[ends]
    return n_all, n_t, n_c, y_t, y_c


def _category_sums(y, treated, w, categories):
    """Cumulative sums over blocks of rows given by (treated, outcome) category.

    For binary outcomes: ``categories`` lists, in decreasing order of the score
    of an oracle ranking, blocks of the categories "TR" (treated responders),
    "TN" (treated non-responders), "CR" and "CN" (control). Same output as
    :func:`_cumulative_sums` for that ranking, without sorting the rows.
    """
    positive = y == 1.0
    weights = np.ones(y.shape[0]) if w is None else w
    code = 2 * treated + positive  # CN=0, CR=1, TN=2, TR=3
    totals = np.bincount(code, weights=weights, minlength=4)
    index = {"CN": 0, "CR": 1, "TN": 2, "TR": 3}
    blocks = []
    for block in categories:
        weight = sum(totals[index[c]] for c in block)
        if weight == 0:  # no row: no threshold on the curve
            continue
        blocks.append(
            [
                weight,
                sum(totals[index[c]] for c in block if c[0] == "T"),
                sum(totals[index[c]] for c in block if c[0] == "C"),
                totals[index["TR"]] if "TR" in block else 0.0,
                totals[index["CR"]] if "CR" in block else 0.0,
            ]
        )
    n_all, n_t, n_c, y_t, y_c = np.cumsum(np.asarray(blocks), axis=0).T
    if w is None:
        n_all = np.rint(n_all).astype(np.intp)
        n_t = np.rint(n_t).astype(np.intp)
        n_c = n_all - n_t
    return n_all, n_t, n_c, y_t, y_c


def _uplift_points(n_all, n_t, n_c, y_t, y_c):
    values = (_safe_divide(y_t, n_t) - _safe_divide(y_c, n_c)) * n_all
    return np.concatenate(([0], n_all)), np.concatenate(([0.0], values))


def _qini_points(n_all, n_t, n_c, y_t, y_c):
    values = y_t - y_c * _safe_divide(n_t, n_c)
    return np.concatenate(([0], n_all)), np.concatenate(([0.0], values))


def _perfect_uplift(y, treated, w):
    weights = np.ones(y.shape[0]) if w is None else w
    control_responders = weights[~treated & (y == 1.0)].sum()
    treated_non_responders = weights[treated & (y == 0.0)].sum()
    # Treated responders and control non-responders first; then, of the two
    # groups of "wrong" rows, the larger one (they pull the curve down least
    # when they come before the smaller one).
    if control_responders > treated_non_responders:
        categories = (("TR",), ("CN",), ("CR",), ("TN",))
    else:
        categories = (("TR",), ("CN",), ("TN",), ("CR",))
    return _uplift_points(*_category_sums(y, treated, w, categories))


def _perfect_qini(y, treated, w, negative_effect):
    if negative_effect:
        if np.isin(y, (0.0, 1.0)).all():
            sums = _category_sums(y, treated, w, (("TR",), ("TN", "CN"), ("CR",)))
        else:
            sums = _cumulative_sums(y, np.where(treated, y, -y), treated, w)
        return _qini_points(*sums)
    weights = np.ones(y.shape[0]) if w is None else w
    w_t, w_c = weights[treated], weights[~treated]
    gain = (w_t * y[treated]).sum() - w_t.sum() * (w_c * y[~treated]).sum() / w_c.sum()
    total = weights.sum() if w is not None else y.shape[0]
    return np.array([0.0, gain, total]), np.array([0.0, gain, gain])


def _trapezoid(x, y):
    x = np.asarray(x, dtype=np.float64)
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1])) / 2.0)


def _normalised_area(model, perfect, caller):
    """(area of the model curve - random line) / (perfect curve - random line).

    The random line joins (0, 0) to the perfect curve's last point, which is
    also the model curve's last point (the whole population targeted).
    """
    x_perfect, y_perfect = perfect
    random_area = float(x_perfect[-1]) * float(y_perfect[-1]) / 2.0
    denominator = _trapezoid(x_perfect, y_perfect) - random_area
    if denominator == 0.0:
        warnings.warn(
            f"{caller} is undefined (returned NaN): the perfect curve has no area "
            "above the random line, e.g. when every outcome is equal.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return np.nan
    return (_trapezoid(*model) - random_area) / denominator


_CURVE_PARAMS = {
    "y_true": ["array-like"],
    "uplift": ["array-like"],
    "treatment": ["array-like"],
    "control": "no_validation",
    "sample_weight": ["array-like", None],
}
_PERFECT_PARAMS = {k: v for k, v in _CURVE_PARAMS.items() if k != "uplift"}


@validate_params(_CURVE_PARAMS, prefer_skip_nested_validation=True)
def uplift_curve(y_true, uplift, treatment, *, control=0, sample_weight=None):
    """Compute the uplift curve.

    Rank the rows by decreasing predicted uplift. At the top ``n`` rows, the
    curve is ``(mean outcome of the treated rows - mean outcome of the control
    rows) * n``, evaluated at each distinct score (a group with no row yet
    counts as mean 0). The same definition as scikit-uplift's ``uplift_curve``.
    For the area, see :func:`uplift_auc_score`.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes: binary (0/1) or any real number.

    uplift : array-like of shape (n_samples,)
        Predicted uplift (treatment effect) of each row, e.g. an uplift model's
        ``predict``.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, one other
        label for the treatment group.

    control : object, default=0
        Label of the control group in ``treatment``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights: counts and outcome sums become weighted sums.

    Returns
    -------
    num_all : ndarray of shape (n_thresholds + 1,)
        Number of rows targeted (sum of their weights with ``sample_weight``),
        starting at 0.

    curve_values : ndarray of shape (n_thresholds + 1,)
        Uplift curve at each ``num_all``, starting at 0.

    See Also
    --------
    qini_curve : The Qini curve.
    perfect_uplift_curve : The uplift curve of a perfect ranking.
    UpliftCurveDisplay : Plot the curve.

    References
    ----------
    .. [1] F. Devriendt, T. Guns and W. Verbeke, "Learning to rank for uplift
       modeling", arXiv:2002.05897, 2020.

    Examples
    --------
    >>> from skml.metrics import uplift_curve
    >>> num_all, values = uplift_curve(
    ...     [1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0])
    >>> num_all.tolist(), values.tolist()
    ([0, 1, 2, 3, 4], [0.0, 1.0, 1.0, -1.5, 0.0])
    """
    data = _check_uplift_inputs(
        y_true,
        uplift,
        treatment,
        control=control,
        caller="uplift_curve",
        sample_weight=sample_weight,
        binary_treatment=True,
    )
    treated = ~data.is_control
    return _uplift_points(*_cumulative_sums(data.y, data.uplift, treated, data.w))


@validate_params(_CURVE_PARAMS, prefer_skip_nested_validation=True)
def qini_curve(y_true, uplift, treatment, *, control=0, sample_weight=None):
    """Compute the Qini curve.

    Rank the rows by decreasing predicted uplift. At the top rows, the curve is
    ``(outcome sum of the treated rows) - (outcome sum of the control rows) *
    (number of treated rows) / (number of control rows)``, evaluated at each
    distinct score (the control term is 0 while no control row is targeted):
    the incremental outcomes, with control scaled to the treated group's size.
    The same definition as scikit-uplift's ``qini_curve``. For the area, see
    :func:`qini_auc_score`.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes: binary (0/1) or any real number.

    uplift : array-like of shape (n_samples,)
        Predicted uplift (treatment effect) of each row.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, one other
        label for the treatment group.

    control : object, default=0
        Label of the control group in ``treatment``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights: counts and outcome sums become weighted sums.

    Returns
    -------
    num_all : ndarray of shape (n_thresholds + 1,)
        Number of rows targeted (sum of their weights with ``sample_weight``),
        starting at 0.

    curve_values : ndarray of shape (n_thresholds + 1,)
        Qini curve at each ``num_all``, starting at 0.

    See Also
    --------
    uplift_curve : The uplift curve.
    perfect_qini_curve : The Qini curve of a perfect ranking.
    QiniCurveDisplay : Plot the curve.

    References
    ----------
    .. [1] N. J. Radcliffe, "Using control groups to target on predicted lift:
       building and assessing uplift models", Direct Marketing Analytics
       Journal, 3, 14-21, 2007.

    Examples
    --------
    >>> from skml.metrics import qini_curve
    >>> num_all, values = qini_curve(
    ...     [1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0])
    >>> num_all.tolist(), values.tolist()
    ([0, 1, 2, 3, 4], [0.0, 1.0, 1.0, -1.0, 0.0])
    """
    data = _check_uplift_inputs(
        y_true,
        uplift,
        treatment,
        control=control,
        caller="qini_curve",
        sample_weight=sample_weight,
        binary_treatment=True,
    )
    treated = ~data.is_control
    return _qini_points(*_cumulative_sums(data.y, data.uplift, treated, data.w))


@validate_params(_PERFECT_PARAMS, prefer_skip_nested_validation=True)
def perfect_uplift_curve(y_true, treatment, *, control=0, sample_weight=None):
    """Compute the uplift curve of a perfect ranking, for binary outcomes.

    The oracle ranks treated responders first, then control non-responders,
    then the larger of the control responders and treated non-responders,
    and the other last: the :func:`uplift_curve` of that ranking, as
    scikit-uplift's ``perfect_uplift_curve``.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed binary outcomes (0/1).

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, one other
        label for the treatment group.

    control : object, default=0
        Label of the control group in ``treatment``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.

    Returns
    -------
    num_all : ndarray of shape (n_points,)
        Number of rows targeted (sum of their weights), starting at 0.

    curve_values : ndarray of shape (n_points,)
        Perfect uplift curve at each ``num_all``, starting at 0.

    See Also
    --------
    uplift_curve : The uplift curve of a model.
    uplift_auc_score : Area between the model's and the random curve, relative
        to the perfect curve's.

    Examples
    --------
    >>> from skml.metrics import perfect_uplift_curve
    >>> num_all, values = perfect_uplift_curve([1, 0, 1, 0], [1, 1, 0, 0])
    >>> num_all.tolist(), values.tolist()
    ([0, 1, 2, 3, 4], [0.0, 1.0, 2.0, 1.5, 0.0])
    """
    data = _check_uplift_inputs(
        y_true,
        None,
        treatment,
        control=control,
        caller="perfect_uplift_curve",
        sample_weight=sample_weight,
        binary_treatment=True,
        binary_outcome=True,
    )
    return _perfect_uplift(data.y, ~data.is_control, data.w)


@validate_params(
    {**_PERFECT_PARAMS, "negative_effect": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def perfect_qini_curve(
    y_true, treatment, negative_effect=True, *, control=0, sample_weight=None
):
    """Compute the Qini curve of a perfect ranking.

    With ``negative_effect=True``, the :func:`qini_curve` of the oracle ranking
    by ``y`` for treated rows and ``-y`` for control rows (treated responders
    first, control responders last). With ``negative_effect=False``, the curve
    of a model that targets only the incremental outcomes, one per row, and
    meets no negative effect: from (0, 0) straight to (gain, gain), then flat to
    (n_samples, gain), where gain is the Qini curve's final value. The same
    definitions as scikit-uplift's ``perfect_qini_curve``; both work on any
    real outcome.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes: binary (0/1) or any real number.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, one other
        label for the treatment group.

    negative_effect : bool, default=True
        Whether the perfect ranking meets the negative effects (control
        responders ranked last) or none.

    control : object, default=0
        Label of the control group in ``treatment``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.

    Returns
    -------
    num_all : ndarray of shape (n_points,)
        Number of rows targeted (sum of their weights), starting at 0.

    curve_values : ndarray of shape (n_points,)
        Perfect Qini curve at each ``num_all``, starting at 0.

    See Also
    --------
    qini_curve : The Qini curve of a model.
    qini_auc_score : Area between the model's and the random curve, relative
        to the perfect curve's.

    Examples
    --------
    >>> from skml.metrics import perfect_qini_curve
    >>> num_all, values = perfect_qini_curve([1, 0, 1, 0], [1, 1, 0, 0])
    >>> num_all.tolist(), values.tolist()
    ([0, 1, 3, 4], [0.0, 1.0, 1.0, 0.0])
    """
    data = _check_uplift_inputs(
        y_true,
        None,
        treatment,
        control=control,
        caller="perfect_qini_curve",
        sample_weight=sample_weight,
        binary_treatment=True,
    )
    return _perfect_qini(data.y, ~data.is_control, data.w, negative_effect)


@validate_params(_CURVE_PARAMS, prefer_skip_nested_validation=True)
def uplift_auc_score(y_true, uplift, treatment, *, control=0, sample_weight=None):
    """Compute the normalised area under the uplift curve, for binary outcomes.

    ``(AUC(model) - AUC(random)) / (AUC(perfect) - AUC(random))``, with the
    trapezoidal areas under :func:`uplift_curve`, the random line from (0, 0)
    to the curve's end and :func:`perfect_uplift_curve`: 1 for a perfect
    ranking, 0 for a random one. The same value as scikit-uplift's
    ``uplift_auc_score``.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed binary outcomes (0/1).

    uplift : array-like of shape (n_samples,) or (n_samples, n_treatments)
        Predicted uplift of each row; with several treatment groups, one column
        per group, in the sorted order of their labels.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, any other
        label for a treatment group.

    control : object, default=0
        Label of the control group in ``treatment``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.

    Returns
    -------
    score : float or ndarray of shape (n_treatments,)
        A float for a 1-D ``uplift``; for a 2-D one, the score of each
        treatment group against control (on the rows of that group and of
        control), in the sorted order of the labels. NaN, with an
        ``UndefinedMetricWarning``, when the perfect curve has no area above
        the random line.

    See Also
    --------
    qini_auc_score : The same normalisation for the Qini curve.
    uplift_curve : The curve whose area this is.

    Examples
    --------
    >>> from skml.metrics import uplift_auc_score
    >>> y, treatment = [1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0]
    >>> round(uplift_auc_score(y, [3, 1, 2, 0, 5, 4], treatment), 4)
    0.46
    """
    data = _check_uplift_inputs(
        y_true,
        uplift,
        treatment,
        control=control,
        caller="uplift_auc_score",
        sample_weight=sample_weight,
        binary_outcome=True,
    )

    def score(label, y, scores, treated, w):
        model = _uplift_points(*_cumulative_sums(y, scores, treated, w))
        perfect = _perfect_uplift(y, treated, w)
        return _normalised_area(model, perfect, "uplift_auc_score")

    return data.map(score)


@validate_params(
    {**_CURVE_PARAMS, "negative_effect": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def qini_auc_score(
    y_true, uplift, treatment, negative_effect=True, *, control=0, sample_weight=None
):
    """Compute the normalised area under the Qini curve (Qini coefficient).

    ``(AUC(model) - AUC(random)) / (AUC(perfect) - AUC(random))``, with the
    trapezoidal areas under :func:`qini_curve`, the random line from (0, 0)
    to the curve's end and :func:`perfect_qini_curve`: 1 for a perfect
    ranking, 0 for a random one. The same value as scikit-uplift's
    ``qini_auc_score``; it works on binary and continuous outcomes.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes: binary (0/1) or any real number.

    uplift : array-like of shape (n_samples,) or (n_samples, n_treatments)
        Predicted uplift of each row; with several treatment groups, one column
        per group, in the sorted order of their labels.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, any other
        label for a treatment group.

    negative_effect : bool, default=True
        Whether the perfect curve meets the negative effects, see
        :func:`perfect_qini_curve`.

    control : object, default=0
        Label of the control group in ``treatment``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.

    Returns
    -------
    score : float or ndarray of shape (n_treatments,)
        A float for a 1-D ``uplift``; for a 2-D one, the score of each
        treatment group against control (on the rows of that group and of
        control), in the sorted order of the labels. NaN, with an
        ``UndefinedMetricWarning``, when the perfect curve has no area above
        the random line.

    See Also
    --------
    uplift_auc_score : The same normalisation for the uplift curve.
    qini_curve : The curve whose area this is.
    make_uplift_scorer : A scorer for model selection.

    Examples
    --------
    >>> from skml.metrics import qini_auc_score
    >>> y, treatment = [1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0]
    >>> round(qini_auc_score(y, [3, 1, 2, 0, 5, 4], treatment), 4)
    0.4615
    """
    data = _check_uplift_inputs(
        y_true,
        uplift,
        treatment,
        control=control,
        caller="qini_auc_score",
        sample_weight=sample_weight,
    )

    def score(label, y, scores, treated, w):
        model = _qini_points(*_cumulative_sums(y, scores, treated, w))
        perfect = _perfect_qini(y, treated, w, negative_effect)
        if not negative_effect and perfect[1][-1] <= 0:
            warnings.warn(
                "qini_auc_score with negative_effect=False is undefined "
                "(returned NaN) when the overall incremental outcome is not "
                "positive.",
                UndefinedMetricWarning,
                stacklevel=3,
            )
            return np.nan
        return _normalised_area(model, perfect, "qini_auc_score")

    return data.map(score)
