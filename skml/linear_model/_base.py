# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Shared pieces of the linear models: centring, row rescaling, prediction."""

import numpy as np

from skml.utils._sklearn import check_is_fitted, validate_data


def center_data(X, y, fit_intercept, sample_weight=None, inplace_X=False):
    """Return ``X`` and ``y`` centred on their (weighted) means, and the means.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    fit_intercept : bool
        If False, nothing is centred and the offsets are zeros.
    sample_weight : ndarray of shape (n_samples,) or None
    inplace_X : bool, default=False
        Centre ``X`` in place (the caller owns a copy) instead of allocating.

    Returns
    -------
    Xc, yc, X_offset, y_offset
        ``Xc`` is a new array whenever ``fit_intercept`` is True, unless
        ``inplace_X``.
    """
    if not fit_intercept:
        X_offset = np.zeros(X.shape[1])
        y_offset = np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0
        return X, y, X_offset, y_offset
    X_offset = np.average(X, axis=0, weights=sample_weight)
    y_offset = np.average(y, axis=0, weights=sample_weight)
    if inplace_X:
        X -= X_offset
    else:
        X = X - X_offset
    return X, y - y_offset, X_offset, y_offset


def rescale_rows(X, y, sample_weight, inplace_X=False):
    """Multiply the rows of ``X`` and ``y`` by ``sqrt(sample_weight)``.

    Weighted least squares ``sum_i s_i (y_i - x_i w)^2`` becomes ordinary least
    squares on the rescaled rows. Returns new arrays (``X`` is rescaled in
    place if ``inplace_X``).
    """
    root = np.sqrt(sample_weight)
    if inplace_X:
        X *= root[:, None]
    else:
        X = X * root[:, None]
    y = y * (root[:, None] if y.ndim > 1 else root)
    return X, y


class LinearPredictorMixin:
    """``predict`` of a fitted linear model: ``X @ coef_.T + intercept_``."""

    def _decision(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return X @ np.asarray(self.coef_).T + self.intercept_

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values.
        """
        return self._decision(X)


def set_coef(estimator, coef, X_offset, y_offset, fit_intercept, y_ndim):
    """Store ``coef_`` (shape ``(n_targets, n_features)`` internally) and the
    intercept recovered from the offsets, in scikit-learn's shapes."""
    coef = np.asarray(coef, dtype=np.float64)
    if fit_intercept:
        intercept = np.atleast_1d(y_offset) - coef @ X_offset
    else:
        intercept = np.zeros(coef.shape[0])
    if y_ndim == 1:
        estimator.coef_ = coef[0]
        estimator.intercept_ = float(intercept[0])
    else:
        estimator.coef_ = coef
        estimator.intercept_ = intercept
