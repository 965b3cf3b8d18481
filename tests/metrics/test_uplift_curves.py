# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift and Qini curves, perfect curves and normalised AUCs: against
scikit-uplift, a brute-force evaluation of the definitions, row permutations and
row duplication (weights)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import auc

from skml.metrics import (
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    uplift_auc_score,
    uplift_curve,
)

CURVES = [uplift_curve, qini_curve]
SCORES = [uplift_auc_score, qini_auc_score]


@pytest.fixture
def sklift_metrics():
    sklift = pytest.importorskip("sklift.metrics")
    return sklift


def _data(seed, n=300, ties=False, continuous=False):
    rng = np.random.default_rng(seed)
    treatment = rng.integers(0, 2, n)
    # An informative score: the outcome depends on it for treated rows.
    uplift = rng.standard_normal(n)
    if ties:
        uplift = np.round(uplift, 1)
    if continuous:
        y = rng.standard_normal(n) + treatment * uplift
    else:
        y = (rng.random(n) < 0.3 + 0.2 * treatment * (uplift > 0)).astype(int)
    return y, uplift, treatment


def _brute_curves(y, uplift, treated, w=None):
    """Both curves from the definitions: at each distinct score, the rows whose
    score is at least that score."""
    w = np.ones(len(y)) if w is None else np.asarray(w, dtype=float)
    xs, up, qini = [0.0], [0.0], [0.0]
    for s in sorted(set(uplift.tolist()), reverse=True):
        top = uplift >= s
        n_t, n_c = w[top & treated].sum(), w[top & ~treated].sum()
        y_t, y_c = (w * y)[top & treated].sum(), (w * y)[top & ~treated].sum()
        mean_t = y_t / n_t if n_t else 0.0
        mean_c = y_c / n_c if n_c else 0.0
        xs.append(w[top].sum())
        up.append((mean_t - mean_c) * w[top].sum())
        qini.append(y_t - (y_c * n_t / n_c if n_c else 0.0))
    return np.array(xs), np.array(up), np.array(qini)


def _brute_perfect_uplift_score(y, treated, w):
    # scikit-uplift's documented oracle: 2 * (y == treatment) + summand, with
    # summand y if there are more control responders than treated
    # non-responders (weighted), else the treatment.
    t = treated.astype(int)
    cr = w[(y == 1) & ~treated].sum()
    tn = w[(y == 0) & treated].sum()
    return 2 * (y == t) + (y if cr > tn else t)


def _normalised(x, values, x_perfect, y_perfect):
    random = auc([0, x_perfect[-1]], [0, y_perfect[-1]])
    return (auc(x, values) - random) / (auc(x_perfect, y_perfect) - random)


