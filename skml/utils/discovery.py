# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Find every public estimator and function in skml, so tests list nothing by hand."""

import importlib
import inspect
import pkgutil
from operator import itemgetter

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    RegressorMixin,
    TransformerMixin,
)

__all__ = ["all_estimators", "all_functions", "public_modules"]


def _type_filters():
    # Imported here, not at module level: ``import skml`` loads skml.utils, and
    # skml.uplift pulls in the compiled split core, which ``import skml`` must not.
    from skml.uplift._base import UpliftMixin

    return {
        "classifier": ClassifierMixin,
        "regressor": RegressorMixin,
        "transformer": TransformerMixin,
        "cluster": ClusterMixin,
        "uplift": UpliftMixin,
    }


def public_modules():
    """Return the names of skml's public modules.

    A module is public when no part of its dotted name starts with ``_`` and it is
    not a test or the guided tour.

    Returns
    -------
    names : list of str
        Sorted dotted module names, ``"skml"`` first.

    Examples
    --------
    >>> from skml.utils.discovery import public_modules
    >>> "skml.naive_bayes" in public_modules()
    True
    """
    import skml

    names = ["skml"]
    for info in pkgutil.walk_packages(skml.__path__, prefix="skml."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or "tests" in parts:
            continue
        names.append(info.name)
    return sorted(names)


def _public_members(predicate):
    seen = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name, obj in inspect.getmembers(module, predicate):
            if name.startswith("_") or not getattr(obj, "__module__", "").startswith(
                "skml"
            ):
                continue
            # Report each object once, under its shortest public path.
            seen.setdefault(obj, (name, obj))
    return sorted(seen.values(), key=itemgetter(0))


def all_estimators(type_filter=None):
    """Return every public skml estimator class.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", "cluster", "uplift"} \
            or list of such str, default=None
        Keep only estimators of these kinds; ``None`` keeps all.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name. Abstract classes are left out.

    Examples
    --------
    >>> from skml.utils import all_estimators
    >>> dict(all_estimators("transformer"))["PCA"]
    <class 'skml.decomposition._pca.PCA'>
    """

    def is_estimator(obj):
        return (
            inspect.isclass(obj)
            and issubclass(obj, BaseEstimator)
            and not inspect.isabstract(obj)
        )

    estimators = _public_members(is_estimator)
    if type_filter is None:
        return estimators
    filters = [type_filter] if isinstance(type_filter, str) else list(type_filter)
    type_filters = _type_filters()
    unknown = set(filters) - set(type_filters)
    if unknown:
        raise ValueError(
            f"type_filter must be among {sorted(type_filters)}; got {sorted(unknown)}."
        )
    return [
        (name, cls)
        for name, cls in estimators
        if any(issubclass(cls, type_filters[kind]) for kind in filters)
    ]


def all_functions():
    """Return every public skml function.

    Returns
    -------
    functions : list of (str, callable)
        ``(name, function)`` pairs sorted by name.

    Examples
    --------
    >>> from skml.utils import all_functions
    >>> "pairwise_distances" in dict(all_functions())
    True
    """
    return _public_members(inspect.isfunction)
