import random

import keras
import numpy as np
import pytest

from harness.models.lenet5 import build_lenet5, compiled_lenet5


def test_lenet5_shape_and_dropout_layers():
    model = build_lenet5()
    assert model.output_shape == (None, 10)
    assert model.count_params() == 61706
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in model.layers)
    with_dropout = build_lenet5(dropout_rate=0.5, seed=0)
    assert [layer.name for layer in with_dropout.layers
            if isinstance(layer, keras.layers.Dropout)] == ["dropout_f5", "dropout_f6"]
    x = np.random.default_rng(0).uniform(size=(2, 784)).astype("float32")
    np.testing.assert_array_equal(with_dropout(x), with_dropout(x))


def test_augmentation_runs_before_c1_and_only_in_training():
    model = build_lenet5(augmentation=[keras.layers.RandomTranslation(0.2, 0.2, seed=0)])
    assert model.layers[1].name.startswith("random_translation")
    x = np.random.default_rng(0).uniform(size=(2, 784)).astype("float32")
    inference = model(x, training=False)
    np.testing.assert_array_equal(model(x, training=False), inference)
    assert not np.allclose(model(x, training=True), inference)


def test_rejects_bad_rate():
    with pytest.raises(ValueError, match="dropout_rate"):
        build_lenet5(dropout_rate=1.0)


def test_a_seed_gives_the_kernels_of_keras_defaults_and_ignores_the_global_random():
    """With `seed`, the kernels are those Keras's default initializers draw
    after `keras.utils.set_random_seed(seed)`, whatever else draws from
    Python's global random (a Dask worker's threads do) before or between
    builds; the dropout layers take no draw from it."""
    keras.utils.set_random_seed(4)
    defaults = build_lenet5()
    random.random()
    seeded = build_lenet5(dropout_rate=0.5, seed=4)
    random.random()
    again = build_lenet5(dropout_rate=0.5, seed=4)
    kernels = ("c1", "c3", "f5", "f6", "logits")
    for name in kernels:
        expected = keras.ops.convert_to_numpy(defaults.get_layer(name).kernel)
        for model in (seeded, again):
            np.testing.assert_array_equal(model.get_layer(name).kernel, expected)
    other = build_lenet5(seed=5)
    assert not np.array_equal(other.get_layer("c1").kernel, seeded.get_layer("c1").kernel)


def test_compiled_lenet5_is_the_same_network_from_the_same_seed():
    first = compiled_lenet5(3, 0.01, dropout_rate=0.5)
    random.random()
    second = compiled_lenet5(3, 0.01, dropout_rate=0.5)
    assert float(keras.ops.convert_to_numpy(first.optimizer.learning_rate)) == \
        pytest.approx(0.01)
    assert first.loss.from_logits
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).uniform(size=(32, 784)).astype("float32")
    y = np.eye(10, dtype="float32")[np.arange(32) % 10]
    losses = [model.fit(x, y, epochs=2, batch_size=8, verbose=0).history["loss"]
              for model in (first, second)]
    assert losses[0] == losses[1]  # the same batch order and dropout masks
