"""`WeightNormalization` on every kind of Keras layer with a kernel: the
right output axis, data init, folding back, saving, TimeDistributed."""

import keras
import numpy as np
import pytest

from kreg.kernels import layer_kernels
from kreg.layers import WeightNormalization

L = keras.layers


def to_np(x):
    return keras.ops.convert_to_numpy(x)


# name: (layer factory, input shape, unit axes of the normalized kernel)
LAYERS = {
    "conv1d_transpose": (lambda: L.Conv1DTranspose(3, 3, strides=2), (4, 6, 2), (1,)),
    "conv2d_transpose": (lambda: L.Conv2DTranspose(3, 3, strides=2,
                                                   padding="same"), (4, 5, 5, 2), (2,)),
    "conv3d_transpose": (lambda: L.Conv3DTranspose(2, 2), (2, 3, 3, 3, 2), (3,)),
    "depthwise_conv1d": (lambda: L.DepthwiseConv1D(3, depth_multiplier=2), (4, 7, 3), (1, 2)),
    "depthwise_conv2d": (lambda: L.DepthwiseConv2D(3, depth_multiplier=2), (4, 6, 6, 3), (2, 3)),
    "separable_conv1d": (lambda: L.SeparableConv1D(4, 3), (4, 7, 3), (2,)),
    "separable_conv2d": (lambda: L.SeparableConv2D(4, 3), (4, 6, 6, 3), (3,)),
    "einsum_dense": (lambda: L.EinsumDense("abc,cd->abd", (None, 4), bias_axes="d"),
                     (4, 3, 5), (1,)),
    "dense_subclass": (lambda: type("MyDense", (L.Dense,), {})(3), (4, 5), (1,)),
    "simple_rnn": (lambda: L.SimpleRNN(4), (4, 5, 3), (1,)),
    "lstm": (lambda: L.LSTM(4, dropout=0.2, return_sequences=True), (4, 5, 3), (1,)),
    "gru": (lambda: L.GRU(4), (4, 5, 3), (1,)),
}
DATA_INIT = ["conv1d_transpose", "conv2d_transpose", "depthwise_conv2d",
             "separable_conv2d", "einsum_dense"]


def make(name, **kwargs):
    factory, shape, _ = LAYERS[name]
    keras.utils.set_random_seed(0)
    layer = WeightNormalization(factory(), **kwargs)
    layer.build(shape)
    return layer, shape


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_unchanged_at_wrapping_and_norm_on_the_unit_axes(name, rng):
    layer, shape = make(name)
    x = rng.normal(size=shape).astype("float32")
    np.testing.assert_allclose(to_np(layer(x)), to_np(layer.layer(x)),
                               rtol=1e-5, atol=1e-5)
    unit_axes = LAYERS[name][2]
    kernel_v = to_np(layer.kernel_v)
    norm_axes = tuple(a for a in range(kernel_v.ndim) if a not in unit_axes)
    assert layer.g.shape == tuple(kernel_v.shape[a] for a in unit_axes)
    g = rng.uniform(0.5, 2.0, size=layer.g.shape).astype("float32")
    layer.g.assign(g)
    norms = np.sqrt((to_np(layer.kernel) ** 2).sum(axis=norm_axes))
    np.testing.assert_allclose(norms, g, rtol=1e-5)


@pytest.mark.parametrize("name", ["conv2d_transpose", "depthwise_conv2d",
                                  "separable_conv2d", "lstm"])
def test_trains_and_gradients_reach_v_and_g(name, rng):
    factory, shape, _ = LAYERS[name]
    keras.utils.set_random_seed(0)
    layer = WeightNormalization(factory())
    model = keras.Sequential([keras.Input(shape[1:]), layer, L.Flatten(), L.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), "mse")
    x = rng.normal(size=(16,) + shape[1:]).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    before = to_np(layer.kernel_v).copy(), to_np(layer.g).copy()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert np.abs(to_np(layer.kernel_v) - before[0]).max() > 1e-5
    assert np.abs(to_np(layer.g) - before[1]).max() > 1e-5


@pytest.mark.parametrize("name", DATA_INIT)
def test_data_init_standardizes_each_output_channel(name, rng):
    factory, shape, _ = LAYERS[name]
    keras.utils.set_random_seed(0)
    layer = WeightNormalization(factory(), data_init=True)
    x = rng.normal(2.0, 3.0, size=(16,) + shape[1:]).astype("float32")
    y = to_np(layer(x, training=True))
    flat = y.reshape(-1, y.shape[-1])
    np.testing.assert_allclose(flat.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(flat.var(axis=0), 1.0, atol=1e-3)
    np.testing.assert_allclose(to_np(layer(x)), y, atol=1e-4)


def test_data_init_refused_for_recurrent_layers():
    with pytest.raises(ValueError, match="argument `data_init`.*recurrent"):
        WeightNormalization(L.LSTM(3), data_init=True)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_to_layer_and_keras_round_trip(name, rng, keras_roundtrip):
    data_init = name in DATA_INIT
    factory, shape, _ = LAYERS[name]
    keras.utils.set_random_seed(0)
    layer = WeightNormalization(factory(), data_init=data_init)
    model = keras.Sequential([keras.Input(shape[1:]), layer])
    x = rng.normal(1.0, 2.0, size=shape).astype("float32")
    layer(x, training=True)
    layer.g.assign(layer.g * 1.5)
    expected = to_np(model(x))
    plain = layer.to_layer()
    assert type(plain) is type(layer.layer)
    np.testing.assert_allclose(to_np(plain(x)), expected, rtol=1e-5, atol=1e-5)
    if name == "dense_subclass":
        return  # a class defined in a test cannot be deserialized safely
    loaded = keras_roundtrip(model)
    np.testing.assert_allclose(to_np(loaded(x)), expected, rtol=1e-6, atol=1e-6)


def test_inside_time_distributed(rng):
    wrapped = WeightNormalization(L.Dense(3), data_init=True)
    model = keras.Sequential([keras.Input((5, 4)), L.TimeDistributed(wrapped)])
    x = rng.normal(size=(6, 5, 4)).astype("float32")
    y = to_np(model(x, training=True))
    assert y.shape == (6, 5, 3)
    # TimeDistributed calls the wrapper once per time step: the first step's
    # batch initializes it, once.
    assert bool(to_np(wrapped.initialized))
    np.testing.assert_allclose(y[:, 0].mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(y[:, 0].var(axis=0), 1.0, atol=1e-3)
    np.testing.assert_allclose(to_np(model(x)), y, atol=1e-4)


def test_declares_the_wrapped_kernels():
    layer, _ = make("separable_conv2d")
    declared = [k.variable.path for k in layer.kreg_kernels()]
    assert declared == [k.variable.path for k in layer_kernels(layer.layer)]
    assert layer.kernel_v is layer.layer.pointwise_kernel


def test_mixed_float16(rng, mixed_precision):
    layer = WeightNormalization(L.Conv2DTranspose(3, 3), data_init=True)
    y = layer(rng.normal(size=(4, 5, 5, 2)).astype("float32"), training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    assert np.isfinite(to_np(y)).all()
