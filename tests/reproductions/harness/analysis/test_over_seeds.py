import numpy as np
import pandas as pd
import pytest

from harness.analysis.over_seeds import (
    mean_and_sd,
    per_seed,
    seed_means,
    seed_range,
    seed_statistics,
)


def test_per_seed_is_the_mean_and_the_sample_sd():
    mean, sd = per_seed([1.0, 2.0, 4.0])
    assert mean == pytest.approx(7 / 3)
    assert sd == pytest.approx(np.std([1.0, 2.0, 4.0], ddof=1))
    mean, sd = per_seed([0.5])
    assert mean == 0.5 and np.isnan(sd)


def test_seed_statistics_groups_in_order_of_appearance():
    runs = pd.DataFrame({"variant": ["b", "b", "a", "a", "a"],
                         "seed": [0, 1, 0, 1, 2],
                         "accuracy": [0.5, 0.7, 0.9, 0.8, 1.0]})
    stats = seed_statistics(runs, "variant", ["accuracy"])
    assert list(stats["variant"]) == ["b", "a"]
    assert list(stats["seeds"]) == [2, 3]
    b = stats.set_index("variant").loc["b"]
    assert b["accuracy"] == pytest.approx(0.6)
    assert b["accuracy_sd"] == pytest.approx(np.std([0.5, 0.7], ddof=1))
    assert mean_and_sd(b, "accuracy") == pytest.approx((0.6, b["accuracy_sd"]))


def test_seed_statistics_over_two_keys_and_a_table_without_sds():
    runs = pd.DataFrame({"lambda": [0.1, 0.1, 0.1, 0.1], "biases": [False, True] * 2,
                         "seed": [0, 0, 1, 1], "accuracy": [0.1, 0.2, 0.3, 0.6]})
    stats = seed_statistics(runs, ["lambda", "biases"], ["accuracy"])
    assert stats["accuracy"].tolist() == pytest.approx([0.2, 0.4])
    mean, sd = mean_and_sd(pd.DataFrame({"accuracy": [0.9]}), "accuracy")
    assert mean == 0.9 and np.isnan(sd)


def test_seed_range_starts_at_the_first_seed():
    assert seed_range(0, 3) == [0, 1, 2]
    assert seed_range(7, 1) == [7]
    assert seed_range(5, 2) != seed_range(0, 2)


def test_seed_means_leave_out_a_measure_no_run_made():
    rows = [{"variant": "a", "seed": 0, "loss": 1.0, "window": np.nan, "late": np.nan},
            {"variant": "a", "seed": 1, "loss": 3.0, "window": np.nan, "late": 2.0}]
    means = seed_means(rows, "variant")
    assert list(means.columns) == ["variant", "loss", "loss_sd", "late", "late_sd",
                                   "seeds"]
    assert means.loc[0, "loss"] == 2.0 and means.loc[0, "seeds"] == 2
    assert means.loc[0, "loss_sd"] == pytest.approx(np.sqrt(2))
    assert np.isnan(means.loc[0, "late"])  # made by one run: a NaN mean, named
