# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""uplift_at_k, weighted_average_uplift, uplift_by_percentile and
treatment_balance_curve: against scikit-uplift on tie-free scores, brute force,
and the expectation over every ordering of tied scores."""

import builtins
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml.metrics import (
    treatment_balance_curve,
    uplift_at_k,
    uplift_by_percentile,
    weighted_average_uplift,
)

STRATEGIES = ["overall", "by_group"]


@pytest.fixture
def sklift_metrics():
    return pytest.importorskip("sklift.metrics")


def _data(seed, n=400, continuous=False):
    rng = np.random.default_rng(seed)
    treatment = rng.integers(0, 2, n)
    uplift = rng.standard_normal(n)  # continuous: no ties
    if continuous:
        y = rng.standard_normal(n) + treatment * uplift
    else:
        y = (rng.random(n) < 0.3 + 0.3 * treatment * (uplift > 0)).astype(int)
    return y, uplift, treatment


def _orderings(uplift):
    """Every ranking by decreasing score, over all orderings of the ties."""
    blocks = [np.flatnonzero(uplift == s) for s in np.unique(uplift)[::-1]]
    for perms in itertools.product(*(itertools.permutations(b) for b in blocks)):
        yield np.concatenate([np.array(p, dtype=int) for p in perms])


def _tied_data(seed, n=11):
    # Few distinct scores with blocks small enough to enumerate their orders.
    rng = np.random.default_rng(seed)
    uplift = rng.permutation(np.repeat([3.0, 2.0, 1.0, 0.0], [2, 3, 3, 3])[:n])
    treatment = rng.permutation(np.arange(n) % 2)
    y = rng.integers(0, 2, n).astype(float)
    return y, uplift, treatment


# ------------------------------------------------------------------ uplift_at_k


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("k", [0.1, 0.3, 0.75, 25, 100])
def test_uplift_at_k_matches_sklift(global_random_seed, sklift_metrics, strategy, k):
    y, uplift, treatment = _data(global_random_seed)
    assert_allclose(
        uplift_at_k(y, uplift, treatment, strategy, k=k),
        sklift_metrics.uplift_at_k(y, uplift, treatment, strategy, k=k),
        rtol=1e-9,
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_uplift_at_k_brute_force_continuous(global_random_seed, strategy):
    y, uplift, treatment = _data(global_random_seed, continuous=True)
    order = np.argsort(-uplift)
    if strategy == "overall":
        top = order[: int(0.4 * len(y))]
        expected = (
            y[top][treatment[top] == 1].mean() - y[top][treatment[top] == 0].mean()
        )
    else:
        means = []
        for group in (1, 0):
            rows = order[treatment[order] == group]
            means.append(y[rows[: int(0.4 * len(rows))]].mean())
        expected = means[0] - means[1]
    assert_allclose(uplift_at_k(y, uplift, treatment, strategy, k=0.4), expected)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("k", [0.3, 0.5, 4])
def test_uplift_at_k_ties_are_expectation_over_orders(global_random_seed, strategy, k):
    # Tied scores at the cut: each group's mean is the ratio of the expected
    # outcome sum to the expected count over every ordering of the ties.
    y, uplift, treatment = _tied_data(global_random_seed)
    sums = np.zeros(2)
    counts = np.zeros(2)
    n_orders = 0
    for order in _orderings(uplift):
        n_orders += 1
        for j, group in enumerate((1, 0)):
            if strategy == "overall":
                n_top = k if isinstance(k, int) else int(k * len(y))
                top = order[:n_top]
                top = top[treatment[top] == group]
            else:
                rows = order[treatment[order] == group]
                top = rows[: k if isinstance(k, int) else int(k * len(rows))]
            sums[j] += y[top].sum()
            counts[j] += len(top)
    if (counts == 0).any():
        pytest.skip("a group is absent from the top k in every ordering")
    expected = sums[0] / counts[0] - sums[1] / counts[1]
    got = uplift_at_k(y, uplift, treatment, strategy, k=k)
    # atol: the expected difference of rates may be exactly 0.
    assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    perm = np.random.default_rng(global_random_seed).permutation(len(y))
    got_perm = uplift_at_k(y[perm], uplift[perm], treatment[perm], strategy, k=k)
    assert_allclose(got_perm, got, rtol=1e-12, atol=1e-14)


def test_uplift_at_k_constant_score_is_difference_of_means(global_random_seed):
    # Every row is tied: each weighs k, so the result is the overall effect.
    y, _, treatment = _data(global_random_seed)
    expected = y[treatment == 1].mean() - y[treatment == 0].mean()
    for strategy in STRATEGIES:
        got = uplift_at_k(y, np.zeros(len(y)), treatment, strategy, k=0.3)
        assert_allclose(got, expected, rtol=1e-12)


def test_uplift_at_k_errors():
    y, uplift, t = [1, 0, 1, 0, 1, 0], [6, 5, 4, 3, 2, 1], [1, 1, 1, 0, 0, 0]
    with pytest.raises(ValueError, match=r"control group \(treatment == 0\) among"):
        uplift_at_k(y, uplift, t, "overall", k=3)
    with pytest.raises(ValueError, match=r"treatment group \(treatment == 1\) among"):
        uplift_at_k(y, uplift[::-1], t, "overall", k=0.5)
    with pytest.raises(ValueError, match="single group"):
        uplift_at_k(y, uplift, [1] * 6, "overall")
    with pytest.raises(ValueError, match="k=7 exceeds the number of rows"):
        uplift_at_k(y, uplift, t, "overall", k=7)
    with pytest.raises(ValueError, match=r"k=4 exceeds .* treatment group"):
        uplift_at_k(y, uplift, t, "by_group", k=4)
    with pytest.raises(ValueError, match="selects no row"):
        uplift_at_k(y, uplift, t, "overall", k=0.1)
    with pytest.raises(ValueError, match="'k' parameter"):
        uplift_at_k(y, uplift, t, "overall", k=1.5)
    with pytest.raises(ValueError, match="'strategy' parameter"):
        uplift_at_k(y, uplift, t, "top", k=0.5)


def test_uplift_at_k_several_treatment_groups(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n = 400
    treatment = rng.integers(0, 3, n)
    y = rng.integers(0, 2, n)
    uplift = rng.standard_normal((n, 2))
    for strategy in STRATEGIES:
        got = uplift_at_k(y, uplift, treatment, strategy, k=0.5)
        for j, group in enumerate([1, 2]):
            rows = np.isin(treatment, [0, group])
            expected = uplift_at_k(
                y[rows], uplift[rows, j], treatment[rows] // group, strategy, k=0.5
            )
            assert_allclose(got[j], expected, rtol=1e-12)


# ------------------------------------------------------ uplift by percentile


def _brute_table(y, uplift, treatment, strategy, bins):
    rows = []
    order = np.argsort(-uplift)
    if strategy == "overall":
        parts = [(p, p) for p in np.array_split(order, bins)]
    else:
        t_parts = np.array_split(order[treatment[order] == 1], bins)
        c_parts = np.array_split(order[treatment[order] == 0], bins)
        parts = list(zip(t_parts, c_parts))
    for t_part, c_part in parts:
        yt = y[t_part][treatment[t_part] == 1]
        yc = y[c_part][treatment[c_part] == 0]
        rows.append(
            [
                len(yt),
                len(yc),
                yt.mean(),
                yc.mean(),
                yt.mean() - yc.mean(),
                np.sqrt(yt.var() / len(yt)),
                np.sqrt(yc.var() / len(yc)),
                np.sqrt(yt.var() / len(yt) + yc.var() / len(yc)),
            ]
        )
    return np.array(rows)


COLUMNS = [
    "n_treatment",
    "n_control",
    "response_rate_treatment",
    "response_rate_control",
    "uplift",
    "std_treatment",
    "std_control",
    "std_uplift",
]


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("bins", [1, 7, 10])
def test_uplift_by_percentile_matches_sklift(
    global_random_seed, sklift_metrics, strategy, bins
):
    pytest.importorskip("pandas")
    y, uplift, treatment = _data(global_random_seed)
    # scikit-uplift fails with total=True and string_percentiles=False on pandas
    # 3 (it writes "total" into an int column).
    for string_percentiles, total in [(True, True), (False, False)]:
        kwargs = {"std": True, "total": total, "string_percentiles": string_percentiles}
        got = uplift_by_percentile(y, uplift, treatment, strategy, bins, **kwargs)
        ref = sklift_metrics.uplift_by_percentile(
            y, uplift, treatment, strategy, bins, **kwargs
        )
        assert list(got.columns) == list(ref.columns) == COLUMNS
        assert list(got.index) == list(ref.index)
        assert got.index.name == ref.index.name == "percentile"
        # scikit-uplift's total-row standard errors are the sum of the bins';
        # ours are those of the whole data (checked by brute force below).
        assert_allclose(
            got.iloc[:bins].to_numpy(), ref.iloc[:bins].to_numpy(), rtol=1e-9
        )
        if total:
            assert_allclose(
                got.iloc[bins, :5].to_numpy(float),
                ref.iloc[bins, :5].to_numpy(float),
                rtol=1e-9,
            )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_uplift_by_percentile_brute_force(global_random_seed, strategy):
    pytest.importorskip("pandas")
    y, uplift, treatment = _data(global_random_seed, continuous=True)
    got = uplift_by_percentile(y, uplift, treatment, strategy, 6, std=True, total=True)
    assert_allclose(
        got.iloc[:6].to_numpy(),
        _brute_table(y, uplift, treatment, strategy, 6),
        rtol=1e-9,
    )
    assert_allclose(
        got.iloc[6].to_numpy(),
        _brute_table(y, uplift, treatment, "overall", 1)[0],
        rtol=1e-9,
    )
    assert got["n_treatment"].dtype.kind == "i"
    plain = uplift_by_percentile(y, uplift, treatment, strategy, 6)
    assert list(plain.columns) == COLUMNS[:5]
    assert list(plain.index) == ["0-17", "17-33", "33-50", "50-67", "67-83", "83-100"]


def test_uplift_by_percentile_ties_are_expectation_over_orders(global_random_seed):
    pytest.importorskip("pandas")
    y, uplift, treatment = _tied_data(global_random_seed)
    bins = 3
    sums = np.zeros((bins, 4))  # n_t, n_c, sum y_t, sum y_c
    n_orders = 0
    for order in _orderings(uplift):
        n_orders += 1
        for b, part in enumerate(np.array_split(order, bins)):
            t = treatment[part] == 1
            sums[b] += [t.sum(), (~t).sum(), y[part][t].sum(), y[part][~t].sum()]
    sums /= n_orders
    got = uplift_by_percentile(y, uplift, treatment, bins=bins)
    assert_allclose(got["n_treatment"], sums[:, 0], rtol=1e-12)
    assert_allclose(got["n_control"], sums[:, 1], rtol=1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        assert_allclose(got["response_rate_treatment"], sums[:, 2] / sums[:, 0])
        assert_allclose(got["response_rate_control"], sums[:, 3] / sums[:, 1])
    perm = np.random.default_rng(global_random_seed).permutation(len(y))
    got_perm = uplift_by_percentile(y[perm], uplift[perm], treatment[perm], bins=bins)
    assert_allclose(got_perm.to_numpy(), got.to_numpy(), rtol=1e-12)


def test_uplift_by_percentile_empty_group_in_bin_is_nan():
    pytest.importorskip("pandas")
    y, uplift, t = [1, 0, 1, 0, 1, 0], [6, 5, 4, 3, 2, 1], [1, 1, 0, 0, 1, 0]
    table = uplift_by_percentile(y, uplift, t, bins=3)
    assert table["n_control"].tolist() == [0, 2, 1]
    assert np.isnan(table["response_rate_control"].iloc[0])
    assert np.isnan(table["uplift"].iloc[0])


def test_uplift_by_percentile_without_pandas(global_random_seed, monkeypatch):
    y, uplift, treatment = _data(global_random_seed, n=50)
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    table = uplift_by_percentile(y, uplift, treatment, bins=5, std=True, total=True)
    assert isinstance(table, dict)
    assert list(table) == ["percentile", *COLUMNS]
    assert table["percentile"].tolist() == [
        "0-20",
        "20-40",
        "40-60",
        "60-80",
        "80-100",
        "total",
    ]
    assert_allclose(
        np.column_stack([table[c] for c in COLUMNS])[:5],
        _brute_table(y, uplift, treatment, "overall", 5),
        rtol=1e-9,
    )


def test_uplift_by_percentile_validation():
    y, uplift, t = [1, 0, 1, 0, 1, 0], [6, 5, 4, 3, 2, 1], [1, 1, 0, 0, 1, 0]
    with pytest.raises(ValueError, match="bins=7 exceeds the 6 rows"):
        uplift_by_percentile(y, uplift, t, bins=7)
    with pytest.raises(ValueError, match=r"bins=4 exceeds the 3 rows of the treat"):
        uplift_by_percentile(y, uplift, t, "by_group", bins=4)
    with pytest.raises(ValueError, match="one treatment group with control"):
        uplift_by_percentile(y, uplift, [1, 2, 0, 0, 1, 2], bins=2)
    with pytest.raises(ValueError, match="'std' parameter"):
        uplift_by_percentile(y, uplift, t, bins=2, std=1)


# ---------------------------------------------------- weighted average uplift


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("bins", [1, 5, 10])
def test_weighted_average_uplift_matches_sklift(
    global_random_seed, sklift_metrics, strategy, bins
):
    y, uplift, treatment = _data(global_random_seed)
    assert_allclose(
        weighted_average_uplift(y, uplift, treatment, strategy, bins),
        sklift_metrics.weighted_average_uplift(y, uplift, treatment, strategy, bins),
        rtol=1e-9,
    )


def test_weighted_average_uplift_brute_force(global_random_seed):
    y, uplift, treatment = _data(global_random_seed, continuous=True)
    table = _brute_table(y, uplift, treatment, "overall", 8)
    expected = table[:, 0] @ table[:, 4] / table[:, 0].sum()
    assert_allclose(weighted_average_uplift(y, uplift, treatment, bins=8), expected)


def test_weighted_average_uplift_bins_without_a_group():
    # A bin without treated rows weighs nothing; one with treated rows but no
    # control row has an undefined uplift: an error, not NaN.
    y, uplift = [1, 0, 1, 0, 1, 0], [6, 5, 4, 3, 2, 1]
    got = weighted_average_uplift(y, uplift, [0, 0, 1, 0, 1, 0], bins=3)
    assert_allclose(got, ((1 - 0) + (1 - 0)) / 2)
    with pytest.raises(ValueError, match=r"bin 0 .* no row of the control group"):
        weighted_average_uplift(y, uplift, [1, 1, 0, 0, 1, 0], bins=3)


def test_weighted_average_uplift_several_treatment_groups(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n = 600
    treatment = rng.choice(["a", "b", "c"], n)
    y = rng.integers(0, 2, n)
    uplift = rng.standard_normal((n, 2))
    got = weighted_average_uplift(y, uplift, treatment, bins=4, control="b")
    for j, group in enumerate(["a", "c"]):
        rows = np.isin(treatment, ["b", group])
        expected = weighted_average_uplift(
            y[rows], uplift[rows, j], (treatment[rows] == group).astype(int), bins=4
        )
        assert_allclose(got[j], expected, rtol=1e-12)


# ---------------------------------------------------- treatment balance curve


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("winsize", [1, 10, 57, 400])
def test_treatment_balance_curve_matches_sklift(
    global_random_seed, sklift_metrics, winsize
):
    _, uplift, treatment = _data(global_random_seed)
    got = treatment_balance_curve(uplift, treatment, winsize)
    ref = sklift_metrics.treatment_balance_curve(uplift, treatment, winsize)
    assert_allclose(got[0], ref[0])
    assert_allclose(got[1], ref[1], rtol=1e-12, atol=1e-12)


def test_treatment_balance_curve_ties(global_random_seed):
    _, uplift, treatment = _tied_data(global_random_seed)
    expected = np.mean(
        [
            np.convolve(treatment[order], np.ones(3), "valid") / 3
            for order in _orderings(uplift)
        ],
        axis=0,
    )
    _, got = treatment_balance_curve(uplift, treatment, 3)
    assert_allclose(got, expected, rtol=1e-12)
    perm = np.random.default_rng(global_random_seed).permutation(len(uplift))
    assert_array_equal(
        treatment_balance_curve(uplift[perm], treatment[perm], 3)[1], got
    )


def test_treatment_balance_curve_validation():
    with pytest.raises(ValueError, match="winsize=5 exceeds"):
        treatment_balance_curve([1, 2, 3, 4], [1, 0, 1, 0], 5)
    with pytest.raises(ValueError, match="same number of samples"):
        treatment_balance_curve([1, 2, 3], [1, 0, 1, 0], 2)
    with pytest.raises(ValueError, match="one treatment group with control"):
        treatment_balance_curve([1, 2, 3, 4], [1, 0, 2, 0], 2)
    with pytest.raises(ValueError, match="uplift contains NaN"):
        treatment_balance_curve([1, np.nan, 3, 4], [1, 0, 1, 0], 2)
