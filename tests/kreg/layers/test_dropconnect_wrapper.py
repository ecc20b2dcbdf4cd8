"""`DropConnect` on any layer's kernels: masked fraction, expectation,
recurrent kernels, saving, mixed precision, three backends."""

import math

import keras
import numpy as np
import pytest

from kreg.layers import DropConnect

L = keras.layers
_np = keras.ops.convert_to_numpy


def test_masked_fraction_and_scaling_on_a_dense_kernel():
    layer = DropConnect(L.Dense(64, use_bias=False, kernel_initializer="ones"),
                        rate=0.25, seed=2)
    x = np.eye(64, dtype="float32")  # row i reads the masked kernel's row i
    masks = np.concatenate([_np(layer(x, training=True)) for _ in range(10)])
    np.testing.assert_allclose(np.unique(masks), [0.0, 1 / 0.75], rtol=1e-6)
    assert abs(np.mean(masks == 0) - 0.25) < 5 * math.sqrt(0.25 * 0.75 / masks.size)
    # One mask per call, shared by the batch: two identical rows agree.
    out = _np(layer(np.ones((2, 64), "float32"), training=True))
    np.testing.assert_array_equal(out[0], out[1])


@pytest.mark.parametrize("factory, shape", [
    (lambda: L.Conv2D(3, 3), (2, 6, 6, 2)),
    (lambda: L.Conv2DTranspose(3, 3), (2, 4, 4, 2)),
    (lambda: L.DepthwiseConv2D(3), (2, 6, 6, 2)),
])
def test_expectation_is_the_unmasked_layer(factory, shape):
    keras.utils.set_random_seed(0)
    layer = DropConnect(factory(), rate=0.5, seed=1)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    reference = _np(layer(x))  # inference: the layer unchanged
    np.testing.assert_allclose(reference, _np(layer.layer(x)), rtol=1e-6)
    draws = np.stack([_np(layer(x, training=True)) for _ in range(400)])
    se = draws.std(axis=0) / math.sqrt(len(draws))
    z = np.abs(draws.mean(axis=0) - reference) / np.maximum(se, 1e-6)
    assert np.mean(z < 4) > 0.99


def test_recurrent_kernel_weight_drop():
    """AWD-LSTM's WeightDrop: the recurrent kernel is masked, the input
    kernel is not; the LSTM trains with it."""
    keras.utils.set_random_seed(0)
    lstm = L.LSTM(6)
    layer = DropConnect(lstm, rate=0.5, kernels="recurrent", seed=3)
    x = np.random.default_rng(0).normal(size=(8, 5, 3)).astype("float32")
    layer.build(x.shape)
    assert [k.variable.name for k in layer._targets] == ["recurrent_kernel"]
    a, b = _np(layer(x, training=True)), _np(layer(x, training=True))
    assert not np.allclose(a, b)
    np.testing.assert_allclose(_np(layer(x)), _np(lstm(x)), rtol=1e-6)
    model = keras.Sequential([keras.Input((5, 3)), layer, L.Dense(1)])
    model.compile("adam", "mse")
    before = _np(lstm.cell.recurrent_kernel).copy()
    model.fit(x, np.zeros((8, 1)), epochs=2, verbose=0)
    assert np.abs(_np(lstm.cell.recurrent_kernel) - before).max() > 1e-5


def test_round_trip_and_errors(keras_roundtrip):
    model = keras.Sequential([keras.Input((4,)), DropConnect(
        L.Dense(3), rate=0.5, seed=1, name="dc")])
    loaded = keras_roundtrip(model)
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6)
    assert loaded.layers[0].get_config()["rate"] == 0.5
    with pytest.raises(ValueError, match=r"argument `kernels`.*Received: kernels=x"):
        DropConnect(L.Dense(2), kernels="x")
    with pytest.raises(ValueError, match=r"argument `layer`.*recurrent kernel"):
        DropConnect(L.Dense(2), kernels="recurrent").build((None, 3))


def test_mixed_precision(mixed_precision):
    layer = DropConnect(L.Dense(4), rate=0.5, seed=0)
    y = layer(np.ones((2, 3), "float32"), training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
