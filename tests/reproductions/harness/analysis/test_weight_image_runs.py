"""`harness.analysis.weight_image_runs`: runs over seeds as tables."""

import numpy as np
import pytest

from harness.analysis.image_smoothness import image_correlation, roughness
from harness.analysis.weight_image_runs import (
    arm_measures,
    curves_frame,
    pair_correlations,
    stack,
)


def run(rng, accuracy, units=10):
    return {"step": [1, 2], "test_accuracy_curve": [0.5, accuracy],
            "loss_curve": [1.0, 0.5], "max_weight_curve": [0.1, 0.2],
            "test_accuracy": accuracy, "train_accuracy": accuracy + 0.05,
            "weights": rng.normal(size=(784, units))}


def test_stack_gives_every_number_a_seed_axis_but_the_steps(rng):
    stacked = stack([run(rng, 0.8), run(rng, 0.9)])
    assert stacked["weights"].shape == (2, 784, 10)
    np.testing.assert_array_equal(stacked["test_accuracy"], [0.8, 0.9])
    np.testing.assert_array_equal(stacked["step"], [1, 2])


def test_curves_frame_has_a_row_per_variant_seed_and_step(rng):
    numbers = {"none": stack([run(rng, 0.8), run(rng, 0.9)])}
    frame = curves_frame(numbers, [3, 4])
    assert len(frame) == 4 and list(frame["seed"]) == [3, 3, 4, 4]
    assert list(frame["test_accuracy"]) == [0.5, 0.8, 0.5, 0.9]


def test_pair_correlations_skip_pairs_that_did_not_run(rng):
    numbers = {v: stack([run(rng, 0.8), run(rng, 0.9)]) for v in ("a", "b")}
    numbers["b"]["weights"][1] = numbers["a"]["weights"][1]
    frame = pair_correlations(numbers, (("a", "b"), ("a", "c")))
    assert len(frame) == 1
    expected = [image_correlation(numbers["a"]["weights"][0], numbers["b"]["weights"][0]),
                1.0]
    assert frame.at[0, "correlation"] == pytest.approx(np.mean(expected))


def test_arm_measures_compare_a_hidden_arm_with_l2_seed_by_seed(rng):
    arms = [("lr 0.1", "none", {}, 0, None), ("hidden", "none", {}, 4, None),
            ("hidden", "l2", {}, 4, None), ("small", "none", {}, 0, 100)]
    by_seed = [{"seed": seed, **{arm[:2]: run(rng, 0.8 + seed / 10, arm[3] or 10)
                                 for arm in arms}} for seed in (0, 1)]
    ink = np.ones(784, bool)
    frame = arm_measures(by_seed, arms, ink, 5000).set_index(["arm", "variant"])
    assert frame.at[("lr 0.1", "none"), "test_accuracy"] == pytest.approx(0.85)
    assert frame.at[("lr 0.1", "none"), "gap"] == pytest.approx(0.05)
    assert frame.at[("small", "none"), "train_examples"] == 100
    assert frame.at[("lr 0.1", "none"), "train_examples"] == 5000
    assert np.isnan(frame.at[("lr 0.1", "none"), "l2_correlation"])
    assert frame.at[("hidden", "l2"), "l2_correlation"] == pytest.approx(1.0)
    first = by_seed[0]["hidden", "none"]["weights"]
    expected = np.mean([image_correlation(r["hidden", "none"]["weights"],
                                          r["hidden", "l2"]["weights"]) for r in by_seed])
    assert frame.at[("hidden", "none"), "l2_correlation"] == pytest.approx(expected)
    assert frame.at[("hidden", "none"), "roughness"] == pytest.approx(
        np.mean([roughness(first), roughness(by_seed[1]["hidden", "none"]["weights"])]))
