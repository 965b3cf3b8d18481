# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Validation of treatment labels, shared by the uplift metrics and estimators."""

import numpy as np


def _unique_labels(treatment):
    """Sorted distinct labels; by counting for small-range integers (no sort)."""
    if treatment.dtype.kind in "biu":
        low, high = int(treatment.min()), int(treatment.max())
        if high - low < 65536:
            offsets = treatment.astype(np.intp) - low
            present = np.flatnonzero(np.bincount(offsets, minlength=high - low + 1))
            return (present + low).astype(treatment.dtype)
    return np.unique(treatment)


def check_treatment_labels(treatment, control):
    """The treatment labels, the control mask and the other groups' labels.

    The one validation of ``treatment`` that the uplift metrics and the uplift
    estimators share: 1-D, non-empty, no missing label, ``control`` present and
    at least one other group.
    """
    treatment = np.asarray(treatment)
    if treatment.ndim == 2 and treatment.shape[1] == 1:
        treatment = treatment[:, 0]
    if treatment.ndim != 1:
        raise ValueError(
            "treatment must be a 1-D array of group labels; got an array of shape "
            f"{treatment.shape}."
        )
    if treatment.shape[0] == 0:
        raise ValueError("treatment is empty.")
    if treatment.dtype.kind in "fc" and not np.isfinite(treatment).all():
        raise ValueError(
            "treatment contains NaN or infinity; every row needs a group label."
        )
    if treatment.dtype.kind == "O" and any(
        t is None or (isinstance(t, float) and t != t) for t in treatment
    ):
        raise ValueError(
            "treatment contains missing labels (None or NaN); every row needs a "
            "group label."
        )
    try:
        labels = _unique_labels(treatment)
    except TypeError as exc:
        raise ValueError(
            f"treatment labels must be of one sortable type: {exc}"
        ) from exc
    matches = [i for i, label in enumerate(labels.tolist()) if label == control]
    if not matches and labels.shape[0] == 1:
        raise ValueError(
            f"treatment holds a single group ({labels.tolist()[0]!r}) and no row of "
            f"the control group (control={control!r}); uplift metrics compare a "
            "treatment group with the control group and need both."
        )
    if not matches:
        raise ValueError(
            f"control={control!r} is not a label of treatment, whose labels are "
            f"{labels.tolist()}; pass control=<label of the control group>."
        )
    control_label = labels[matches[0]]
    groups = np.delete(labels, matches[0])
    if groups.shape[0] == 0:
        raise ValueError(
            f"treatment holds a single group (control={control!r}); uplift "
            "metrics compare a treatment group with the control group and need "
            "both."
        )
    return treatment, treatment == control_label, groups
