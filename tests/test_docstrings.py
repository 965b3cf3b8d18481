# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""numpydoc validation of every public class, method and function in skml."""

import inspect

import pytest

from skml.utils.discovery import all_estimators, all_functions, public_modules

numpydoc_validation = pytest.importorskip("numpydoc.validate")

# Codes not enforced, with the reason:
# GL01/GL02: we open and close docstrings on the quote lines (scikit-learn style);
# ES01: not every object needs an extended summary;
# SA01/SA04: "See Also" is encouraged, not required, and may omit descriptions;
# RT02: numpydoc wants a type-only first Returns line, we name returned values.
IGNORED = {"GL01", "GL02", "ES01", "SA01", "SA04", "RT02"}
# Methods' usage is shown by the class Examples.
IGNORED_FOR_METHODS = IGNORED | {"EX01"}


def _public_classes():
    import importlib

    seen = {}  # an ordered set
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if name.startswith("_") or not obj.__module__.startswith("skml"):
                continue
            seen[obj] = None
    return sorted(seen, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _own_methods(cls):
    """Public methods and properties defined by skml (not inherited from sklearn)."""
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        func = member.fget if isinstance(member, property) else member
        if not callable(func) or not hasattr(func, "__module__"):
            continue
        if not (func.__module__ or "").startswith("skml"):
            continue
        # Skip what is inherited from another skml class: it is validated there.
        owner = next((k for k in cls.__mro__ if name in vars(k)), None)
        if owner is cls:
            yield name


def _targets():
    targets = []
    for cls in _public_classes():
        public_path = f"{cls.__module__}.{cls.__name__}"
        targets.append((public_path, IGNORED))
        targets.extend(
            (f"{public_path}.{method}", IGNORED_FOR_METHODS)
            for method in _own_methods(cls)
        )
    for _, func in all_functions():
        targets.append((f"{func.__module__}.{func.__qualname__}", IGNORED))
    return targets


def test_docstring_targets_are_found():
    names = {path.rsplit(".", 1)[-1] for path, _ in _targets()}
    assert {"GaussianNB", "PCA", "pairwise_distances", "show_versions"} <= names
    assert len({est for _, est in all_estimators()}) > 0


@pytest.mark.parametrize(
    "path, ignored", _targets(), ids=[path for path, _ in _targets()]
)
def test_docstring(path, ignored):
    result = numpydoc_validation.validate(path)
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in ignored
    ]
    assert not errors, f"{path}:\n" + "\n".join(errors)
