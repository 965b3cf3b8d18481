# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift generators: effects are what the outcomes show; loaders read the files."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml.datasets import (
    load_criteo,
    load_hillstrom,
    make_uplift_classification,
    make_uplift_regression,
)


@pytest.mark.parametrize("n_treatments", [1, 3])
def test_classification_effect_matches_the_outcomes(global_random_seed, n_treatments):
    # On many rows, each group's mean outcome minus control's equals the mean true
    # effect (randomised treatment), within a few standard errors.
    X, y, t, effect = make_uplift_classification(
        60_000, n_treatments=n_treatments, random_state=global_random_seed
    )
    effect = effect.reshape(len(y), -1)
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert_array_equal(np.unique(t), np.arange(n_treatments + 1))
    for k in range(1, n_treatments + 1):
        observed = y[t == k].mean() - y[t == 0].mean()
        se = np.sqrt(
            y[t == k].var() / (t == k).sum() + y[t == 0].var() / (t == 0).sum()
        )
        assert abs(observed - effect[:, k - 1].mean()) < 5 * se
    assert np.all((effect > -1) & (effect < 1))


def test_regression_effect_is_the_outcome_shift(global_random_seed):
    # With no noise, treated outcomes minus the control function are the effect.
    X0, y0, t0, e0 = make_uplift_regression(
        2000, noise=0.0, random_state=global_random_seed
    )
    X1, y1, t1, e1 = make_uplift_regression(
        2000, noise=0.0, effect_size=0.0, random_state=global_random_seed
    )
    assert_array_equal(X0, X1)
    assert_array_equal(t0, t1)
    assert_allclose(e1, 0.0)
    assert_allclose(y0 - y1, np.where(t0 == 1, e0, 0.0), atol=1e-12)


def test_confounding_makes_treatment_depend_on_the_first_feature(global_random_seed):
    X, _, t, _ = make_uplift_regression(
        20_000, confounding=2.0, random_state=global_random_seed
    )
    assert X[t == 1, 0].mean() > X[t == 0, 0].mean() + 0.5
    X, _, t, _ = make_uplift_regression(20_000, random_state=global_random_seed)
    assert abs(X[t == 1, 0].mean() - X[t == 0, 0].mean()) < 0.1
    assert abs(t.mean() - 0.5) < 0.02


def test_generators_reject_too_many_feature_roles():
    with pytest.raises(ValueError, match="must not exceed n_features"):
        make_uplift_classification(n_features=3, n_informative=2, n_uplift=2)


def test_load_hillstrom(shared_data):
    path = shared_data / "hillstrom.csv"
    data = load_hillstrom(path)
    assert data.data.shape[0] == 64_000 == data.target.shape[0]
    assert set(data.treatment) == {"Mens E-Mail", "Womens E-Mail", "No E-Mail"}
    assert data.control == "No E-Mail"
    assert len(data.feature_names) == data.data.shape[1]
    # One-hot columns of each categorical feature sum to one per row.
    for prefix in ("channel=", "zip_code=", "history_segment="):
        cols = [i for i, n in enumerate(data.feature_names) if n.startswith(prefix)]
        assert_array_equal(data.data[:, cols].sum(axis=1), 1.0)
    # The published visit rates of the three groups.
    rates = {g: data.target[data.treatment == g].mean() for g in set(data.treatment)}
    assert_allclose(rates["No E-Mail"], 0.1062, atol=5e-4)
    assert_allclose(rates["Womens E-Mail"], 0.1514, atol=5e-4)
    spend = load_hillstrom(path, outcome="spend").target
    assert spend.max() > 100


def test_load_hillstrom_as_frame(shared_data):
    pd = pytest.importorskip("pandas")
    data = load_hillstrom(shared_data / "hillstrom.csv", as_frame=True)
    assert isinstance(data.data, pd.DataFrame)
    assert data.data["channel"].dtype.name == "category"
    assert list(data.data.columns) == data.feature_names


def test_load_criteo(shared_data):
    data = load_criteo(shared_data / "criteo" / "criteo_uplift_v2.1_sample1000.csv")
    assert data.data.shape == (1000, 12)
    assert set(np.unique(data.treatment)) == {0, 1}
    assert set(np.unique(data.target)) <= {0.0, 1.0}


def test_loaders_name_a_missing_or_wrong_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="download"):
        load_hillstrom(tmp_path / "absent.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="expected columns"):
        load_criteo(wrong)
