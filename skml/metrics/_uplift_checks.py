# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Input validation and tie-aware ordering shared by the uplift metrics.

Every public uplift metric validates its inputs here, then works on plain float64
arrays: ``y`` (outcomes), ``uplift`` (scores), ``treated`` (a boolean mask: row in
the treatment group, as opposed to control) and ``w`` (weights, or None).
"""

import numpy as np
from sklearn.utils import check_array

from skml.utils._treatment import check_treatment_labels as _check_treatment


class _UpliftData:
    """Validated inputs of an uplift metric.

    ``groups`` are the sorted treatment labels other than ``control``; ``uplift``
    has one column per group when ``multi`` (it was given 2-D), else it is 1-D.
    """

    def __init__(self, y, uplift, treatment, is_control, control, groups, w, multi):
        self.y = y
        self.uplift = uplift
        self.treatment = treatment
        self.is_control = is_control
        self.control = control
        self.groups = groups
        self.w = w
        self.multi = multi

    def per_group(self):
        """Yield ``(label, y, uplift, treated, w)`` of each group with control."""
        labels = self.groups.tolist()  # Python scalars, for readable messages
        if len(labels) == 1:
            uplift = self.uplift[:, 0] if self.multi else self.uplift
            yield labels[0], self.y, uplift, ~self.is_control, self.w
            return
        for j, label in enumerate(labels):
            rows = self.is_control | (self.treatment == label)
            w = None if self.w is None else self.w[rows]
            yield (
                label,
                self.y[rows],
                self.uplift[rows, j],
                ~self.is_control[rows],
                w,
            )

    def map(self, func):
        """``func(label, y, uplift, treated, w)`` per group: a float for a 1-D
        uplift, an array over the groups for a 2-D one."""
        values = [func(*view) for view in self.per_group()]
        if self.multi:
            return np.asarray(values, dtype=np.float64)
        return float(values[0])


def _float_array(values, name, *, allow_2d=False):
    """A finite float64 array, 1-D (or 2-D when allowed), with a clear error."""
    try:
        array = check_array(values, ensure_2d=False, dtype=np.float64, input_name=name)
    except ValueError as exc:
        if "convert" in str(exc):
            raise ValueError(f"{name} must contain numbers only: {exc}") from exc
        raise
    if array.ndim == 2 and not allow_2d:
        if array.shape[1] != 1:
            raise ValueError(
                f"{name} must be 1-D; got an array of shape {array.shape}."
            )
        array = array[:, 0]
    return array


def _check_weights(sample_weight, n_samples):
    w = _float_array(sample_weight, "sample_weight")
    if w.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {w.shape[0]} entries for {n_samples} samples."
        )
    if (w < 0).any():
        raise ValueError("sample_weight must be non-negative.")
    return w


def _check_uplift_inputs(
    y_true,
    uplift,
    treatment,
    *,
    control,
    caller,
    sample_weight=None,
    binary_treatment=False,
    binary_outcome=False,
):
    """Validate the inputs of an uplift metric; return an :class:`_UpliftData`.

    ``binary_treatment`` demands a single treatment group besides control (the
    curves); otherwise a 2-D ``uplift`` gives one column per group. Rows of zero
    weight are dropped (they change no sum), as in scikit-learn's ROC curve.
    """
    y = _float_array(y_true, "y_true")
    names, lengths = ["y_true"], [y.shape[0]]
    if uplift is None:  # the perfect curves
        scores = np.zeros(y.shape[0])
    else:
        scores = _float_array(uplift, "uplift", allow_2d=not binary_treatment)
        names.append("uplift")
        lengths.append(scores.shape[0])
    treatment, is_control, groups = _check_treatment(treatment, control)
    names.append("treatment")
    lengths.append(treatment.shape[0])
    if len(set(lengths)) != 1:
        raise ValueError(
            f"{caller}: {', '.join(names)} must have the same number of samples; "
            f"got {', '.join(map(str, lengths))}."
        )
    if binary_outcome and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(
            f"{caller} is defined for binary outcomes only: y_true must hold 0 "
            "and 1; for continuous outcomes use qini_auc_score or the curves."
        )
    if binary_treatment and groups.shape[0] != 1:
        raise ValueError(
            f"{caller} compares one treatment group with control; treatment has "
            f"{groups.shape[0]} groups besides control={control!r}: "
            f"{groups.tolist()}. Select the rows of one group and of control."
        )
    multi = scores.ndim == 2
    if multi and scores.shape[1] != groups.shape[0]:
        raise ValueError(
            f"uplift has {scores.shape[1]} columns but treatment has "
            f"{groups.shape[0]} groups besides control: {groups.tolist()}; pass one "
            "column per group, in sorted label order."
        )
    if not multi and groups.shape[0] != 1:
        raise ValueError(
            f"uplift is 1-D but treatment has {groups.shape[0]} groups besides "
            f"control={control!r}: {groups.tolist()}; pass uplift of shape "
            f"(n_samples, {groups.shape[0]}), one column per group in sorted "
            "label order."
        )
    w = None
    if sample_weight is not None:
        w = _check_weights(sample_weight, y.shape[0])
        keep = w > 0
        if not keep.all():
            y, scores, treatment = y[keep], scores[keep], treatment[keep]
            is_control, w = is_control[keep], w[keep]
        if not is_control.any():
            raise ValueError(
                f"the control group (control={control!r}) has no positive weight."
            )
        for label in groups.tolist():
            if not (treatment == label).any():
                raise ValueError(f"treatment group {label!r} has no positive weight.")
    return _UpliftData(y, scores, treatment, is_control, control, groups, w, multi)


def _descending_blocks(score):
    """Order rows by decreasing score; the last position of each tied block.

    ``order`` sorts the rows by decreasing score (in no defined order within
    ties), ``ends`` holds the position in that order of the last row of each block
    of equal scores. Sums taken at ``ends`` do not depend on the order of ties.
    """
    order = np.argsort(score)[::-1]
    ordered = score[order]
    ends = np.flatnonzero(ordered[1:] != ordered[:-1])
    return order, np.append(ends, ordered.shape[0] - 1)


def _spread_ties(values, ends):
    """Replace each row of a tied block by the block's mean (rows on axis 0).

    This is the expectation over every ordering of the ties: any statistic that
    is a sum over a range of positions then becomes independent of the input
    order.
    """
    n_rows = values.shape[0]
    if ends.shape[0] == n_rows:
        return values
    starts = np.concatenate(([0], ends[:-1] + 1))
    sizes = ends - starts + 1
    means = np.add.reduceat(values, starts, axis=0)
    means /= sizes.reshape((-1,) + (1,) * (values.ndim - 1))
    return np.repeat(means, sizes, axis=0)


def _top_weights(score, n_top):
    """Weight of each row in the ``n_top`` rows of highest score.

    1 above the cut-off score, 0 below it, and for the block tied at the cut-off
    the fraction of it that fits: the expected membership over every ordering of
    the ties.
    """
    n_rows = score.shape[0]
    if n_top >= n_rows:
        return np.ones(n_rows)
    cut = np.partition(score, n_rows - n_top)[n_rows - n_top]
    above = score > cut
    tied = score == cut
    fraction = (n_top - np.count_nonzero(above)) / np.count_nonzero(tied)
    return above + fraction * tied


def _split_starts(n_rows, bins):
    """First position of each of ``bins`` near-equal consecutive bins.

    The first ``n_rows % bins`` bins hold one row more, as ``np.array_split``.
    """
    size, extra = divmod(n_rows, bins)
    sizes = np.full(bins, size, dtype=np.intp)
    sizes[:extra] += 1
    return np.concatenate(([0], np.cumsum(sizes)[:-1]))


def _safe_divide(numerator, denominator, fill=0.0):
    """``numerator / denominator`` with ``fill`` where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    out = np.full(np.broadcast(numerator, denominator).shape, fill)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)
