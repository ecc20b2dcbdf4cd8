"""`harness.models.input_noise`: dropout or Gaussian noise on the input
pixels, in training only."""

import keras
import numpy as np
import pytest

from harness.models.input_noise import input_layer, input_variants


def test_input_layers_are_dropout_or_additive_noise():
    assert input_layer("none", 0.0, 0) == []
    dropout, = input_layer("dropout", 0.2, 0)
    noise, = input_layer("noise", 0.3, 0)
    assert isinstance(dropout, keras.layers.Dropout) and dropout.rate == 0.2
    assert isinstance(noise, keras.layers.GaussianNoise) and noise.stddev == 0.3
    # Active in training only: inference sees the clean pixels.
    x = np.full((4, 28, 28, 1), 0.5, dtype="float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(noise(x)), x)
    noisy = keras.ops.convert_to_numpy(noise(x, training=True))
    assert abs(float(np.std(noisy - x)) - 0.3) < 0.02
    dropped = keras.ops.convert_to_numpy(dropout(x, training=True))
    assert set(np.unique(dropped)) <= {0.0, np.float32(0.5 / 0.8)}
    with pytest.raises(ValueError, match="kind='blur'"):
        input_layer("blur", 1.0, 0)


def test_variants_name_each_setting():
    assert input_variants([0.2, 0.5], [0.1, 0.3]) == {
        "none": ("none", 0.0), "dropout 0.2": ("dropout", 0.2),
        "dropout 0.5": ("dropout", 0.5), "noise 0.1": ("noise", 0.1),
        "noise 0.3": ("noise", 0.3)}
