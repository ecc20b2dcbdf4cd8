"""`harness.analysis.thinned_networks`: the thinned networks' average and a
bare Keras Dropout's scaling."""

import keras
import numpy as np

from harness.analysis.thinned_networks import keras_dropout_scaling, thinned_average


def test_keras_dropout_is_inverted():
    scaling = keras_dropout_scaling(0.3, seed=0)
    assert abs(scaling["kept_value_times_keep"] - 1) < 1e-6
    assert abs(scaling["dropped_fraction"] - 0.3) < 0.02
    assert scaling["inference_change"] == 0.0


def test_without_dropout_the_thinned_average_is_the_network():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    x = np.random.default_rng(0).random((50, 4)).astype("float32")
    y = np.eye(3)[np.arange(50) % 3]
    found = thinned_average(model, x, y, samples=3, batch_size=16)
    assert found["agreement"] == 1.0
    assert found["thinned_average_accuracy"] == found["weight_scaled_accuracy"]


def test_with_dropout_the_thinned_networks_differ():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((40,)), keras.layers.Dropout(0.9, seed=1),
                              keras.layers.Dense(3)])
    x = np.random.default_rng(0).random((200, 40)).astype("float32")
    found = thinned_average(model, x, np.eye(3)[np.arange(200) % 3], samples=1)
    assert found["agreement"] < 1.0
