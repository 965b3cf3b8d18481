# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.decomposition.PCA, mostly against scikit-learn's PCA."""

from functools import cache

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn import decomposition as sk_decomposition
from sklearn.datasets import load_digits, load_iris
from threadpoolctl import threadpool_limits

from skml.decomposition import PCA

SOLVERS = ["auto", "full", "covariance_eigh", "randomized", "arpack"]
EXACT_SOLVERS = ["auto", "full", "covariance_eigh"]
ATTRIBUTES = [
    "components_",
    "explained_variance_",
    "explained_variance_ratio_",
    "singular_values_",
    "noise_variance_",
    "mean_",
]


@pytest.fixture(autouse=True)
def _single_blas_thread():
    # NumPy and SciPy each bundle an OpenBLAS; on a busy machine their spinning
    # thread pools slow these small problems down a hundredfold. One thread each.
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@cache
def _iris():
    return load_iris().data


@cache
def _digits():
    return load_digits().data


def _dataset(name, seed):
    if name == "iris":
        return _iris()
    if name == "digits":
        return _digits()
    rng = np.random.default_rng(seed)
    shape = {"tall": (200, 12), "wide": (15, 40), "square": (30, 30)}[name]
    # Distinct column scales give a well-separated spectrum.
    return rng.standard_normal(shape) * np.linspace(1.0, 3.0, shape[1]) + 5.0


def _tolerances(dtype):
    return (
        {"rtol": 1e-6, "atol": 1e-6}
        if dtype == np.float64
        else {
            "rtol": 2e-3,
            "atol": 2e-3,
        }
    )


def _align_signs(reference, components):
    """Signs that make ``components`` rows point like ``reference`` rows."""
    signs = np.sign(np.sum(reference * components, axis=1))
    signs[signs == 0] = 1
    return signs


def _assert_matches_sklearn(ours, theirs, X, tol):
    assert ours.n_components_ == theirs.n_components_
    assert ours.n_samples_ == theirs.n_samples_
    signs = _align_signs(ours.components_, theirs.components_)
    assert_allclose(ours.components_, theirs.components_ * signs[:, None], **tol)
    for name in ATTRIBUTES[1:]:
        assert_allclose(getattr(ours, name), getattr(theirs, name), **tol)
    scale = 1.0 + np.abs(X).max()
    X_ours, X_theirs = ours.transform(X), theirs.transform(X)
    assert_allclose(
        X_ours, X_theirs * signs, rtol=tol["rtol"], atol=tol["atol"] * scale
    )
    assert_allclose(
        ours.inverse_transform(X_ours),
        theirs.inverse_transform(X_theirs),
        rtol=tol["rtol"],
        atol=tol["atol"] * scale,
    )


def _cases():
    """(dataset, solver, n_components) triples where the answer is well defined."""
    cases = []
    for solver in SOLVERS:
        for name in ("iris", "digits", "tall", "wide", "square"):
            choices = [3]
            if solver in EXACT_SOLVERS:
                choices.append(0.8)
            # All components are well defined only for full-rank centred data.
            if name in ("iris", "tall"):
                choices.append(None)
            cases.extend((name, solver, n) for n in choices)
    return cases


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("name, solver, n_components", _cases())
def test_pca_matches_sklearn(name, solver, n_components, whiten, global_random_seed):
    X = _dataset(name, global_random_seed)
    params = dict(
        n_components=n_components, svd_solver=solver, whiten=whiten, random_state=0
    )
    ours = PCA(**params).fit(X)
    theirs = sk_decomposition.PCA(**params).fit(X)
    _assert_matches_sklearn(ours, theirs, X, _tolerances(np.float64))
    if ours.noise_variance_ > 0 or ours.n_components_ == min(X.shape):
        assert_allclose(ours.score_samples(X), theirs.score_samples(X), rtol=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_pca_matches_sklearn_float32(solver, global_random_seed):
    X = _dataset("tall", global_random_seed).astype(np.float32)
    params = dict(n_components=4, svd_solver=solver, random_state=0)
    ours = PCA(**params).fit(X)
    theirs = sk_decomposition.PCA(**params).fit(X)
    _assert_matches_sklearn(ours, theirs, X, _tolerances(np.float32))


@pytest.mark.parametrize("name", ["iris", "digits"])
@pytest.mark.parametrize("solver", ["full", "covariance_eigh"])
def test_pca_signs_match_sklearn_exactly(name, solver):
    X = _dataset(name, 0)
    ours = PCA(n_components=3, svd_solver=solver).fit(X)
    theirs = sk_decomposition.PCA(n_components=3, svd_solver=solver).fit(X)
    assert_allclose(ours.components_, theirs.components_, atol=1e-8)
    rows = np.arange(3)
    pivots = ours.components_[rows, np.argmax(np.abs(ours.components_), axis=1)]
    assert np.all(pivots > 0)


@pytest.mark.parametrize("n_components", [1, 2, 3])
def test_pca_mle_matches_sklearn(n_components, global_random_seed):
    # Data of a known rank plus a little isotropic noise.
    rng = np.random.default_rng(global_random_seed)
    latent = rng.standard_normal((500, n_components)) * 10.0
    X = latent @ rng.standard_normal((n_components, 8))
    X += 0.1 * rng.standard_normal(X.shape)
    ours = PCA(n_components="mle").fit(X)
    theirs = sk_decomposition.PCA(n_components="mle").fit(X)
    assert ours.n_components_ == theirs.n_components_
    # Minka's estimate is close to the true dimension (not always equal to it).
    assert abs(ours.n_components_ - n_components) <= 1
    assert_allclose(ours.noise_variance_, theirs.noise_variance_, rtol=1e-6)


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.9, 0.99])
def test_pca_variance_fraction_selects_enough_components(fraction):
    X = _iris()
    pca = PCA(n_components=fraction).fit(X)
    full = PCA().fit(X)
    cumulated = np.cumsum(full.explained_variance_ratio_)
    k = pca.n_components_
    assert cumulated[k - 1] > fraction
    assert k == 1 or cumulated[k - 2] <= fraction
    assert k == sk_decomposition.PCA(n_components=fraction).fit(X).n_components_


