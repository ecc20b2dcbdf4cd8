"""`harness.models.autoencoder`: a one-hidden-layer image autoencoder with
dropout on its input or its embedding."""

import random

import keras
import numpy as np

from harness.models.autoencoder import build_autoencoder


def test_encoder_and_decoder_with_dropout_where_asked():
    model = build_autoencoder(0, hidden=8, pixels=16, name="ae")
    assert model.name == "ae" and model.output_shape == (None, 16)
    assert [layer.name for layer in model.layers[1:]] == ["encoder", "decoder"]
    assert model.get_layer("encoder").kernel.shape == (16, 8)
    both = build_autoencoder(0, hidden=8, pixels=16, input_dropout=0.5, hidden_dropout=0.2)
    kinds = [type(layer).__name__ for layer in both.layers[1:]]
    assert kinds == ["Dropout", "Dense", "Dropout", "Dense"]
    assert (both.layers[1].rate, both.layers[3].rate) == (0.5, 0.2)
    # Pixels in [0, 1]; dropout in training only.
    x = np.random.default_rng(0).uniform(size=(4, 16)).astype("float32")
    out = keras.ops.convert_to_numpy(both(x, training=False))
    assert out.min() >= 0 and out.max() <= 1
    np.testing.assert_array_equal(out, keras.ops.convert_to_numpy(both(x)))
    assert not np.allclose(out, keras.ops.convert_to_numpy(both(x, training=True)))


def test_weights_and_masks_come_from_the_seed_alone():
    """Nothing reads Python's global `random` (a Dask worker's other
    threads draw from it while a job runs)."""
    x = np.random.default_rng(0).uniform(size=(4, 16)).astype("float32")

    def built(seed):
        model = build_autoencoder(seed, hidden=8, pixels=16, input_dropout=0.5,
                                  hidden_dropout=0.5)
        return ([keras.ops.convert_to_numpy(w) for w in model.weights],
                keras.ops.convert_to_numpy(model(x, training=True)))

    random.seed(0)
    weights, out = built(1)
    random.random()
    again, out_again = built(1)
    for a, b in zip(weights, again, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(out, out_again)
    assert not np.allclose(weights[0], built(2)[0][0])


def test_batch_norm_between_the_linear_encoder_and_its_relu():
    model = build_autoencoder(0, hidden=8, pixels=16, batchnorm=True)
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == ["Dense", "BatchNormalization", "Activation", "Dense"]
    assert model.get_layer("encoder").activation.__name__ == "linear"
    x = np.random.default_rng(0).uniform(size=(4, 16)).astype("float32")
    embedding = keras.Model(model.input, model.get_layer("embedding").output)
    assert keras.ops.convert_to_numpy(embedding(x)).min() >= 0