# ----------------------------------------------------------------- scikit-uplift


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("curve", CURVES, ids=lambda f: f.__name__)
def test_curve_matches_sklift(global_random_seed, sklift_metrics, curve, ties):
    # scikit-uplift's curves are also evaluated at distinct thresholds only, so
    # they agree with ties as well.
    y, uplift, treatment = _data(global_random_seed, ties=ties)
    x, values = curve(y, uplift, treatment)
    x_ref, values_ref = getattr(sklift_metrics, curve.__name__)(y, uplift, treatment)
    assert_array_equal(x, x_ref)
    assert_allclose(values, values_ref, rtol=1e-9, atol=1e-9)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_perfect_curves_match_sklift(global_random_seed, sklift_metrics):
    y, _, treatment = _data(global_random_seed)
    for got, ref in [
        (
            perfect_uplift_curve(y, treatment),
            sklift_metrics.perfect_uplift_curve(y, treatment),
        ),
        (
            perfect_qini_curve(y, treatment),
            sklift_metrics.perfect_qini_curve(y, treatment),
        ),
        (
            perfect_qini_curve(y, treatment, negative_effect=False),
            sklift_metrics.perfect_qini_curve(y, treatment, negative_effect=False),
        ),
    ]:
        assert_allclose(got[0], ref[0], rtol=1e-9)
        assert_allclose(got[1], ref[1], rtol=1e-9, atol=1e-9)


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("ties", [False, True])
def test_auc_scores_match_sklift(global_random_seed, sklift_metrics, ties):
    y, uplift, treatment = _data(global_random_seed, ties=ties)
    assert_allclose(
        uplift_auc_score(y, uplift, treatment),
        sklift_metrics.uplift_auc_score(y, uplift, treatment),
        rtol=1e-9,
    )
    assert_allclose(
        qini_auc_score(y, uplift, treatment),
        sklift_metrics.qini_auc_score(y, uplift, treatment),
        rtol=1e-9,
    )
    # negative_effect=False is defined (by both) when the overall gain is > 0.
    y_t, y_c = y[treatment == 1], y[treatment == 0]
    if y_t.sum() - len(y_t) * y_c.mean() > 0:
        assert_allclose(
            qini_auc_score(y, uplift, treatment, negative_effect=False),
            sklift_metrics.qini_auc_score(y, uplift, treatment, negative_effect=False),
            rtol=1e-9,
        )


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_scores_match_sklift_on_pandas_and_lists(global_random_seed, sklift_metrics):
    pd = pytest.importorskip("pandas")
    y, uplift, treatment = _data(global_random_seed, n=80)
    expected = sklift_metrics.qini_auc_score(y, uplift, treatment)
    assert_allclose(
        qini_auc_score(pd.Series(y), pd.Series(uplift), pd.Series(treatment)),
        expected,
        rtol=1e-12,
    )
    assert_allclose(
        qini_auc_score(y.tolist(), uplift.tolist(), treatment.tolist()),
        expected,
        rtol=1e-12,
    )


# ------------------------------------------------------------------ brute force