def test_pca_randomized_matches_exact_on_low_rank(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((400, 5)) @ rng.standard_normal((5, 120))
    X += 1e-6 * rng.standard_normal(X.shape)
    randomized = PCA(n_components=5, svd_solver="randomized", random_state=0).fit(X)
    exact = PCA(n_components=5, svd_solver="full").fit(X)
    assert_allclose(randomized.components_, exact.components_, atol=1e-8)
    assert_allclose(randomized.singular_values_, exact.singular_values_, rtol=1e-10)
    assert_allclose(
        randomized.explained_variance_ratio_,
        exact.explained_variance_ratio_,
        rtol=1e-10,
    )
    # Both noise variances are ~1e-12: a difference of totals, exact to ~1e-14.
    assert_allclose(randomized.noise_variance_, exact.noise_variance_, atol=1e-10)


@pytest.mark.parametrize("smallest", [1e-8, 1e-16])
@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU"])
def test_pca_randomized_accurate_on_wide_spectrum(
    normalizer, smallest, global_random_seed
):
    # Singular values spread over up to 16 decades: the normalised power
    # iterations must keep the leading components exact.
    rng = np.random.default_rng(global_random_seed)
    U = np.linalg.qr(rng.standard_normal((500, 40)))[0]
    V = np.linalg.qr(rng.standard_normal((120, 40)))[0]
    X = (U * np.geomspace(1.0, smallest, 40)) @ V.T
    exact = PCA(n_components=8, svd_solver="full").fit(X)
    pca = PCA(
        n_components=8,
        svd_solver="randomized",
        power_iteration_normalizer=normalizer,
        random_state=0,
    ).fit(X)
    assert_allclose(pca.singular_values_, exact.singular_values_, rtol=1e-10)
    assert_allclose(pca.components_, exact.components_, atol=1e-9)


@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU", "none"])
@pytest.mark.parametrize("iterated_power", [1, 3, "auto"])
def test_pca_randomized_normalizers_agree(normalizer, iterated_power):
    X = _digits()
    exact = PCA(n_components=4, svd_solver="full").fit(X)
    pca = PCA(
        n_components=4,
        svd_solver="randomized",
        iterated_power=iterated_power,
        power_iteration_normalizer=normalizer,
        random_state=0,
    ).fit(X)
    assert_allclose(pca.explained_variance_, exact.explained_variance_, rtol=1e-2)


@pytest.mark.parametrize("solver", SOLVERS)
def test_pca_preserves_float32(solver, global_random_seed):
    X = _dataset("tall", global_random_seed).astype(np.float32)
    pca = PCA(n_components=3, svd_solver=solver, random_state=0)
    X_new = pca.fit_transform(X)
    assert X_new.dtype == np.float32
    for name in ATTRIBUTES[:4] + ["mean_"]:
        assert getattr(pca, name).dtype == np.float32, name
    assert pca.transform(X).dtype == np.float32
    assert pca.inverse_transform(X_new).dtype == np.float32
    # float32 agrees with float64 to float32 precision.
    pca64 = PCA(n_components=3, svd_solver=solver, random_state=0).fit(
        X.astype(np.float64)
    )
    assert_allclose(pca.components_, pca64.components_, atol=1e-3)


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("solver", SOLVERS)
def test_pca_fit_transform_equals_fit_then_transform(
    solver, whiten, global_random_seed
):
    X = _dataset("tall", global_random_seed)
    params = dict(n_components=4, svd_solver=solver, whiten=whiten, random_state=0)
    X_fit_transform = PCA(**params).fit_transform(X)
    X_transform = PCA(**params).fit(X).transform(X)
    assert_allclose(X_fit_transform, X_transform, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
def test_pca_is_deterministic(solver, global_random_seed):
    X = _dataset("square", global_random_seed)
    first = PCA(n_components=5, svd_solver=solver, random_state=3).fit(X)
    second = PCA(n_components=5, svd_solver=solver, random_state=3).fit(X)
    for name in ATTRIBUTES:
        assert_array_equal(getattr(first, name), getattr(second, name))
    assert_array_equal(first.transform(X), second.transform(X))


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "randomized"])
def test_pca_inverse_transform_roundtrip(solver, whiten, global_random_seed):
    X = _dataset("tall", global_random_seed)
    pca = PCA(n_components=X.shape[1], svd_solver=solver, whiten=whiten)
    pca.set_params(random_state=0)
    X_back = pca.inverse_transform(pca.fit_transform(X))
    assert_allclose(X_back, X, rtol=1e-7, atol=1e-8)


