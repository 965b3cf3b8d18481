# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
==================================
Naive Bayes: skml and scikit-learn
==================================

The four naive Bayes classifiers of :mod:`skml.naive_bayes` at work:
:class:`skml.naive_bayes.GaussianNB` on continuous features, next to
scikit-learn's; :class:`skml.naive_bayes.MultinomialNB`,
:class:`skml.naive_bayes.ComplementNB` and :class:`skml.naive_bayes.BernoulliNB`
on a sparse matrix of word counts; learning in batches with ``partial_fit``; and
how well the Gaussian model's probabilities are calibrated.
"""

# %%
# Gaussian naive Bayes on iris and digits
# ---------------------------------------
#
# Both libraries estimate the same per-class means and variances, so they make
# the same predictions and give the same probabilities, up to rounding.

import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
import sklearn.naive_bayes
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import train_test_split

from skml.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB

for name, loader in [("iris", load_iris), ("digits", load_digits)]:
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    ours = GaussianNB().fit(X_train, y_train)
    theirs = sklearn.naive_bayes.GaussianNB().fit(X_train, y_train)
    difference = np.abs(ours.predict_proba(X_test) - theirs.predict_proba(X_test))
    print(
        f"{name:>6}: test accuracy skml {ours.score(X_test, y_test):.3f}, "
        f"scikit-learn {theirs.score(X_test, y_test):.3f}; "
        f"largest probability difference {difference.max():.1e}"
    )

# %%
# Count models on a sparse document-term matrix
# ---------------------------------------------
#
# We generate 20,000 short "documents" over a vocabulary of 5,000 words. Word
# frequencies follow Zipf's law, perturbed differently in each of four topics,
# and the topics are imbalanced: 60%, 25%, 10% and 5% of the documents. The
# counts are stored as a CSR matrix, which the count models use without ever
# densifying it.

rng = np.random.default_rng(0)
n_documents, n_words = 20_000, 5_000
topic_share = np.array([0.6, 0.25, 0.1, 0.05])
zipf = 1.0 / np.arange(1, n_words + 1) ** 1.1
word_probability = zipf * np.exp(0.35 * rng.standard_normal((4, n_words)))
word_probability /= word_probability.sum(axis=1, keepdims=True)

topic = rng.choice(4, size=n_documents, p=topic_share)
length = rng.poisson(20, size=n_documents) + 1
rows, columns = [], []
for k in range(4):
    documents = np.flatnonzero(topic == k)
    rows.append(np.repeat(documents, length[documents]))
    columns.append(
        rng.choice(n_words, size=length[documents].sum(), p=word_probability[k])
    )
rows, columns = np.concatenate(rows), np.concatenate(columns)
counts = sp.csr_matrix(
    (np.ones(rows.size), (rows, columns)), shape=(n_documents, n_words)
)
counts.sum_duplicates()
print(f"{counts.shape[0]} x {counts.shape[1]} counts, {counts.nnz} stored values")

X_train, X_test, y_train, y_test = train_test_split(
    counts, topic, test_size=0.25, stratify=topic, random_state=0
)

# %%
# The multinomial model has the best accuracy, but it favours the frequent
# topics. The complement model estimates each topic's weights from the documents
# of the *other* topics, which evens out the amount of data behind each topic:
# it gives up some accuracy for a better balanced accuracy (the mean recall over
# topics). The Bernoulli model only sees which words occur. scikit-learn's
# classes give the same numbers.

for Model in [MultinomialNB, ComplementNB, BernoulliNB]:
    ours = Model().fit(X_train, y_train)
    theirs = getattr(sklearn.naive_bayes, Model.__name__)().fit(X_train, y_train)
    predicted = ours.predict(X_test)
    difference = np.abs(ours.predict_proba(X_test) - theirs.predict_proba(X_test))
    print(
        f"{Model.__name__:>13}: accuracy {accuracy_score(y_test, predicted):.3f}, "
        f"balanced accuracy {balanced_accuracy_score(y_test, predicted):.3f}; "
        f"largest probability difference from scikit-learn {difference.max():.1e}"
    )

# %%
# Learning in batches with ``partial_fit``
# ----------------------------------------
#
# A data set too large for memory can be streamed: ``partial_fit`` adds one
# batch to the model. The first call lists every topic through ``classes``,
# since the first batches may miss some. Here we feed the training documents in
# 30 batches and score the test set after each one.

n_batches = 30
batches = np.array_split(np.arange(X_train.shape[0]), n_batches)
streamed = {"MultinomialNB": MultinomialNB(), "ComplementNB": ComplementNB()}
seen, scores = [], {name: [] for name in streamed}
for batch in batches:
    for name, model in streamed.items():
        model.partial_fit(X_train[batch], y_train[batch], classes=[0, 1, 2, 3])
        scores[name].append(balanced_accuracy_score(y_test, model.predict(X_test)))
    seen.append(batch[-1] + 1)

fig, ax = plt.subplots(figsize=(6, 4))
for name, values in scores.items():
    ax.plot(seen, values, marker=".", label=name)
ax.set_xscale("log")
ax.set_xlabel("training documents seen")
ax.set_ylabel("balanced accuracy on the test set")
ax.set_title("Naive Bayes learning in batches")
ax.legend()
fig.tight_layout()

# %%
# The batches are merged exactly: after the last one, the streamed model holds
# the same counts, and gives the same probabilities, as one ``fit`` on all the
# training documents.

full = MultinomialNB().fit(X_train, y_train)
streamed_model = streamed["MultinomialNB"]
same_counts = np.allclose(streamed_model.feature_count_, full.feature_count_)
difference = np.abs(streamed_model.predict_proba(X_test) - full.predict_proba(X_test))
print(
    f"same feature counts: {same_counts}; "
    f"largest probability difference: {difference.max():.1e}"
)

# %%
# Calibration of the Gaussian model
# ---------------------------------
#
# Naive Bayes multiplies the evidence of every feature as if it were
# independent. With correlated (here: redundant) features the same evidence is
# counted several times, and the probabilities are pushed towards 0 and 1. A
# reliability diagram shows it: the curve is flatter than the diagonal, so a
# sample given a probability near 1 is positive much less often than that, and
# one given a probability near 0 much more often. Both libraries draw the same
# curve. ``sklearn.calibration.CalibratedClassifierCV`` can correct it.

X, y = make_classification(
    n_samples=20_000,
    n_features=20,
    n_informative=3,
    n_redundant=10,
    n_clusters_per_class=1,
    class_sep=0.5,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

fig, ax = plt.subplots(figsize=(5, 5))
ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly calibrated")
for label, model, style in [
    ("skml GaussianNB", GaussianNB(), {"marker": "o"}),
    ("scikit-learn GaussianNB", sklearn.naive_bayes.GaussianNB(), {"marker": "x"}),
]:
    proba = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]
    fraction, mean_predicted = calibration_curve(y_test, proba, n_bins=10)
    ax.plot(mean_predicted, fraction, label=label, **style)
ax.set_xlabel("mean predicted probability")
ax.set_ylabel("fraction of positives")
ax.set_title("Reliability diagram")
ax.legend()
fig.tight_layout()
plt.show()
