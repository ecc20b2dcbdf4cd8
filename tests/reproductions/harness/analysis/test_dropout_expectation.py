import keras
import numpy as np
import pytest

from harness.analysis.dropout_expectation import dropout_expectation
from kreg.layers import VanillaDropout


@pytest.mark.parametrize("layer_class", [keras.layers.Dropout, VanillaDropout])
def test_gap_is_monte_carlo_noise_for_dropout(layer_class):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(0.5, 2.0, size=(20, 50)).astype("float32")
    samples, keep = 400, 0.5
    check = dropout_expectation(layer_class(1 - keep, seed=1), x, samples)
    expected = np.sqrt((1 - keep) / (keep * samples))
    assert 0.8 * expected < check["rms_gap"] < 1.2 * expected
    assert check["train_mean"].shape == x.shape


def test_a_biased_layer_shows_a_gap():
    class Biased(keras.layers.Layer):
        def call(self, x, training=None):
            return x * 2.0 if training else x

    check = dropout_expectation(Biased(), np.ones((2, 3)), samples=5)
    assert check["rms_gap"] == pytest.approx(1.0)
    assert check["max_abs_gap"] == pytest.approx(1.0)


def test_rejects_bad_samples():
    with pytest.raises(ValueError, match="positive integer"):
        dropout_expectation(keras.layers.Dropout(0.5), np.ones((1, 2)), samples=0)
