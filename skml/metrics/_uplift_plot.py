# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Plots of uplift models: uplift and Qini curves, uplift by percentile.

matplotlib is imported when a plot is drawn, not when skml.metrics is.
"""

from numbers import Integral

import numpy as np

from skml.metrics._uplift import uplift_by_percentile, weighted_average_uplift
from skml.metrics._uplift_curves import (
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    uplift_auc_score,
    uplift_curve,
)
from skml.utils._sklearn import Interval, StrOptions, validate_params

__all__ = ["QiniCurveDisplay", "UpliftCurveDisplay", "plot_uplift_by_percentile"]


def _pyplot(caller):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f'{caller} requires matplotlib: pip install "skml[plot]".'
        ) from exc
    return plt


def _predict_uplift(estimator, X):
    uplift = np.asarray(estimator.predict(X))
    if uplift.ndim == 2 and uplift.shape[1] == 1:
        uplift = uplift[:, 0]
    if uplift.ndim != 1:
        raise ValueError(
            "the curves compare one treatment group with control; the estimator "
            f"predicts uplift of shape {uplift.shape} (several treatment groups): "
            "plot one column with from_predictions on the rows of that group and "
            "of control."
        )
    return uplift


class _CurveDisplay:
    """Shared plotting of an uplift-type curve, its random line and perfect curve."""

    _title = ""
    _ylabel = ""
    _score_name = ""

    def __init__(
        self,
        *,
        num_all,
        curve_values,
        perfect_num_all=None,
        perfect_curve_values=None,
        auc_score=None,
        name=None,
    ):
        self.num_all = num_all
        self.curve_values = curve_values
        self.perfect_num_all = perfect_num_all
        self.perfect_curve_values = perfect_curve_values
        self.auc_score = auc_score
        self.name = name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        random=True,
        perfect=True,
        random_kw=None,
        perfect_kw=None,
        **kwargs,
    ):
        """Plot the curve, the random line and the perfect curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.

        name : str, default=None
            Label of the model's curve; ``None`` uses ``self.name``.

        random : bool, default=True
            Draw the random-targeting line, from (0, 0) to the curve's end.

        perfect : bool, default=True
            Draw the perfect curve, when the display holds one.

        random_kw : dict, default=None
            Keyword arguments of matplotlib's ``plot`` for the random line.

        perfect_kw : dict, default=None
            Keyword arguments of matplotlib's ``plot`` for the perfect curve.

        **kwargs : dict
            Keyword arguments of matplotlib's ``plot`` for the model's curve.

        Returns
        -------
        display : UpliftCurveDisplay or QiniCurveDisplay
            This object, with the matplotlib artists stored: ``line_``,
            ``random_line_`` and ``perfect_line_`` (``None`` when not drawn),
            ``ax_`` and ``figure_``.
        """
        plt = _pyplot(f"{type(self).__name__}.plot")
        if ax is None:
            _, ax = plt.subplots()
        name = self.name if name is None else name
        label = name
        if self.auc_score is not None:
            score = f"{self._score_name} = {self.auc_score:0.3f}"
            label = score if name is None else f"{name} ({score})"
        line_kw = {"label": label, **kwargs}
        x = np.asarray(self.num_all)
        y = np.asarray(self.curve_values, dtype=np.float64)
        (self.line_,) = ax.plot(x, y, **line_kw)
        self.random_line_ = None
        if random:
            random_kw = {
                "label": "random",
                "color": "grey",
                "linestyle": "--",
                **(random_kw or {}),
            }
            (self.random_line_,) = ax.plot([0, x[-1]], [0.0, y[-1]], **random_kw)
        self.perfect_line_ = None
        if perfect and self.perfect_num_all is not None:
            perfect_kw = {
                "label": "perfect",
                "color": "black",
                "linestyle": ":",
                **(perfect_kw or {}),
            }
            (self.perfect_line_,) = ax.plot(
                self.perfect_num_all, self.perfect_curve_values, **perfect_kw
            )
        ax.set_xlabel("number targeted")
        ax.set_ylabel(self._ylabel)
        ax.set_title(self._title)
        ax.legend(loc="best")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


class UpliftCurveDisplay(_CurveDisplay):
    """Uplift curve of a model, with the random line and the perfect curve.

    Build it with :meth:`from_estimator` or :meth:`from_predictions` (or from
    precomputed curves) and draw it with :meth:`plot`. Needs matplotlib.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    num_all : ndarray of shape (n_points,)
        Number of rows targeted, as returned by :func:`uplift_curve`.

    curve_values : ndarray of shape (n_points,)
        Uplift curve at each ``num_all``.

    perfect_num_all : ndarray, default=None
        Number targeted of the perfect curve (:func:`perfect_uplift_curve`);
        ``None`` draws no perfect curve.

    perfect_curve_values : ndarray, default=None
        Values of the perfect curve.

    auc_score : float, default=None
        Normalised area (:func:`uplift_auc_score`) shown in the legend.

    name : str, default=None
        Label of the curve.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The model's curve.

    random_line_ : matplotlib Line2D or None
        The random-targeting line.

    perfect_line_ : matplotlib Line2D or None
        The perfect curve.

    ax_ : matplotlib Axes
        Axes with the plot.

    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    QiniCurveDisplay : The same plot for the Qini curve.
    uplift_curve : Compute the plotted curve.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skml.metrics import UpliftCurveDisplay
    >>> y, treatment = [1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0]
    >>> display = UpliftCurveDisplay.from_predictions(
    ...     y, [3, 1, 2, 0, 5, 4], treatment, name="model")
    >>> display.line_.get_label()
    'model (uplift AUC = 0.460)'
    """

    _title = "Uplift curve"
    _ylabel = "uplift x number targeted"
    _score_name = "uplift AUC"

    @classmethod
    def from_predictions(
        cls,
        y_true,
        uplift,
        treatment,
        *,
        control=0,
        sample_weight=None,
        perfect=True,
        random=True,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot the uplift curve of predicted uplift.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Observed outcomes.

        uplift : array-like of shape (n_samples,)
            Predicted uplift of each row.

        treatment : array-like of shape (n_samples,)
            Group label of each row: ``control`` for the control group, one
            other label for the treatment group.

        control : object, default=0
            Label of the control group in ``treatment``.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        perfect : bool, default=True
            Draw the perfect curve (binary outcomes only). The legend shows
            the normalised area for binary outcomes either way.

        random : bool, default=True
            Draw the random-targeting line.

        name : str, default=None
            Label of the model's curve.

        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.

        **kwargs : dict
            Keyword arguments of matplotlib's ``plot`` for the model's curve.

        Returns
        -------
        display : UpliftCurveDisplay
            The plotted display.
        """
        common = {"control": control, "sample_weight": sample_weight}
        num_all, values = uplift_curve(y_true, uplift, treatment, **common)
        perfect_curve, auc_score = (None, None), None
        # The perfect curve, hence the normalised area, needs binary outcomes;
        # with perfect=True perfect_uplift_curve says so.
        if perfect or np.isin(np.asarray(y_true, dtype=np.float64), (0, 1)).all():
            perfect_curve = perfect_uplift_curve(y_true, treatment, **common)
            auc_score = uplift_auc_score(y_true, uplift, treatment, **common)
        display = cls(
            num_all=num_all,
            curve_values=values,
            perfect_num_all=perfect_curve[0],
            perfect_curve_values=perfect_curve[1],
            auc_score=auc_score,
            name=name,
        )
        return display.plot(ax=ax, random=random, perfect=perfect, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        treatment,
        *,
        control=0,
        sample_weight=None,
        perfect=True,
        random=True,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot the uplift curve of a fitted uplift estimator.

        Parameters
        ----------
        estimator : estimator instance
            Fitted uplift model whose ``predict(X)`` returns the uplift.

        X : array-like of shape (n_samples, n_features)
            Input samples.

        y : array-like of shape (n_samples,)
            Observed outcomes.

        treatment : array-like of shape (n_samples,)
            Group label of each row: ``control`` for the control group, one
            other label for the treatment group.

        control : object, default=0
            Label of the control group in ``treatment``.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        perfect : bool, default=True
            Draw the perfect curve (binary outcomes only).

        random : bool, default=True
            Draw the random-targeting line.

        name : str, default=None
            Label of the curve; ``None`` uses the estimator's class name.

        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.

        **kwargs : dict
            Keyword arguments of matplotlib's ``plot`` for the model's curve.

        Returns
        -------
        display : UpliftCurveDisplay
            The plotted display.
        """
        return cls.from_predictions(
            y,
            _predict_uplift(estimator, X),
            treatment,
            control=control,
            sample_weight=sample_weight,
            perfect=perfect,
            random=random,
            name=type(estimator).__name__ if name is None else name,
            ax=ax,
            **kwargs,
        )


class QiniCurveDisplay(_CurveDisplay):
    """Qini curve of a model, with the random line and the perfect curve.

    Build it with :meth:`from_estimator` or :meth:`from_predictions` (or from
    precomputed curves) and draw it with :meth:`plot`. Needs matplotlib.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    num_all : ndarray of shape (n_points,)
        Number of rows targeted, as returned by :func:`qini_curve`.

    curve_values : ndarray of shape (n_points,)
        Qini curve at each ``num_all``.

    perfect_num_all : ndarray, default=None
        Number targeted of the perfect curve (:func:`perfect_qini_curve`);
        ``None`` draws no perfect curve.

    perfect_curve_values : ndarray, default=None
        Values of the perfect curve.

    auc_score : float, default=None
        Normalised area (:func:`qini_auc_score`) shown in the legend.

    name : str, default=None
        Label of the curve.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The model's curve.

    random_line_ : matplotlib Line2D or None
        The random-targeting line.

    perfect_line_ : matplotlib Line2D or None
        The perfect curve.

    ax_ : matplotlib Axes
        Axes with the plot.

    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    UpliftCurveDisplay : The same plot for the uplift curve.
    qini_curve : Compute the plotted curve.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skml.metrics import QiniCurveDisplay
    >>> y, treatment = [1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0]
    >>> display = QiniCurveDisplay.from_predictions(
    ...     y, [3, 1, 2, 0, 5, 4], treatment, name="model")
    >>> display.line_.get_label()
    'model (Qini AUC = 0.462)'
    """

    _title = "Qini curve"
    _ylabel = "incremental outcomes"
    _score_name = "Qini AUC"

    @classmethod
    def from_predictions(
        cls,
        y_true,
        uplift,
        treatment,
        *,
        negative_effect=True,
        control=0,
        sample_weight=None,
        perfect=True,
        random=True,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot the Qini curve of predicted uplift.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Observed outcomes.

        uplift : array-like of shape (n_samples,)
            Predicted uplift of each row.

        treatment : array-like of shape (n_samples,)
            Group label of each row: ``control`` for the control group, one
            other label for the treatment group.

        negative_effect : bool, default=True
            Whether the perfect curve meets the negative effects, see
            :func:`perfect_qini_curve`.

        control : object, default=0
            Label of the control group in ``treatment``.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        perfect : bool, default=True
            Draw the perfect curve. The legend shows the normalised area either
            way.

        random : bool, default=True
            Draw the random-targeting line.

        name : str, default=None
            Label of the model's curve.

        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.

        **kwargs : dict
            Keyword arguments of matplotlib's ``plot`` for the model's curve.

        Returns
        -------
        display : QiniCurveDisplay
            The plotted display.
        """
        common = {"control": control, "sample_weight": sample_weight}
        num_all, values = qini_curve(y_true, uplift, treatment, **common)
        perfect_curve = perfect_qini_curve(y_true, treatment, negative_effect, **common)
        auc_score = qini_auc_score(y_true, uplift, treatment, negative_effect, **common)
        display = cls(
            num_all=num_all,
            curve_values=values,
            perfect_num_all=perfect_curve[0],
            perfect_curve_values=perfect_curve[1],
            auc_score=auc_score,
            name=name,
        )
        return display.plot(ax=ax, random=random, perfect=perfect, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        treatment,
        *,
        negative_effect=True,
        control=0,
        sample_weight=None,
        perfect=True,
        random=True,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot the Qini curve of a fitted uplift estimator.

        Parameters
        ----------
        estimator : estimator instance
            Fitted uplift model whose ``predict(X)`` returns the uplift.

        X : array-like of shape (n_samples, n_features)
            Input samples.

        y : array-like of shape (n_samples,)
            Observed outcomes.

        treatment : array-like of shape (n_samples,)
            Group label of each row: ``control`` for the control group, one
            other label for the treatment group.

        negative_effect : bool, default=True
            Whether the perfect curve meets the negative effects.

        control : object, default=0
            Label of the control group in ``treatment``.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        perfect : bool, default=True
            Draw the perfect curve.

        random : bool, default=True
            Draw the random-targeting line.

        name : str, default=None
            Label of the curve; ``None`` uses the estimator's class name.

        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.

        **kwargs : dict
            Keyword arguments of matplotlib's ``plot`` for the model's curve.

        Returns
        -------
        display : QiniCurveDisplay
            The plotted display.
        """
        return cls.from_predictions(
            y,
            _predict_uplift(estimator, X),
            treatment,
            negative_effect=negative_effect,
            control=control,
            sample_weight=sample_weight,
            perfect=perfect,
            random=random,
            name=type(estimator).__name__ if name is None else name,
            ax=ax,
            **kwargs,
        )


@validate_params(
    {
        "y_true": ["array-like"],
        "uplift": ["array-like"],
        "treatment": ["array-like"],
        "strategy": [StrOptions({"overall", "by_group"})],
        "bins": [Interval(Integral, 1, None, closed="left")],
        "std": ["boolean"],
        "control": "no_validation",
        "ax": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def plot_uplift_by_percentile(
    y_true,
    uplift,
    treatment,
    *,
    strategy="overall",
    bins=10,
    std=True,
    control=0,
    ax=None,
):
    """Bar plot of the response rates and the uplift in each percentile bin.

    For each bin of :func:`uplift_by_percentile`, three bars: the treated and
    control response rates and the uplift (with standard errors when ``std``),
    and the weighted average uplift in the title. Needs matplotlib.

    Read more in the :ref:`User Guide <uplift_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed outcomes.

    uplift : array-like of shape (n_samples,)
        Predicted uplift of each row.

    treatment : array-like of shape (n_samples,)
        Group label of each row: ``control`` for the control group, one other
        label for the treatment group.

    strategy : {"overall", "by_group"}, default="overall"
        How the bins are made, see :func:`uplift_by_percentile`.

    bins : int, default=10
        Number of bins.

    std : bool, default=True
        Draw the standard errors as error bars.

    control : object, default=0
        Label of the control group in ``treatment``.

    ax : matplotlib Axes, default=None
        Axes to draw on; ``None`` creates a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes with the plot: one bar per bin for the treated response
        rate, then one per bin for the control rate, then for the uplift
        (``ax.patches`` in that order).

    See Also
    --------
    uplift_by_percentile : The plotted table.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skml.metrics import plot_uplift_by_percentile
    >>> y, treatment = [1, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 0]
    >>> ax = plot_uplift_by_percentile(y, [6, 5, 4, 3, 2, 1], treatment, bins=3)
    >>> ax.get_title()
    'Uplift by percentile (weighted average uplift = 0.6667)'
    """
    table = uplift_by_percentile(
        y_true,
        uplift,
        treatment,
        strategy=strategy,
        bins=bins,
        std=True,
        control=control,
    )
    average = weighted_average_uplift(
        y_true, uplift, treatment, strategy=strategy, bins=bins, control=control
    )
    plt = _pyplot("plot_uplift_by_percentile")
    if ax is None:
        _, ax = plt.subplots()
    index = table["percentile"] if isinstance(table, dict) else table.index
    labels = [str(label) for label in index]
    positions = np.arange(len(labels))
    width = 0.27
    bars = (
        ("response_rate_treatment", "std_treatment", "treatment response rate"),
        ("response_rate_control", "std_control", "control response rate"),
        ("uplift", "std_uplift", "uplift"),
    )
    for j, (column, std_column, label) in enumerate(bars):
        heights = np.asarray(table[column], dtype=np.float64)
        errors = np.asarray(table[std_column], dtype=np.float64) if std else None
        ax.bar(
            positions + (j - 1) * width,
            heights,
            width,
            yerr=errors,
            label=label,
            capsize=2,
        )
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(positions)
    ax.set_xticklabels(labels, rotation=45)
    ax.set_xlabel("percentile of predicted uplift")
    ax.set_ylabel("mean outcome")
    ax.set_title(f"Uplift by percentile (weighted average uplift = {average:.4f})")
    ax.legend(loc="best")
    return ax
