# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""UpliftCurveDisplay, QiniCurveDisplay and plot_uplift_by_percentile: the drawn
data are the metric functions' output."""

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator

from skml.metrics import (
    QiniCurveDisplay,
    UpliftCurveDisplay,
    perfect_qini_curve,
    perfect_uplift_curve,
    plot_uplift_by_percentile,
    qini_auc_score,
    qini_curve,
    uplift_auc_score,
    uplift_by_percentile,
    uplift_curve,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

DISPLAYS = [
    (UpliftCurveDisplay, uplift_curve, perfect_uplift_curve, uplift_auc_score),
    (QiniCurveDisplay, qini_curve, perfect_qini_curve, qini_auc_score),
]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class ColumnModel(BaseEstimator):
    """predict(X) returns the first column of X: a fixed uplift model."""

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


def _data(seed, n=200):
    rng = np.random.default_rng(seed)
    treatment = rng.integers(0, 2, n)
    uplift = rng.standard_normal(n)
    y = (rng.random(n) < 0.3 + 0.2 * treatment * (uplift > 0)).astype(int)
    return y, uplift, treatment


@pytest.mark.parametrize("display_cls, curve, perfect, score", DISPLAYS)
def test_display_from_predictions_draws_the_curves(
    global_random_seed, display_cls, curve, perfect, score
):
    y, uplift, treatment = _data(global_random_seed)
    display = display_cls.from_predictions(y, uplift, treatment, name="model")
    x, values = curve(y, uplift, treatment)
    assert_allclose(display.line_.get_xdata(), x)
    assert_allclose(display.line_.get_ydata(), values)
    x_p, values_p = perfect(y, treatment)
    assert_allclose(display.perfect_line_.get_xdata(), x_p)
    assert_allclose(display.perfect_line_.get_ydata(), values_p)
    assert_allclose(display.random_line_.get_xdata(), [0, len(y)])
    assert_allclose(display.random_line_.get_ydata(), [0, values[-1]])
    assert display.auc_score == pytest.approx(score(y, uplift, treatment))
    assert display.line_.get_label().startswith("model (")
    assert f"{display.auc_score:0.3f}" in display.line_.get_label()
    assert display.ax_.figure is display.figure_
    assert len(display.ax_.get_legend().get_texts()) == 3


@pytest.mark.parametrize("display_cls, curve, perfect, score", DISPLAYS)
def test_display_from_estimator(global_random_seed, display_cls, curve, perfect, score):
    y, uplift, treatment = _data(global_random_seed)
    X = np.column_stack([uplift, np.zeros_like(uplift)])
    _, ax = plt.subplots()
    display = display_cls.from_estimator(
        ColumnModel().fit(X), X, y, treatment, ax=ax, perfect=False, color="red"
    )
    assert display.ax_ is ax
    assert display.perfect_line_ is None
    assert display.auc_score == pytest.approx(score(y, uplift, treatment))
    assert display.line_.get_label().startswith("ColumnModel (")
    assert display.line_.get_color() == "red"
    x, values = curve(y, uplift, treatment)
    assert_allclose(display.line_.get_xydata(), np.column_stack([x, values]))


def test_display_options_and_weights(global_random_seed):
    y, uplift, treatment = _data(global_random_seed)
    w = np.random.default_rng(global_random_seed).random(len(y))
    display = QiniCurveDisplay.from_predictions(
        y,
        uplift,
        treatment,
        sample_weight=w,
        negative_effect=False,
        random=False,
        perfect_kw={"color": "green"},
    )
    assert display.random_line_ is None
    assert display.perfect_line_.get_color() == "green"
    x_p, values_p = perfect_qini_curve(y, treatment, False, sample_weight=w)
    assert_allclose(
        display.perfect_line_.get_xydata(), np.column_stack([x_p, values_p])
    )
    x, values = qini_curve(y, uplift, treatment, sample_weight=w)
    assert_allclose(display.line_.get_xydata(), np.column_stack([x, values]))


def test_uplift_display_continuous_outcomes(global_random_seed):
    y, uplift, treatment = _data(global_random_seed)
    y = y + np.random.default_rng(global_random_seed).standard_normal(len(y))
    display = UpliftCurveDisplay.from_predictions(y, uplift, treatment, perfect=False)
    assert display.auc_score is None and display.perfect_line_ is None
    assert_allclose(display.line_.get_ydata(), uplift_curve(y, uplift, treatment)[1])
    with pytest.raises(ValueError, match="binary outcomes only"):
        UpliftCurveDisplay.from_predictions(y, uplift, treatment)


def test_display_from_precomputed_values():
    display = UpliftCurveDisplay(num_all=[0, 1, 2], curve_values=[0.0, 1.0, 0.5])
    display.plot(name="precomputed")
    assert display.perfect_line_ is None
    assert display.line_.get_label() == "precomputed"


def test_display_needs_a_single_treatment_group():
    class TwoColumns(ColumnModel):
        def predict(self, X):
            return np.asarray(X)

    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="several treatment groups"):
        QiniCurveDisplay.from_estimator(TwoColumns(), X, [1, 0, 1, 0], [1, 2, 0, 0])


@pytest.mark.parametrize("strategy", ["overall", "by_group"])
def test_plot_uplift_by_percentile_bars(global_random_seed, strategy):
    pytest.importorskip("pandas")
    y, uplift, treatment = _data(global_random_seed)
    ax = plot_uplift_by_percentile(y, uplift, treatment, strategy=strategy, bins=5)
    table = uplift_by_percentile(y, uplift, treatment, strategy, 5, std=True)
    heights = np.array([patch.get_height() for patch in ax.patches]).reshape(3, 5)
    assert_allclose(heights[0], table["response_rate_treatment"])
    assert_allclose(heights[1], table["response_rate_control"])
    assert_allclose(heights[2], table["uplift"])
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert labels == list(table.index)


def test_matplotlib_missing_names_the_extra(global_random_seed, monkeypatch):
    y, uplift, treatment = _data(global_random_seed, n=40)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skml\[plot\]"'):
        UpliftCurveDisplay.from_predictions(y, uplift, treatment)
    with pytest.raises(ImportError, match=r'pip install "skml\[plot\]"'):
        plot_uplift_by_percentile(y, uplift, treatment, bins=2)
