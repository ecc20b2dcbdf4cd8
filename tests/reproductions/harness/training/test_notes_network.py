"""The jobs of the CS231n notes' network return what the tables need: on a
small random problem, each measure is checked against what it must be."""

import argparse

import numpy as np
import pytest

from harness.data.splits import Splits
from harness.training import notes_network as jobs
from kreg.regularizers import L1, L2

ARGS = argparse.Namespace(hidden=8, learning_rate=0.1, momentum=0.9, keep=0.5, seed=0,
                          seeds=1, steps=16, batch_size=8, max_norm=3.0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)

    def split(n):
        x = rng.random((n, 784), np.float32) * (rng.random(784) < 0.5)  # inkless pixels
        return x, np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return Splits(*split(32), *split(16), *split(16), source="random", description="")


def test_a_tight_bound_holds_the_units_at_c(data):
    r = jobs.sweep_job(data, ARGS, 0, 0.05, 1e-3)
    assert r["max_unit_norm"] == pytest.approx(0.05, rel=1e-5)
    assert r["bound_fraction"] > 0.5
    loose = jobs.sweep_job(data, ARGS, 0, 100.0, 1e-3)
    assert loose["bound_fraction"] == 0 and loose["max_unit_norm"] < 100


def test_tuning_runs_at_least_the_steps_and_records_them(data):
    r = jobs.tuning_job(data, ARGS, 0, 0.5, 0.05, 4, 1, 2)
    assert ARGS.steps <= r["steps_run"] <= 2 * ARGS.steps
    assert 0 < r["best_step"] <= r["steps_run"]
    assert {"test_accuracy_at_steps", "train_accuracy_at_steps"} <= set(r)
    assert r["train_test_gap"] == pytest.approx(r["train_accuracy"] - r["test_accuracy"])


def test_noise_inputs_and_the_weight_they_get(data):
    wider = jobs.noisy(data, 5, 0)
    assert wider.x_train.shape == (32, 789) and wider.x_test.shape == (16, 789)
    np.testing.assert_array_equal(wider.x_train[:, :784], data.x_train)
    r = jobs.noise_job(data, ARGS, 0, {"regularizer": L1(1e-4)}, 5)
    assert r["noise_weight_ratio"] > 0


def test_variant_statistics_gradient_and_bias_share(data):
    r = jobs.variant_job(data, ARGS, 0, {"regularizer": L2(1e-3, convention="textbook")})
    assert r["penalty_gradient_error"] < 1e-6
    biases, weights = 8 + 8 + 10, 784 * 8 + 8 * 8 + 8 * 10
    assert r["bias_share"] == pytest.approx(biases / (biases + weights))
    assert 0.1 <= r["input_top_decile_share"] <= 1 and 0 < r["inputs_used"] <= 1
    assert np.isnan(jobs.variant_job(data, ARGS, 0, {})["penalty_gradient_error"])
