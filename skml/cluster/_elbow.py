# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The elbow method: inertia as a function of the number of clusters."""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch

from skml.cluster._kmeans import KMeans
from skml.utils._sklearn import StrOptions, validate_params


def _kneedle(k_values, inertias):
    """The k farthest below the chord joining the first and last points.

    Both axes are rescaled to [0, 1]; the elbow is the point of largest
    distance to the straight line between the end points of the curve
    (the "kneedle" rule). ``None`` for fewer than three points or a flat curve.
    """
    k = np.asarray(k_values, dtype=np.float64)
    y = np.asarray(inertias, dtype=np.float64)
    if k.shape[0] < 3 or k[-1] == k[0] or y.max() == y.min():
        return None
    x = (k - k[0]) / (k[-1] - k[0])
    y = (y - y.min()) / (y.max() - y.min())
    # Distance to the line through (0, y[0]) and (1, y[-1]), up to a constant.
    distance = np.abs((y[-1] - y[0]) * x - y + y[0])
    return int(k_values[int(np.argmax(distance))])


@validate_params(
    {
        "X": ["array-like"],
        "k_range": ["array-like"],
        "sample_weight": ["array-like", None],
        "random_state": ["random_state"],
        "n_init": [StrOptions({"auto"}), Integral],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
    },
    prefer_skip_nested_validation=True,
)
def elbow_curve(
    X,
    k_range,
    *,
    sample_weight=None,
    random_state=None,
    n_init="auto",
    algorithm="lloyd",
):
    """Inertia of k-means for each number of clusters in ``k_range``.

    Fits one :class:`KMeans` per value of ``k`` (with the given
    ``random_state``, ``n_init`` and ``algorithm``) and records its inertia.
    Plot it with :class:`ElbowDisplay`.

    Read more in the :ref:`User Guide <elbow>`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training samples.

    k_range : array-like of int
        Numbers of clusters to try, each at least 1 and at most ``n_samples``,
        in increasing order.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the samples; ``None`` means unit weights.

    random_state : int, RandomState instance or None, default=None
        Seed of each fit's initialisation. An int gives every fit the same
        seed; a RandomState instance is shared by the fits in turn.

    n_init : "auto" or int, default="auto"
        Number of runs of each fit, see :class:`KMeans`.

    algorithm : {"lloyd", "elkan"}, default="lloyd"
        K-means algorithm, see :class:`KMeans`.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With keys ``k_values`` (ndarray of int, the values of ``k``),
        ``inertias`` (ndarray of float, ``inertia_`` of each fit) and ``elbow``
        (the elbow estimate: the ``k`` whose point lies farthest from the
        chord joining the first and last points once both axes are scaled to
        [0, 1], the "kneedle" rule; ``None`` for fewer than three values).

    See Also
    --------
    ElbowDisplay : Plot the curve and its elbow.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skml.cluster import elbow_curve
    >>> X, _ = make_blobs(n_samples=300, centers=3, cluster_std=0.5,
    ...                   center_box=(-20, 20), random_state=0)
    >>> result = elbow_curve(X, range(1, 9), random_state=0)
    >>> result.elbow
    3
    """
    k_values = np.asarray(k_range)
    if k_values.ndim != 1 or k_values.shape[0] == 0:
        raise ValueError("k_range must be a non-empty 1-D sequence of integers.")
    if not np.issubdtype(k_values.dtype, np.integer):
        raise ValueError(f"k_range must contain integers; got {k_values.dtype}.")
    if np.any(k_values < 1) or np.any(np.diff(k_values) <= 0):
        raise ValueError("k_range must be increasing integers of at least 1.")
    inertias = np.empty(k_values.shape[0])
    for i, k in enumerate(k_values):
        model = KMeans(
            n_clusters=int(k),
            n_init=n_init,
            random_state=random_state,
            algorithm=algorithm,
        )
        inertias[i] = model.fit(X, sample_weight=sample_weight).inertia_
    return Bunch(
        k_values=k_values, inertias=inertias, elbow=_kneedle(k_values, inertias)
    )


class ElbowDisplay:
    """Elbow plot: k-means inertia against the number of clusters.

    Marks the elbow estimate (see :func:`elbow_curve` for the rule). Build it
    from precomputed values or with :meth:`from_data`. Needs matplotlib.

    Read more in the :ref:`User Guide <elbow>`.

    Parameters
    ----------
    k_values : array-like of int
        Numbers of clusters.

    inertias : array-like of float
        Inertia for each number of clusters.

    elbow : int, default=None
        The ``k`` to mark; ``None`` computes it with the kneedle rule.

    Attributes
    ----------
    elbow_ : int or None
        The marked ``k`` (``None`` when there is no elbow to mark).

    line_ : matplotlib Line2D
        The inertia curve.

    ax_ : matplotlib Axes
        Axes with the plot.

    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    elbow_curve : Compute the values plotted here.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skml.cluster import ElbowDisplay
    >>> display = ElbowDisplay([1, 2, 3, 4, 5], [100.0, 40.0, 15.0, 12.0, 10.0])
    >>> display.plot().elbow_
    3
    """

    def __init__(self, k_values, inertias, *, elbow=None):
        self.k_values = k_values
        self.inertias = inertias
        self.elbow = elbow

    def plot(self, ax=None, *, name=None, **kwargs):
        """Plot the curve and mark the elbow.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.

        name : str, default=None
            Label of the curve in the legend.

        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot``.

        Returns
        -------
        display : ElbowDisplay
            This object, with the matplotlib artists stored.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        k_values = np.asarray(self.k_values)
        inertias = np.asarray(self.inertias, dtype=np.float64)
        elbow = self.elbow
        if elbow is None:
            elbow = _kneedle(k_values, inertias)
        kwargs.setdefault("marker", "o")
        (self.line_,) = ax.plot(k_values, inertias, label=name, **kwargs)
        if elbow is not None:
            ax.axvline(elbow, color="grey", linestyle="--", label=f"elbow: k={elbow}")
        ax.set_xlabel("number of clusters k")
        ax.set_ylabel("inertia")
        ax.legend()
        self.elbow_ = elbow
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_data(
        cls,
        X,
        k_range,
        *,
        sample_weight=None,
        random_state=None,
        n_init="auto",
        algorithm="lloyd",
        ax=None,
        name=None,
        **kwargs,
    ):
        """Fit k-means for each ``k`` in ``k_range`` and plot the elbow curve.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.

        k_range : array-like of int
            Numbers of clusters to try, increasing.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        random_state : int, RandomState instance or None, default=None
            Seed of each fit's initialisation.

        n_init : "auto" or int, default="auto"
            Number of runs of each fit.

        algorithm : {"lloyd", "elkan"}, default="lloyd"
            K-means algorithm.

        ax : matplotlib Axes, default=None
            Axes to draw on; ``None`` creates a new figure.

        name : str, default=None
            Label of the curve in the legend.

        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot``.

        Returns
        -------
        display : ElbowDisplay
            The plotted display.
        """
        result = elbow_curve(
            X,
            k_range,
            sample_weight=sample_weight,
            random_state=random_state,
            n_init=n_init,
            algorithm=algorithm,
        )
        display = cls(result.k_values, result.inertias, elbow=result.elbow)
        return display.plot(ax=ax, name=name, **kwargs)
