# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Naive Bayes classifiers.

Supervised learning methods that apply Bayes' theorem with the "naive"
assumption that the features are independent given the class.
"""

from skml.naive_bayes._discrete import BernoulliNB, ComplementNB, MultinomialNB
from skml.naive_bayes._gaussian import GaussianNB

__all__ = ["BernoulliNB", "ComplementNB", "GaussianNB", "MultinomialNB"]
