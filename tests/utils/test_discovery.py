# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
import pytest
from sklearn.base import ClassifierMixin, TransformerMixin

from skml.decomposition import PCA
from skml.utils import all_estimators, all_functions
from skml.utils.discovery import public_modules


def test_public_modules_skip_private_ones():
    modules = public_modules()
    assert "skml" in modules and "skml.naive_bayes" in modules
    assert not any(part.startswith("_") for m in modules for part in m.split("."))


def test_all_estimators_type_filter():
    classifiers = all_estimators("classifier")
    assert classifiers and all(issubclass(c, ClassifierMixin) for _, c in classifiers)
    transformers = all_estimators(["transformer"])
    assert ("PCA", PCA) in transformers
    assert all(issubclass(c, TransformerMixin) for _, c in transformers)


def test_all_estimators_lists_each_class_once_sorted():
    names = [name for name, _ in all_estimators()]
    assert names == sorted(names)
    assert len(names) == len(set(names))


def test_all_estimators_rejects_unknown_filter():
    with pytest.raises(ValueError, match="type_filter"):
        all_estimators("forest")


def test_all_functions_finds_public_functions():
    names = {name for name, _ in all_functions()}
    assert {"pairwise_distances", "show_versions", "all_estimators"} <= names
