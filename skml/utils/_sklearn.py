# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The one place skml imports scikit-learn's private or semi-private helpers.

Everything else in skml imports these names from here, so that a change in
scikit-learn's internals is mended in one file. The minimum scikit-learn version is
pinned in pyproject.toml.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    check_non_negative,
    validate_data,
)

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_check_partial_fit_first_call",
    "_check_sample_weight",
    "_fit_context",
    "check_is_fitted",
    "check_non_negative",
    "safe_sparse_dot",
    "validate_data",
    "validate_params",
]