def test_pca_whiten_gives_unit_variance(global_random_seed):
    X = _dataset("tall", global_random_seed)
    X_new = PCA(n_components=5, whiten=True).fit_transform(X)
    assert_allclose(X_new.var(axis=0, ddof=1), 1.0, rtol=1e-10)
    assert_allclose(X_new.mean(axis=0), 0.0, atol=1e-10)


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("n_components", [0, 2, 5, 12])
def test_pca_covariance_and_precision(n_components, whiten, global_random_seed):
    X = _dataset("tall", global_random_seed)
    pca = PCA(n_components=n_components, whiten=whiten).fit(X)
    sk = sk_decomposition.PCA(n_components=n_components, whiten=whiten).fit(X)
    cov = pca.get_covariance()
    assert_allclose(cov, sk.get_covariance(), rtol=1e-8, atol=1e-10)
    assert_allclose(pca.get_precision() @ cov, np.eye(X.shape[1]), atol=1e-8)
    if n_components == X.shape[1] and not whiten:
        # Nothing discarded: the model covariance is the sample covariance.
        assert_allclose(cov, np.cov(X, rowvar=False), rtol=1e-8)


@pytest.mark.parametrize("n_components", [2, 5])
def test_pca_score_is_gaussian_log_likelihood(n_components, global_random_seed):
    X = _dataset("tall", global_random_seed)
    pca = PCA(n_components=n_components).fit(X)
    expected = stats.multivariate_normal(pca.mean_, pca.get_covariance()).logpdf(X)
    assert_allclose(pca.score_samples(X), expected, rtol=1e-8)
    assert pca.score(X) == pytest.approx(expected.mean(), rel=1e-8)
    sk = sk_decomposition.PCA(n_components=n_components).fit(X)
    assert pca.score(X) == pytest.approx(sk.score(X), rel=1e-8)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["auto", "arpack", "covariance_eigh"])
def test_pca_sparse_matches_dense(solver, fmt, global_random_seed):
    X = sp.random(
        120, 15, density=0.3, format=fmt, random_state=global_random_seed
    ).astype(np.float64)
    X_dense = X.toarray()
    # Dense "auto" would pick another solver: compare with the sparse one's.
    dense_solver = "arpack" if solver == "auto" else solver
    ours = PCA(n_components=4, svd_solver=solver, random_state=0).fit(X)
    dense = PCA(n_components=4, svd_solver=dense_solver, random_state=0).fit(X_dense)
    assert ours._fit_svd_solver == dense_solver
    for name in ATTRIBUTES:
        assert_allclose(getattr(ours, name), getattr(dense, name), atol=1e-10)
    assert_allclose(ours.transform(X), dense.transform(X_dense), atol=1e-10)
    assert_allclose(ours.fit_transform(X), dense.transform(X_dense), atol=1e-10)
    sk = sk_decomposition.PCA(n_components=4, svd_solver=solver, random_state=0)
    _assert_matches_sklearn(ours, sk.fit(X), X_dense, _tolerances(np.float64))


@pytest.mark.parametrize(
    "shape, n_components",
    [
        ((1000, 20), 5),  # tall and narrow: covariance
        ((100, 50), 5),  # small: full
        ((100, 50), "mle"),
        ((40, 600), 5),  # wide, few components: randomized
        ((40, 600), 39),  # many components: full
        ((40, 600), 0.5),  # variance fraction: full
        ((600, 80), None),  # None: full
    ],
)
def test_pca_auto_solver_matches_sklearn_policy(shape, n_components):
    X = np.random.default_rng(0).standard_normal(shape)
    ours = PCA(n_components=n_components, random_state=0).fit(X)
    theirs = sk_decomposition.PCA(n_components=n_components, random_state=0).fit(X)
    assert ours._fit_svd_solver == theirs._fit_svd_solver


