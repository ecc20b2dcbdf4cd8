"""`harness.analysis.held_out_loss`: the test loss in inference mode."""

import keras
import numpy as np

from harness.analysis.held_out_loss import cross_entropy


def test_cross_entropy_is_keras_categorical_cross_entropy_on_logits():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4)])
    x = np.random.default_rng(0).random((30, 5)).astype("float32")
    y = np.eye(4)[np.arange(30) % 4]
    expected = float(keras.ops.mean(keras.losses.categorical_crossentropy(
        y, model(x), from_logits=True)))
    assert abs(cross_entropy(model, x, y, batch_size=7) - expected) < 1e-5
    assert abs(cross_entropy(model, x, np.arange(30) % 4) - expected) < 1e-5
