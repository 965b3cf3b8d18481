# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Probabilities for SVC: Platt sigmoids on cross-validated decisions, coupled.

The sigmoid fit is the Newton method with backtracking of Lin, Lin and Weng
(2007); pairwise probabilities are coupled by the second method of Wu, Lin and
Weng (2004). Both are how libsvm does it; written here from the papers.
"""

import numpy as np

from skml._distances import kernel_matrix

N_FOLDS = 5


def _objective(dec, t, A, B):
    f = dec * A + B
    return np.sum(np.where(f >= 0, t * f + np.log1p(np.exp(-np.abs(f))),
                           (t - 1) * f + np.log1p(np.exp(-np.abs(f)))))


def sigmoid_train(dec, label):
    """``(A, B)`` of ``P(label = +1 | f) = 1 / (1 + exp(A f + B))``."""
    n_pos = np.count_nonzero(label > 0)
    n_neg = label.shape[0] - n_pos
    t = np.where(label > 0, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    A, B = 0.0, np.log((n_neg + 1.0) / (n_pos + 1.0))
    fval = _objective(dec, t, A, B)
    for _ in range(100):
        f = dec * A + B
        e = np.exp(-np.abs(f))
        p = np.where(f >= 0, e / (1 + e), 1 / (1 + e))
        q = 1 - p
        d2 = p * q
        h11 = 1e-12 + np.dot(dec * dec, d2)
        h22 = 1e-12 + d2.sum()
        h21 = np.dot(dec, d2)
        d1 = t - p
        g1, g2 = np.dot(dec, d1), d1.sum()
        if abs(g1) < 1e-5 and abs(g2) < 1e-5:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        step = 1.0
        while step >= 1e-10:
            new_A, new_B = A + step * dA, B + step * dB
            new_f = _objective(dec, t, new_A, new_B)
            if new_f < fval + 1e-4 * step * gd:
                A, B, fval = new_A, new_B, new_f
                break
            step /= 2
        if step < 1e-10:
            break
    return A, B


def sigmoid_predict(dec, A, B):
    """``1 / (1 + exp(A dec + B))`` without overflow."""
    f = dec * A + B
    e = np.exp(-np.abs(f))
    return np.where(f >= 0, e / (1 + e), 1 / (1 + e))


def _pair_decision(svm, prob, train, test, alpha, rho):
    """Decision values (libsvm sign) of the test rows of one pair problem."""
    X, K, rows, ysub = prob[0], prob[1], prob[2], prob[3]
    sv = alpha > 0
    coef = (ysub[train] * alpha)[sv]
    sv_rows = rows[train][sv]
    if K is not None:
        Kb = K[np.ix_(rows[test], sv_rows)]
    else:
        Kb = kernel_matrix(
            np.ascontiguousarray(X[rows[test]]), np.ascontiguousarray(X[sv_rows]),
            kernel=svm.kernel, gamma=svm._gamma, degree=svm.degree,
            coef0=svm.coef0,
        )
    return Kb @ coef - rho


def platt_cv(svm, prob, rng):
    """``(A, B)`` of one pair problem, from 5-fold cross-validated decisions."""
    rows, ysub, C = prob[2], prob[3], prob[5]
    n = rows.shape[0]
    perm = rng.permutation(n)
    dec = np.empty(n)
    for fold in range(N_FOLDS):
        test = perm[fold * n // N_FOLDS:(fold + 1) * n // N_FOLDS]
        train = np.setdiff1d(perm, test, assume_unique=True)
        ytr = ysub[train]
        if np.all(ytr > 0) or np.all(ytr < 0):
            dec[test] = 1.0 if ytr[0] > 0 else -1.0
            continue
        alpha, rho, _, _ = svm._solve(
            prob[0], prob[1], rows[train], ytr, -np.ones(train.shape[0]), C[train],
            np.arange(train.shape[0]), 1,
        )
        dec[test] = _pair_decision(svm, prob, train, test, alpha, rho)
    return sigmoid_train(dec, ysub)


def pairwise_coupling(r, n_classes):
    """Class probabilities from pairwise ones (Wu, Lin and Weng, method 2).

    ``r[:, k]`` is P(first class | pair k) for the pairs in one-vs-one order.
    """
    n = r.shape[0]
    r = np.clip(r, 1e-7, 1 - 1e-7)
    R = np.zeros((n, n_classes, n_classes))
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            R[:, i, j] = r[:, k]
            R[:, j, i] = 1 - r[:, k]
            k += 1
    # Q[t, t] = sum_{j != t} r_jt^2, Q[t, j] = -r_jt r_tj
    Q = -np.transpose(R, (0, 2, 1)) * R
    idx = np.arange(n_classes)
    Q[:, idx, idx] = np.sum(R.transpose(0, 2, 1) ** 2, axis=2)
    p = np.full((n, n_classes), 1.0 / n_classes)
    eps = 0.005 / n_classes
    for _ in range(max(100, n_classes)):
        Qp = np.einsum("nij,nj->ni", Q, p)
        pQp = np.sum(p * Qp, axis=1)
        if np.max(np.abs(Qp - pQp[:, None])) < eps:
            break
        for t in range(n_classes):
            diff = (-Qp[:, t] + pQp) / Q[:, t, t]
            p[:, t] += diff
            pQp = (pQp + diff * (diff * Q[:, t, t] + 2 * Qp[:, t])) / (1 + diff) ** 2
            Qp = (Qp + diff[:, None] * Q[:, t, :]) / (1 + diff[:, None])
            p /= (1 + diff[:, None])
    return p