def test_pca_auto_picks_arpack_for_sparse():
    X = sp.random(50, 10, density=0.5, format="csr", random_state=0)
    assert PCA(n_components=2).fit(X)._fit_svd_solver == "arpack"


def test_pca_feature_names_out():
    pca = PCA(n_components=3).fit(_iris())
    assert_array_equal(pca.get_feature_names_out(), ["pca0", "pca1", "pca2"])


def test_pca_copy_false_centres_in_place(global_random_seed):
    X = _dataset("tall", global_random_seed).copy()
    X_original = X.copy()
    X_new = PCA(n_components=3, copy=False, svd_solver="full").fit_transform(X)
    assert_allclose(X, X_original - X_original.mean(axis=0))
    assert_allclose(
        X_new, PCA(n_components=3, svd_solver="full").fit_transform(X_original)
    )


def test_pca_copy_true_leaves_input_untouched(global_random_seed):
    X = _dataset("tall", global_random_seed)
    X_original = X.copy()
    for solver in SOLVERS:
        PCA(n_components=3, svd_solver=solver, random_state=0).fit_transform(X)
    assert_array_equal(X, X_original)


def test_pca_zero_components():
    X = _iris()
    pca = PCA(n_components=0, svd_solver="full").fit(X)
    assert pca.transform(X).shape == (X.shape[0], 0)
    assert pca.noise_variance_ == pytest.approx(np.var(X, axis=0, ddof=1).mean())


@pytest.mark.parametrize(
    "X, error, match",
    [
        ([[1.0, np.nan], [2.0, 3.0], [0.0, 1.0]], ValueError, "NaN"),
        ([[1.0, np.inf], [2.0, 3.0], [0.0, 1.0]], ValueError, "infinity"),
        ([1.0, 2.0, 3.0], ValueError, "Expected 2D array"),
        (np.empty((0, 3)), ValueError, "0 sample"),
        (np.empty((3, 0)), ValueError, "0 feature"),
        ([[1.0, 2.0]], ValueError, "1 sample"),
        ([["a", "b"], ["c", "d"]], ValueError, "could not convert"),
    ],
)
def test_pca_rejects_bad_input(X, error, match):
    with pytest.raises(error, match=match):
        PCA().fit(X)


@pytest.mark.parametrize(
    "params, shape, match",
    [
        (dict(n_components=5, svd_solver="full"), (10, 4), "n_components=5 must be"),
        (
            dict(n_components=5, svd_solver="covariance_eigh"),
            (3, 8),
            r"min\(n_samples, n_features\)=3",
        ),
        (dict(n_components=5, svd_solver="randomized"), (10, 4), "between 1 and"),
        (dict(n_components=4, svd_solver="arpack"), (10, 4), "n_components < 4"),
        (dict(n_components=0, svd_solver="arpack"), (10, 4), "between 1 and"),
        (dict(n_components=0.5, svd_solver="arpack"), (10, 4), "not supported"),
        (dict(n_components="mle", svd_solver="randomized"), (10, 4), "mle"),
        (dict(n_components="mle"), (4, 10), "n_samples >= n_features"),
        (dict(n_components=1.5), (10, 4), "n_components"),
        (dict(svd_solver="lapack"), (10, 4), "svd_solver"),
    ],
)
def test_pca_rejects_bad_parameters(params, shape, match):
    X = np.random.default_rng(0).standard_normal(shape)
    with pytest.raises(ValueError, match=match):
        PCA(**params).fit(X)


@pytest.mark.parametrize("solver", ["full", "randomized"])
def test_pca_rejects_sparse_with_dense_solvers(solver):
    X = sp.random(20, 5, density=0.5, format="csr", random_state=0)
    with pytest.raises(TypeError, match="arpack.*covariance_eigh"):
        PCA(n_components=2, svd_solver=solver).fit(X)


def test_pca_rejects_wrong_number_of_features():
    pca = PCA(n_components=2).fit(_iris())
    with pytest.raises(ValueError, match="X has 3 features, but PCA is expecting 4"):
        pca.transform(_iris()[:, :3])
    with pytest.raises(ValueError, match="X has 3 features"):
        pca.score_samples(_iris()[:, :3])
    with pytest.raises(ValueError, match="expects n_components_=2"):
        pca.inverse_transform(np.ones((2, 3)))


def test_pca_requires_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PCA().transform(_iris())
