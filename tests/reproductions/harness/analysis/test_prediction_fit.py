import numpy as np
import pytest

from harness.analysis.prediction_fit import (
    fit_measures,
    high_frequency,
    noise_fit,
    r2,
    rms,
    roughness,
)

X = np.linspace(0, 20, 1000)
CLEAN = 3 + np.sin(X)
NOISE = 0.1 * np.random.default_rng(0).standard_normal(len(X))
DATA = CLEAN + NOISE


def test_r2_is_one_for_the_target_and_zero_for_its_mean():
    assert r2(CLEAN, CLEAN) == 1.0
    assert r2(np.full_like(CLEAN, CLEAN.mean()), CLEAN) == pytest.approx(0.0, abs=1e-12)
    assert r2(CLEAN + 1, CLEAN) < 0


def test_high_frequency_removes_a_moving_average_and_blanks_the_edges():
    high = high_frequency(np.arange(20.0), 5)
    assert np.isnan(high[:2]).all() and np.isnan(high[-2:]).all()
    np.testing.assert_allclose(high[2:-2], 0, atol=1e-12)  # a line is its own mean
    assert rms([3.0, 4.0, np.nan]) == pytest.approx(np.sqrt(12.5))


def test_roughness_is_one_for_the_data_and_near_zero_for_the_smooth_signal():
    assert roughness(DATA, DATA, 9) == pytest.approx(1.0)
    assert roughness(CLEAN, DATA, 9) < 0.02
    where = X > 10
    assert roughness(DATA, DATA, 9, where) == pytest.approx(
        rms(high_frequency(DATA, 9)[where]) / rms(high_frequency(DATA, 9)))


def test_noise_fit_sees_a_prediction_that_follows_the_noise():
    every = np.ones(len(X), bool)
    assert noise_fit(DATA, CLEAN, DATA, every) == pytest.approx(1.0)
    assert abs(noise_fit(CLEAN + 0.1 * np.sin(7 * X), CLEAN, DATA, every)) < 0.1
    assert np.isnan(noise_fit(CLEAN, CLEAN, DATA, every))  # no error at all


def test_fit_measures_of_a_model_that_misses_one_region():
    hard = np.abs(X - 11) <= 1.2
    prediction = np.where(hard, CLEAN.mean(), CLEAN)
    m = fit_measures(prediction, CLEAN, DATA, np.ones(len(X), bool), hard, X < 5, 9)
    assert m["clean_r2_first_part"] == 1.0 and m["clean_r2_rest"] < 1.0
    assert m["hard_region_error_ratio"] == np.inf  # no error elsewhere
    assert m["prediction_spread"] == pytest.approx(np.std(prediction) / np.std(DATA))
    flat = fit_measures(np.full(len(X), 3.0), CLEAN, DATA, hard, hard, X < 5, 9)
    assert flat["clean_correlation"] == 0.0 and flat["prediction_spread"] == 0.0