@pytest.mark.parametrize("continuous", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_curves_match_brute_force(global_random_seed, continuous, ties):
    y, uplift, treatment = _data(
        global_random_seed, n=120, ties=ties, continuous=continuous
    )
    x_ref, uplift_ref, qini_ref = _brute_curves(y, uplift, treatment == 1)
    x, values = uplift_curve(y, uplift, treatment)
    assert_allclose(x, x_ref)
    assert_allclose(values, uplift_ref, rtol=1e-10, atol=1e-10)
    x, values = qini_curve(y, uplift, treatment)
    assert_allclose(x, x_ref)
    assert_allclose(values, qini_ref, rtol=1e-10, atol=1e-10)


def test_perfect_curves_match_brute_force(global_random_seed):
    y, _, treatment = _data(global_random_seed, n=120)
    treated, w = treatment == 1, np.ones(len(y))
    x_ref, up_ref, _ = _brute_curves(
        y, _brute_perfect_uplift_score(y, treated, w), treated
    )
    x, values = perfect_uplift_curve(y, treatment)
    assert_allclose(x, x_ref)
    assert_allclose(values, up_ref, rtol=1e-10, atol=1e-10)
    # The Qini oracle ranks by y for treated rows and -y for control rows.
    x_ref, _, qini_ref = _brute_curves(y, np.where(treated, y, -y), treated)
    x, values = perfect_qini_curve(y, treatment)
    assert_allclose(x, x_ref)
    assert_allclose(values, qini_ref, rtol=1e-10, atol=1e-10)


def test_perfect_qini_curve_continuous_brute_force(global_random_seed):
    y, _, treatment = _data(global_random_seed, n=120, continuous=True)
    treated = treatment == 1
    x_ref, _, qini_ref = _brute_curves(y, np.where(treated, y, -y), treated)
    x, values = perfect_qini_curve(y, treatment)
    assert_allclose(x, x_ref)
    assert_allclose(values, qini_ref, rtol=1e-10, atol=1e-10)
    gain = y[treated].sum() - treated.sum() * y[~treated].mean()
    x, values = perfect_qini_curve(y, treatment, negative_effect=False)
    assert_allclose(x, [0, gain, len(y)])
    assert_allclose(values, [0, gain, gain])


@pytest.mark.parametrize("continuous", [False, True])
def test_auc_scores_match_brute_force(global_random_seed, continuous):
    y, uplift, treatment = _data(global_random_seed, n=120, continuous=continuous)
    treated = treatment == 1
    x, _, qini = _brute_curves(y, uplift, treated)
    x_p, _, qini_p = _brute_curves(y, np.where(treated, y, -y), treated)
    assert_allclose(
        qini_auc_score(y, uplift, treatment),
        _normalised(x, qini, x_p, qini_p),
        rtol=1e-10,
    )
    if not continuous:
        x, up, _ = _brute_curves(y, uplift, treated)
        score = _brute_perfect_uplift_score(y, treated, np.ones(len(y)))
        x_p, up_p, _ = _brute_curves(y, score, treated)
        assert_allclose(
            uplift_auc_score(y, uplift, treatment),
            _normalised(x, up, x_p, up_p),
            rtol=1e-10,
        )


def test_perfect_ranking_scores_one(global_random_seed):
    y, _, treatment = _data(global_random_seed)
    treated = treatment == 1
    assert_allclose(qini_auc_score(y, np.where(treated, y, -y), treatment), 1.0)
    score = _brute_perfect_uplift_score(y, treated, np.ones(len(y)))
    assert_allclose(uplift_auc_score(y, score, treatment), 1.0)


# --------------------------------------------------------- ties and row order


@pytest.mark.parametrize("continuous", [False, True])
def test_curves_do_not_depend_on_row_order(global_random_seed, continuous):
    y, uplift, treatment = _data(global_random_seed, continuous=continuous)
    uplift = np.round(uplift)  # few distinct scores: large tied blocks
    perm = np.random.default_rng(global_random_seed + 1).permutation(len(y))
    for curve in CURVES:
        x, values = curve(y, uplift, treatment)
        x_perm, values_perm = curve(y[perm], uplift[perm], treatment[perm])
        assert_array_equal(x, x_perm)
        assert_allclose(values, values_perm, rtol=1e-12, atol=1e-12)
    score = qini_auc_score(y, uplift, treatment)
    assert_allclose(
        qini_auc_score(y[perm], uplift[perm], treatment[perm]), score, rtol=1e-12
    )
    if not continuous:
        score = uplift_auc_score(y, uplift, treatment)
        assert_allclose(
            uplift_auc_score(y[perm], uplift[perm], treatment[perm]),
            score,
            rtol=1e-12,
        )


def test_constant_scores_give_random_line(global_random_seed):
    # A constant score ranks nobody before anybody: one threshold, the curve is
    # the random line's two end points and the normalised area is 0.
    y, _, treatment = _data(global_random_seed)
    x, values = qini_curve(y, np.zeros(len(y)), treatment)
    assert_array_equal(x, [0, len(y)])
    assert_allclose(qini_auc_score(y, np.zeros(len(y)), treatment), 0.0, atol=1e-12)
    assert_allclose(uplift_auc_score(y, np.ones(len(y)), treatment), 0.0, atol=1e-12)


# ------------------------------------------------------------- sample weights


@pytest.mark.parametrize("continuous", [False, True])
def test_sample_weight_equals_duplicated_rows(global_random_seed, continuous):
    y, uplift, treatment = _data(global_random_seed, n=150, continuous=continuous)
    w = np.random.default_rng(global_random_seed + 2).integers(0, 4, len(y))
    # Keep both groups present.
    w[np.flatnonzero(treatment == 1)[0]] = w[np.flatnonzero(treatment == 0)[0]] = 1
    rep = np.repeat(np.arange(len(y)), w)
    for curve in CURVES:
        x, values = curve(y, uplift, treatment, sample_weight=w)
        x_dup, values_dup = curve(y[rep], uplift[rep], treatment[rep])
        assert_allclose(x, x_dup)
        assert_allclose(values, values_dup, rtol=1e-10, atol=1e-10)
    perfect = [
        (perfect_qini_curve, {}),
        (perfect_qini_curve, {"negative_effect": False}),
    ]
    if not continuous:
        perfect.append((perfect_uplift_curve, {}))
    for curve, kwargs in perfect:
        x, values = curve(y, treatment, sample_weight=w, **kwargs)
        x_dup, values_dup = curve(y[rep], treatment[rep], **kwargs)
        assert_allclose(x, x_dup)
        assert_allclose(values, values_dup, rtol=1e-10, atol=1e-10)
    scores = [qini_auc_score] + ([] if continuous else [uplift_auc_score])
    for score in scores:
        assert_allclose(
            score(y, uplift, treatment, sample_weight=w),
            score(y[rep], uplift[rep], treatment[rep]),
            rtol=1e-10,
        )


def test_sample_weight_brute_force(global_random_seed):
    y, uplift, treatment = _data(global_random_seed, n=100, continuous=True)
    w = np.random.default_rng(global_random_seed).random(len(y)) + 0.1
    x_ref, up_ref, qini_ref = _brute_curves(y, uplift, treatment == 1, w)
    x, values = uplift_curve(y, uplift, treatment, sample_weight=w)
    assert_allclose(x, x_ref)
    assert_allclose(values, up_ref, rtol=1e-10, atol=1e-10)
    x, values = qini_curve(y, uplift, treatment, sample_weight=w)
    assert_allclose(values, qini_ref, rtol=1e-10, atol=1e-10)


def test_unit_weights_change_nothing(global_random_seed):
    y, uplift, treatment = _data(global_random_seed)
    ones = np.ones(len(y))
    for score in SCORES:
        assert_allclose(
            score(y, uplift, treatment, sample_weight=ones),
            score(y, uplift, treatment),
            rtol=1e-12,
        )


# ---------------------------------------------------- several treatment groups


def test_several_treatment_groups(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n = 300
    treatment = rng.choice(["control", "email", "sms"], n)
    y = rng.integers(0, 2, n)
    uplift = rng.standard_normal((n, 2))
    w = rng.random(n)
    for score in SCORES:
        got = score(y, uplift, treatment, control="control", sample_weight=w)
        assert got.shape == (2,)
        for j, group in enumerate(["email", "sms"]):
            rows = np.isin(treatment, ["control", group])
            expected = score(
                y[rows],
                uplift[rows, j],
                (treatment[rows] == group).astype(int),
                sample_weight=w[rows],
            )
            assert_allclose(got[j], expected, rtol=1e-12)


def test_one_column_uplift_returns_an_array(global_random_seed):
    y, uplift, treatment = _data(global_random_seed)
    got = qini_auc_score(y, uplift[:, None], treatment)
    assert isinstance(got, np.ndarray) and got.shape == (1,)
    assert_allclose(got[0], qini_auc_score(y, uplift, treatment))
    assert isinstance(qini_auc_score(y, uplift, treatment), float)


def test_control_label(global_random_seed):
    y, uplift, treatment = _data(global_random_seed)
    labels = np.where(treatment == 1, "trt", "ctl")
    expected = qini_curve(y, uplift, treatment)
    got = qini_curve(y, uplift, labels, control="ctl")
    assert_array_equal(got[0], expected[0])
    assert_allclose(got[1], expected[1])
    # control=1 swaps the roles of the groups.
    swapped = qini_auc_score(y, uplift, 1 - treatment)
    assert_allclose(qini_auc_score(y, uplift, treatment, control=1), swapped)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("func", CURVES + SCORES, ids=lambda f: f.__name__)
def test_validation(func):
    y, uplift, t = np.array([1, 0, 1, 0]), np.array([0.4, 0.3, 0.2, 0.1]), [1, 1, 0, 0]
    with pytest.raises(ValueError, match="same number of samples; got 4, 3, 4"):
        func(y, uplift[:3], t)
    with pytest.raises(ValueError, match="uplift contains NaN"):
        func(y, [0.4, np.nan, 0.2, 0.1], t)
    with pytest.raises(ValueError, match="uplift contains infinity"):
        func(y, [0.4, np.inf, 0.2, 0.1], t)
    with pytest.raises(ValueError, match="y_true contains NaN"):
        func([1, np.nan, 1, 0], uplift, t)
    with pytest.raises(ValueError, match="single group"):
        func(y, uplift, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="control=0 is not a label"):
        func(y, uplift, [1, 1, 2, 2])
    with pytest.raises(ValueError, match="treatment contains NaN"):
        func(y, uplift, [1.0, np.nan, 0.0, 0.0])
    with pytest.raises(ValueError, match="non-negative"):
        func(y, uplift, t, sample_weight=[1, -1, 1, 1])
    with pytest.raises(ValueError, match="no positive weight"):
        func(y, uplift, t, sample_weight=[1, 1, 0, 0])
    with pytest.raises(ValueError, match="numbers only"):
        func(["a", "b", "a", "b"], uplift, t)


@pytest.mark.parametrize("curve", CURVES, ids=lambda f: f.__name__)
def test_curves_need_a_single_treatment_group(curve):
    with pytest.raises(ValueError, match=r"2 groups besides control=0: \[1, 2\]"):
        curve([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 2, 0, 0])
    with pytest.raises(ValueError, match="must be 1-D"):
        curve([1, 0, 1, 0], np.zeros((4, 2)), [1, 1, 0, 0])


@pytest.mark.parametrize("score", SCORES, ids=lambda f: f.__name__)
def test_scores_check_uplift_columns(score):
    y, t = [1, 0, 1, 0, 1, 0], [1, 2, 0, 0, 1, 2]
    with pytest.raises(ValueError, match="uplift is 1-D but treatment has 2 groups"):
        score(y, np.zeros(6), t)
    with pytest.raises(ValueError, match="uplift has 3 columns but treatment has 2"):
        score(y, np.zeros((6, 3)), t)


def test_binary_outcome_only_for_uplift_auc():
    with pytest.raises(ValueError, match="binary outcomes only"):
        uplift_auc_score([0.5, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0])
    with pytest.raises(ValueError, match="binary outcomes only"):
        perfect_uplift_curve([2, 0, 1, 0], [1, 1, 0, 0])


def test_parameter_validation():
    with pytest.raises(ValueError, match="negative_effect"):
        qini_auc_score([1, 0], [1, 0], [1, 0], negative_effect="yes")


def test_undefined_score_is_nan_with_warning():
    # All outcomes equal: every curve is flat, the normalisation divides by 0.
    y, uplift, t = [0, 0, 0, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0]
    for score in SCORES:
        with pytest.warns(UndefinedMetricWarning, match="undefined"):
            assert np.isnan(score(y, uplift, t))
    with pytest.warns(UndefinedMetricWarning, match="negative_effect=False"):
        assert np.isnan(qini_auc_score([0, 0, 1, 0], uplift, t, False))


@pytest.mark.parametrize(
    "labels, control",
    [
        ((False, True), False),
        ((-1, 3), -1),
        ((0, 100_000), 0),  # beyond the counting fast path of the labels
        ((0.0, 1.0), 0),
        ((np.uint8(4), np.uint8(2)), 4),
        (("none", "email"), "none"),
    ],
)
def test_treatment_label_types(global_random_seed, labels, control):
    y, uplift, treatment = _data(global_random_seed, n=100)
    coded = np.where(treatment == 1, labels[1], labels[0])
    assert_allclose(
        qini_auc_score(y, uplift, coded, control=control),
        qini_auc_score(y, uplift, treatment),
        rtol=1e-12,
    )
    assert_allclose(
        uplift_auc_score(y, uplift[:, None], coded, control=control),
        [uplift_auc_score(y, uplift, treatment)],
        rtol=1e-12,
    )
