"""`harness.analysis.zero_census`: exact zeros of the kernels, and the dead
units whose weights no gradient reaches."""

import keras
import numpy as np

from harness.analysis.zero_census import exact_zero_fraction, zero_census


def two_layers():
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(2, activation="relu", name="a"),
                              keras.layers.Dense(1, name="b")])
    model.get_layer("a").set_weights([
        np.array([[1.0, 0.0], [0.0, 1.0], [5.0, 0.0]], "float32"),  # zeros at
        np.array([0.0, -10.0], "float32")])  # [1, 0] and [2, 1]; unit 1 dead
    model.get_layer("b").set_weights([np.array([[0.0], [1.0]], "float32"),
                                      np.zeros(1, "float32")])
    return model


def test_zero_census_finds_dead_inputs_and_units():
    """A weight whose input is always 0, or whose ReLU unit never fires, is
    counted as a dead unit's weight; a zero elsewhere is not."""
    x = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 0.0]], "float32")  # input 2 is 0
    rows = {row["layer"]: row for row in zero_census(two_layers(), x, batch_size=1)}
    a, b = rows["a"], rows["b"]
    assert (a["dead_inputs"], a["dead_outputs"], a["zeros"]) == (1, 1, 3)
    # Dead: row 2 (input 2) and column 1 (unit 1): 4 weights, 2 of them
    # zero; the zero at [0, 1] is in column 1, the one at [1, 0] is not.
    assert a["dead_unit_weights"] == 4 and a["zeros_of_dead_units"] == 2
    # b's input 1 is the dead unit; its zero weight at [0, 0] is alive.
    assert (b["dead_inputs"], b["dead_outputs"], b["zeros"]) == (1, 0, 1)
    assert b["zeros_of_dead_units"] == 0
    # Unit 1 fires once input 2 has ink: nothing of it is dead any more.
    alive = {row["layer"]: row for row in zero_census(
        two_layers(), np.array([[0.0, 20.0, 1.0]], "float32"))}
    assert alive["a"]["dead_outputs"] == 0 and alive["a"]["dead_inputs"] == 1


def test_exact_zero_fraction_counts_kernels_not_biases():
    # 4 of the 8 kernel weights are exactly 0; the biases (also 0) do not count.
    assert exact_zero_fraction(two_layers()) == 4 / 8
