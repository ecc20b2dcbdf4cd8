import math

import pytest

from harness.analysis.norm_divergence import norm_divergence


def test_a_bounded_run_never_passes_its_limit():
    summary = norm_divergence([0, 1, 2, 3], [1.0, 2.5, 3.0, 2.9], [2.0, 1.5, 1.2],
                              limit=300)
    assert summary == {"largest_unit_norm_ever": 3.0, "final_unit_norm": 2.9,
                       "first_step_over_limit": -1, "largest_loss": 2.0,
                       "final_loss": 1.2}


def test_the_first_step_over_the_limit_or_not_finite_is_the_explosion():
    summary = norm_divergence([0, 1, 2, 3], [1.0, 50.0, 400.0, 1e4], [1.0, 9.0, 80.0],
                              limit=300)
    assert summary["first_step_over_limit"] == 2
    assert summary["largest_unit_norm_ever"] == 1e4
    overflowed = norm_divergence([0, 1, 2, 3], [1.0, 5.0, math.inf, math.nan],
                                 [1.0, math.nan, math.nan], limit=300)
    assert overflowed["first_step_over_limit"] == 2
    assert overflowed["largest_unit_norm_ever"] == math.inf
    assert overflowed["largest_loss"] == math.inf
    assert math.isnan(overflowed["final_loss"])


def test_the_steps_may_start_anywhere():
    summary = norm_divergence([10, 20], [500.0, 1.0], [3.0], limit=300)
    assert summary["first_step_over_limit"] == 10
    assert summary["final_unit_norm"] == pytest.approx(1.0)


def test_divergence_tables_summarise_each_network_and_keep_every_step():
    from harness.analysis.norm_divergence import divergence_tables
    runs = {"plain": {"step": [0, 1, 2], "max_unit_norm": [1.0, 50.0, math.inf],
                      "loss": [math.nan, 2.0, math.inf], "test_accuracy": 0.1},
            "max_norm": {"step": [0, 1, 2], "max_unit_norm": [1.0, 3.0, 3.0],
                         "loss": [math.nan, 2.0, 1.0], "test_accuracy": 0.9}}
    summary, steps = divergence_tables(runs, 10.0, {"c": 3.0}, "norm_over_10c")
    assert list(summary["network"]) == ["plain", "max_norm"]
    assert list(summary.columns[:3]) == ["network", "c", "largest_unit_norm_ever"]
    assert list(summary["first_step_norm_over_10c"]) == [1, -1]
    assert list(summary["test_accuracy"]) == [0.1, 0.9]
    assert len(steps) == 6 and list(steps.columns) == ["network", "step",
                                                        "max_unit_norm", "loss"]
