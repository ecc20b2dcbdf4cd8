import argparse

import keras
import numpy as np
import pytest

from harness.analysis.measured_window import window_blocks
from harness.training.measured_regression import model_measures, train
from kreg.regularizers import L2


def model(strength):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((1,))
    hidden = keras.layers.Dense(8, activation="tanh", kernel_regularizer=L2(strength))(inputs)
    outputs = keras.layers.Dense(1, kernel_regularizer=L2(strength))(hidden)
    net = keras.Model(inputs, outputs)
    net.compile(keras.optimizers.Adam(1e-2), "mse")
    return net


def test_the_penalty_keras_adds_is_lambda_times_the_squared_frobenius_norms():
    signal = argparse.Namespace(x=np.linspace(0, 1, 30))
    got = model_measures(model(0.3), signal, "l2", 0.3)
    assert got["penalty_model"] == pytest.approx(got["penalty_frobenius"], rel=1e-5)
    assert got["penalty_model"] > 0 and 1 <= got["effective_units"] <= 8


def test_the_final_window_is_measured_at_every_step():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (64, 1)).astype("float32")
    data = (x, np.sin(3 * x), x[:16], np.sin(3 * x[:16]))
    args = argparse.Namespace(batch_size=16, steps=50, eval_every=5)
    result = train(model(0.0), data, args, 0, "test", False)
    assert len(result["history"]["step"]) == 10
    assert len(result["window_train_mse"]) == window_blocks(10) * 5
    # The sampled point at a block's end is the window's measurement there.
    assert result["history"]["val_mse"][-1] == result["window_val_mse"][-1]
