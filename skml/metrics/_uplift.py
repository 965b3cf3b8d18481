# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift at the top k, uplift by percentile and the treatment balance curve.

Rows are ranked by decreasing predicted uplift. Where a block of tied scores
straddles a cut (the top k, a bin edge, a sliding window), each of its rows
counts for the block's mean: the expectation over every ordering of the ties, so
the results never depend on the input order. Without ties at the cuts this is
scikit-uplift's plain ranking.
"""

from numbers import Integral

import numpy as np

from skml.metrics._uplift_checks import (
    _check_treatment,
    _check_uplift_inputs,
    _descending_blocks,
    _float_array,
    _safe_divide,
    _split_starts,
    _spread_ties,
    _top_weights,
)
from skml.utils._sklearn import Interval, RealNotInt, StrOptions, validate_params

__all__ = [
    "treatment_balance_curve",
    "uplift_at_k",
    "uplift_by_percentile",
    "weighted_average_uplift",
]

_STRATEGIES = [StrOptions({"overall", "by_group"})]
_ARRAYS = {
    "y_true": ["array-like"],
    "uplift": ["array-like"],
    "treatment": ["array-like"],
    "control": "no_validation",
}


def _n_top(k, n_rows, what):
    """Number of rows that ``k`` (a fraction or a count) selects out of n_rows."""
    if isinstance(k, Integral):
        if k > n_rows:
            raise ValueError(
                f"k={k} exceeds the number of rows of the {what} ({n_rows})."
            )
        return int(k)
    n_top = int(n_rows * k)
    if n_top == 0:
        raise ValueError(
            f"k={k} selects no row of the {what} ({n_rows} rows); increase k."
        )
    return n_top


def _uplift_at_k(label, y, scores, treated, control, strategy, k):
    groups = (
        (treated, f"treatment group (treatment == {label!r})"),
        (~treated, f"control group (treatment == {control!r})"),
    )
    rates = []
    if strategy == "overall":
        n_top = _n_top(k, y.shape[0], "data")
        weights = _top_weights(scores, n_top)
        w_t = weights * treated  # no boolean gathers: faster on large inputs
        for group_weights, (_, name) in zip((w_t, weights - w_t), groups):
            total = group_weights.sum()
            if total == 0:
                raise ValueError(
                    f"uplift_at_k: no row of the {name} among the top {n_top} rows "
                    "ranked by uplift; increase k or use strategy='by_group'."
                )
            rates.append(group_weights @ y / total)
    else:
        for mask, name in groups:
            n_top = _n_top(k, np.count_nonzero(mask), name)
            weights = _top_weights(scores[mask], n_top)
            rates.append(weights @ y[mask] / weights.sum())
    return float(rates[0] - rates[1])


@validate_params(
    {
        **_ARRAYS,
        "strategy": _STRATEGIES,
        "k": [
            Interval(RealNotInt, 0, 1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
    },
    prefer_skip_nested_validation=True,
)
def uplift_at_k(y_true, uplift, treatment, strategy, k=0.3, *, control=0):
    """Compute the uplift among the top k rows ranked by predicted uplift.

    The mean outcome of the treated rows minus that of the control rows, among
    the rows of highest predicted uplift. The same value as scikit-uplift's
    ``uplift_at_k`` when no tie straddles the cut; a block of tied scores at
    the cut is shared out in proportion (each of its rows weighs the fraction
    of the block that fits), so the result never depends on the row order.

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

    strategy : {"overall", "by_group"}
        ``"overall"``: the top k of all rows, then the mean outcome of each
        group among them. ``"by_group"``: the top k of each group separately
        (k a fraction of each group's size, or a count in each group).

    k : float or int, default=0.3
        A float in (0, 1]: the fraction of the rows (``int(k * n_rows)``
        rows); an int: the number of rows.

    control : object, default=0
        Label of the control group in ``treatment``.

    Returns
    -------
    score : float or ndarray of shape (n_treatments,)
        A float for a 1-D ``uplift``; for a 2-D one, the uplift at k of each
        treatment group against control (on the rows of that group and of
        control, k relative to them), in the sorted order of the labels.

    Raises
    ------
    ValueError
        When a group has no row among the top k (strategy ``"overall"``), or k
        selects no row or more rows than there are.

    See Also
    --------
    uplift_by_percentile : Uplift in every bin of the ranking.

    Examples
    --------
    >>> from skml.metrics import uplift_at_k
    >>> y, treatment = [1, 0, 1, 0, 1, 0], [1, 0, 1, 0, 1, 0]
    >>> uplift_at_k(y, [6, 5, 4, 3, 2, 1], treatment, "overall", k=4)
    1.0
    """
    data = _check_uplift_inputs(
        y_true, uplift, treatment, control=control, caller="uplift_at_k"
    )
    return data.map(
        lambda label, y, scores, treated, w: _uplift_at_k(
            label, y, scores, treated, control, strategy, k
        )
    )


def _percentile_sums(y, scores, treated, strategy, bins):
    """Per-bin weights, outcome sums and squared deviations of each group.

    Returns an array of shape (bins, 6): treated count, control count, treated
    and control outcome sums, and treated and control sums of squared
    deviations from the overall mean outcome (for the variances).
    """
    centre = y.mean()
    if strategy == "overall":
        order, ends = _descending_blocks(scores)
        t = treated[order]
        ys = y[order]
        dev = (ys - centre) ** 2
        columns = np.column_stack((t, ~t, ys * t, ys * ~t, dev * t, dev * ~t))
        columns = _spread_ties(columns.astype(np.float64), ends)
        return np.add.reduceat(columns, _split_starts(y.shape[0], bins), axis=0)
    sums = np.zeros((bins, 6))
    for j, mask in enumerate((treated, ~treated)):
        ys, group_scores = y[mask], scores[mask]
        order, ends = _descending_blocks(group_scores)
        ys = ys[order]
        columns = np.column_stack((np.ones_like(ys), ys, (ys - centre) ** 2))
        columns = _spread_ties(columns, ends)
        sums[:, j::2] = np.add.reduceat(columns, _split_starts(ys.shape[0], bins))
    return sums


def _check_bins(bins, strategy, treated, label, control):
    if strategy == "overall":
        sizes = {"data": treated.shape[0]}
    else:
        sizes = {
            f"treatment group (treatment == {label!r})": np.count_nonzero(treated),
            f"control group (treatment == {control!r})": np.count_nonzero(~treated),
        }
    for what, size in sizes.items():
        if bins > size:
            raise ValueError(f"bins={bins} exceeds the {size} rows of the {what}.")


def _rates(sums, centre):
    """Response rates and the variances of their means, from per-bin sums."""
    n_t, n_c, s_t, s_c, q_t, q_c = sums.T
    rates, variances = [], []
    for n, s, q in ((n_t, s_t, q_t), (n_c, s_c, q_c)):
        rate = _safe_divide(s, n, fill=np.nan)
        spread = np.maximum(_safe_divide(q, n, fill=np.nan) - (rate - centre) ** 2, 0)
        rates.append(rate)
        variances.append(_safe_divide(spread, n, fill=np.nan))
    return rates, variances


def _weighted_average_uplift(label, y, scores, treated, control, strategy, bins):
    _check_bins(bins, strategy, treated, label, control)
    sums = _percentile_sums(y, scores, treated, strategy, bins)
    n_t, n_c = sums[:, 0], sums[:, 1]
    missing = np.flatnonzero((n_t > 0) & (n_c == 0))
    if missing.size:
        raise ValueError(
            f"weighted_average_uplift: bin {int(missing[0])} (of {bins}, by "
            f"decreasing uplift) has no row of the control group (treatment == "
            f"{control!r}); use fewer bins or strategy='by_group'."
        )
    used = n_t > 0
    (rate_t, rate_c), _ = _rates(sums[used], y.mean())
    return float(n_t[used] @ (rate_t - rate_c) / n_t[used].sum())


@validate_params(
    {
        **_ARRAYS,
        "strategy": _STRATEGIES,
        "bins": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def weighted_average_uplift(
    y_true, uplift, treatment, strategy="overall", bins=10, *, control=0
):
    """Compute the average of the uplift by percentile, weighted by treated size.

    Split the ranking by decreasing predicted uplift into ``bins`` bins (see
    :func:`uplift_by_percentile`) and average the uplift of each bin, weighted
    by the number of treated rows in the bin. The same value as
    scikit-uplift's ``weighted_average_uplift`` where both are defined.

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

    strategy : {"overall", "by_group"}, default="overall"
        ``"overall"``: bins of the ranking of all rows; ``"by_group"``: each
        group's own ranking is split into bins.

    bins : int, default=10
        Number of bins, at most the number of rows (of each group with
        ``"by_group"``).

    control : object, default=0
        Label of the control group in ``treatment``.

    Returns
    -------
    score : float or ndarray of shape (n_treatments,)
        A float for a 1-D ``uplift``; for a 2-D one, the score of each
        treatment group against control, in the sorted order of the labels.
        Bins without a treated row weigh nothing.

    Raises
    ------
    ValueError
        When a bin holds treated rows but no control row.

    See Also
    --------
    uplift_by_percentile : The table whose uplift column is averaged here.

    Examples
    --------
    >>> from skml.metrics import weighted_average_uplift
    >>> y, treatment = [1, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 0]
    >>> weighted_average_uplift(y, [6, 5, 4, 3, 2, 1], treatment, bins=3)
    0.6666666666666666
    """
    data = _check_uplift_inputs(
        y_true, uplift, treatment, control=control, caller="weighted_average_uplift"
    )
    return data.map(
        lambda label, y, scores, treated, w: _weighted_average_uplift(
            label, y, scores, treated, control, strategy, bins
        )
    )


def _percentile_labels(bins, string_percentiles):
    edges = [round(p * 100 / bins) for p in range(1, bins + 1)]
    if not string_percentiles:
        return edges
    return [f"0-{edges[0]}"] + [f"{a}-{b}" for a, b in zip(edges, edges[1:])]


@validate_params(
    {
        **_ARRAYS,
        "strategy": _STRATEGIES,
        "bins": [Interval(Integral, 1, None, closed="left")],
        "std": ["boolean"],
        "total": ["boolean"],
        "string_percentiles": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def uplift_by_percentile(
    y_true,
    uplift,
    treatment,
    strategy="overall",
    bins=10,
    std=False,
    total=False,
    string_percentiles=True,
    *,
    control=0,
):
    """Compute group sizes, response rates and uplift in each percentile bin.

    Rank the rows by decreasing predicted uplift and split the ranking into
    ``bins`` consecutive bins of near-equal size (the first ones one row
    larger, as ``numpy.array_split``). In each bin: the number of treated and
    control rows, their mean outcomes (response rates) and the uplift, their
    difference. The same table as scikit-uplift's ``uplift_by_percentile``
    when no tie straddles a bin edge.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes: binary (0/1) or any real number.

    uplift : array-like of shape (n_samples,)
        Predicted uplift of each row.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, one other
        label for the treatment group.

    strategy : {"overall", "by_group"}, default="overall"
        ``"overall"``: bins of the ranking of all rows; ``"by_group"``: each
        group's own ranking is split into bins.

    bins : int, default=10
        Number of bins, at most the number of rows (of each group with
        ``"by_group"``).

    std : bool, default=False
        Add the columns ``std_treatment``, ``std_control`` (standard errors of
        the response rates, ``sqrt(variance / n)``, which is
        ``sqrt(p (1 - p) / n)`` for binary outcomes) and ``std_uplift``
        (``sqrt`` of the sum of both variances).

    total : bool, default=False
        Add a last row, ``"total"``, computed on all rows.

    string_percentiles : bool, default=True
        Label the bins ``"0-10"``, ``"10-20"``, ...; otherwise by the upper
        percentile as an int (10, 20, ...).

    control : object, default=0
        Label of the control group in ``treatment``.

    Returns
    -------
    table : pandas.DataFrame or dict of ndarray
        Indexed by ``percentile``, with columns ``n_treatment``, ``n_control``,
        ``response_rate_treatment``, ``response_rate_control``, ``uplift``
        (and ``std_treatment``, ``std_control``, ``std_uplift`` with
        ``std=True``). Without pandas, a dict of arrays with the same keys
        plus ``"percentile"``. The counts are ints, or floats where a block
        of tied scores straddles a bin edge (its rows are shared out in
        proportion). A group absent from a bin has NaN response rate.

    See Also
    --------
    weighted_average_uplift : Average of the uplift column.
    plot_uplift_by_percentile : Bar plot of the table.

    Notes
    -----
    The standard errors of the ``total`` row are those of the response rates
    over all rows; scikit-uplift reports the sum of the bins' instead.

    Examples
    --------
    >>> from skml.metrics import uplift_by_percentile
    >>> y, treatment = [1, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 0]
    >>> table = uplift_by_percentile(y, [6, 5, 4, 3, 2, 1], treatment, bins=3)
    >>> table["uplift"].tolist()
    [1.0, 1.0, 0.0]
    """
    data = _check_uplift_inputs(
        y_true,
        uplift,
        treatment,
        control=control,
        caller="uplift_by_percentile",
        binary_treatment=True,
    )
    y, scores, treated = data.y, data.uplift, ~data.is_control
    _check_bins(bins, strategy, treated, data.groups.tolist()[0], control)
    sums = _percentile_sums(y, scores, treated, strategy, bins)
    index = _percentile_labels(bins, string_percentiles)
    if total:
        sums = np.vstack((sums, sums.sum(axis=0)))
        index.append("total")
    (rate_t, rate_c), (var_t, var_c) = _rates(sums, y.mean())
    counts = sums[:, :2]
    if np.array_equal(counts, np.rint(counts)):
        counts = np.rint(counts).astype(np.int64)
    columns = {
        "n_treatment": counts[:, 0],
        "n_control": counts[:, 1],
        "response_rate_treatment": rate_t,
        "response_rate_control": rate_c,
        "uplift": rate_t - rate_c,
    }
    if std:
        columns["std_treatment"] = np.sqrt(var_t)
        columns["std_control"] = np.sqrt(var_c)
        columns["std_uplift"] = np.sqrt(var_t + var_c)
    try:
        import pandas as pd
    except ImportError:
        return {"percentile": np.asarray(index, dtype=object), **columns}
    return pd.DataFrame(columns, index=pd.Index(index, name="percentile"))


@validate_params(
    {
        "uplift": ["array-like"],
        "treatment": ["array-like"],
        "winsize": [Interval(Integral, 1, None, closed="left")],
        "control": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def treatment_balance_curve(uplift, treatment, winsize, *, control=0):
    """Compute the share of treated rows in a window sliding down the ranking.

    Rank the rows by decreasing predicted uplift and slide a window of
    ``winsize`` rows down the ranking: the curve is the fraction of treated
    rows in each window, against the window's position rescaled to 1..100.
    The same curve as scikit-uplift's ``treatment_balance_curve`` when no tie
    straddles a window edge (a block of tied scores counts its mean share).

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    uplift : array-like of shape (n_samples,)
        Predicted uplift of each row.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, one other
        label for the treatment group.

    winsize : int
        Number of rows in the window, at most ``n_samples``.

    control : object, default=0
        Label of the control group in ``treatment``.

    Returns
    -------
    positions : ndarray of shape (n_samples - winsize + 1,)
        Window positions, evenly spaced from 1 to 100.

    balance : ndarray of shape (n_samples - winsize + 1,)
        Fraction of treated rows in each window.

    See Also
    --------
    uplift_by_percentile : Group sizes by percentile bin.

    Examples
    --------
    >>> from skml.metrics import treatment_balance_curve
    >>> positions, balance = treatment_balance_curve(
    ...     [4, 3, 2, 1], [1, 1, 0, 1], winsize=2)
    >>> balance.tolist()
    [1.0, 0.5, 0.5]
    """
    scores = _float_array(uplift, "uplift")
    treatment, is_control, groups = _check_treatment(treatment, control)
    if scores.shape[0] != treatment.shape[0]:
        raise ValueError(
            "treatment_balance_curve: uplift and treatment must have the same "
            f"number of samples; got {scores.shape[0]} and {treatment.shape[0]}."
        )
    if groups.shape[0] != 1:
        raise ValueError(
            "treatment_balance_curve compares one treatment group with control; "
            f"treatment has {groups.shape[0]} groups besides control={control!r}: "
            f"{groups.tolist()}."
        )
    if winsize > scores.shape[0]:
        raise ValueError(
            f"winsize={winsize} exceeds the number of samples ({scores.shape[0]})."
        )
    order, ends = _descending_blocks(scores)
    treated = _spread_ties((~is_control[order]).astype(np.float64), ends)
    cumulative = np.concatenate(([0.0], np.cumsum(treated)))
    balance = (cumulative[winsize:] - cumulative[:-winsize]) / winsize
    return np.linspace(1, 100, balance.shape[0]), balance
