"""`harness.analysis.dropped_units`: accuracy with hidden units dropped at
test time."""

import keras
import numpy as np
import pytest

from harness.analysis.dropped_units import accuracy_with_units_dropped
from harness.training import Evaluator


def spread_over(units, rate=0.0):
    """Two classes, the sign of the one input; `units` hidden ReLU units
    carry it (each the same), a dropout layer after them when `rate`."""
    layers = [keras.Input((1,)), keras.layers.Dense(2 * units, activation="relu",
                                                    name="hidden")]
    if rate:
        layers.append(keras.layers.Dropout(rate, name="dropout"))
    layers.append(keras.layers.Dense(2, name="logits"))
    model = keras.Sequential(layers)
    # Half the units fire on positive inputs, half on negative ones.
    model.get_layer("hidden").set_weights([
        np.array([[1.0] * units + [-1.0] * units], "float32"),
        np.zeros(2 * units, "float32")])
    votes = np.zeros((2 * units, 2), "float32")
    votes[:units, 1], votes[units:, 0] = 1.0, 1.0
    # A small bias for class 0: an input whose units are all dropped is a 0.
    model.get_layer("logits").set_weights([votes, np.array([1e-3, 0], "float32")])
    return model


def data(n=4000, seed=0):
    x = np.random.default_rng(seed).uniform(0.5, 1.0, (n, 1)).astype("float32")
    x[: n // 2] *= -1
    return x, (x[:, 0] > 0).astype("int32")


def test_nothing_dropped_is_the_accuracy_at_inference():
    model = spread_over(1, rate=0.5)
    x, y = data()
    assert accuracy_with_units_dropped(model, x, y, ["hidden"], 0.0, seed=0) == \
        pytest.approx(Evaluator(model, x, y)()) == 1.0


def test_a_network_that_relies_on_one_unit_loses_more():
    """One unit per class: dropping it at rate 0.5 turns half the positive
    inputs into zeros. Twenty units per class: all twenty must go."""
    x, y = data()
    alone = accuracy_with_units_dropped(spread_over(1), x, y, ["hidden"], 0.5, seed=0)
    shared = accuracy_with_units_dropped(spread_over(20), x, y, ["hidden"], 0.5, seed=0)
    # Positive inputs lose their one unit with probability 0.5: accuracy
    # 0.5 + 0.5 * 0.5 = 0.75, within a few sds of 4,000 draws.
    assert alone == pytest.approx(0.75, abs=0.03)
    assert shared > 0.999
    # The same seed, the same masks.
    assert accuracy_with_units_dropped(spread_over(1), x, y, ["hidden"], 0.5,
                                       seed=0) == alone


def test_bad_arguments_are_refused():
    x, y = data(10)
    with pytest.raises(ValueError, match="no layer named"):
        accuracy_with_units_dropped(spread_over(1), x, y, ["f5"], 0.5, seed=0)
    with pytest.raises(ValueError, match="rate=1"):
        accuracy_with_units_dropped(spread_over(1), x, y, ["hidden"], 1, seed=0)
