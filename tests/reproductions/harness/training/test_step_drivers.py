"""`harness.training.step_drivers`: both drivers train the model they time,
the per-step driver pays a fixed cost per call, and ratios are taken under
one driver at a time."""

import keras
import numpy as np
import pandas as pd
import pytest

from harness.training import epoch_batch_indices
from harness.training.step_drivers import DRIVERS, driver_ratios, seconds_per_step


def model():
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")])
    net.compile(keras.optimizers.Adam(0.01), loss="mse")
    return net


def data(rng):
    x = rng.normal(size=(64, 6)).astype("float32")
    return x, np.eye(3, dtype="float32")[rng.integers(0, 3, 64)]


def test_every_model_and_driver_is_timed_on_a_model_it_trains(rng):
    x, y = data(rng)
    built = []

    def build():
        built.append(model())
        return built[-1]
    indices = {d: epoch_batch_indices(64, 8, 20, seed=0) for d in DRIVERS}
    before = model().get_weights()[0]
    timed = seconds_per_step({"a": build, "b": build}, x, y, indices, rounds=2)
    assert sorted(timed) == sorted((k, d) for k in "ab" for d in DRIVERS)
    assert all(0 < seconds < 1 for seconds in timed.values())
    assert len(built) == 4  # a fresh model per key and driver
    for net in built:  # trained: the untimed pass and two rounds
        assert not np.allclose(before, net.get_weights()[0])


def test_the_per_step_call_costs_more_than_a_compiled_step(rng):
    x, y = data(rng)
    indices = {d: epoch_batch_indices(64, 8, 200, seed=0) for d in DRIVERS}
    timed = seconds_per_step({"a": model}, x, y, indices)
    assert timed["a", "per-step call"] > timed["a", "compiled loop"]


def test_bad_indices_or_rounds_are_refused():
    with pytest.raises(ValueError, match="indices"):
        seconds_per_step({"a": model}, np.zeros((8, 6)), np.zeros((8, 3)),
                         {"session": np.zeros((1, 8), int)})
    with pytest.raises(ValueError, match="rounds"):
        seconds_per_step({"a": model}, np.zeros((8, 6)), np.zeros((8, 3)),
                         {d: np.zeros((1, 8), int) for d in DRIVERS}, rounds=0)


def test_ratios_are_over_the_baseline_under_the_same_driver_and_seed():
    timings = {0: {("none", "compiled loop"): 1.0, ("none", "per-step call"): 10.0,
                   ("l2", "compiled loop"): 2.0, ("l2", "per-step call"): 11.0},
               1: {("none", "compiled loop"): 2.0, ("none", "per-step call"): 20.0,
                   ("l2", "compiled loop"): 4.0, ("l2", "per-step call"): 24.0}}
    frame = driver_ratios(timings, ["none", "l2"]).set_index(["variant", "driver"])
    assert frame.at[("l2", "compiled loop"), "ratio"] == pytest.approx(2.0)
    assert frame.at[("l2", "compiled loop"), "ratio_sd"] == pytest.approx(0.0)
    assert frame.at[("l2", "per-step call"), "ratio"] == pytest.approx((1.1 + 1.2) / 2)
    assert frame.at[("none", "per-step call"), "seconds_per_step"] == 15.0
    assert frame["seeds"].eq(2).all()
    alone = driver_ratios({0: timings[0]}, ["l2"])
    assert isinstance(alone, pd.DataFrame) and alone["ratio"].isna().all()
