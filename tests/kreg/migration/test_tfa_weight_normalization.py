"""Porting `tfa.layers.WeightNormalization` (TensorFlow Addons) to kreg.

Our own tests of the behaviour that TensorFlow Addons documented and tested
for its wrapper, and of kreg's recipe for each difference:

- `data_init` (TFA's default `True`): kreg's `data_init=True` gives the
  paper's numbers; TFA's `g` was the paper's divided by `||v||` per unit,
  its biases the same. A layer without a bias gets its scale only.
- Recurrent layers: TFA normalized the cell's recurrent kernel, kreg's
  `kernels="recurrent"`.
- Transposed convolutions: TFA had one `g` per input channel (the last
  kernel axis), kreg's `scale_axes=-1`.
- `remove()`: a plain layer computing the same function.
- Trained TFA weights (`g`, `v`, `bias`, same layout as Keras's kernels)
  load into kreg's variables and compute TFA's function.
"""

import keras
import numpy as np
import pytest

from kreg.layers import WeightNormalization

L = keras.layers


def to_np(x):
    return keras.ops.convert_to_numpy(x)


def tfa_kernel(v, g):
    """TFA's effective kernel: `l2_normalize(v, all axes but the last) * g`."""
    axes = tuple(range(v.ndim - 1))
    squared = np.maximum((v.astype("float64") ** 2).sum(axis=axes,
                                                        keepdims=True), 1e-12)
    return (v / np.sqrt(squared) * g).astype("float32")


def tfa_data_init(preactivations_with_v):
    """TFA's data-dependent init from the pre-activations `x @ v + b0`:
    `g = 1 / std`, `bias = -mean / std` per unit (TFA's `g` starts at 1)."""
    flat = preactivations_with_v.reshape(-1, preactivations_with_v.shape[-1])
    scale = 1.0 / np.sqrt(flat.var(axis=0) + 1e-10)
    return scale, -flat.mean(axis=0) * scale


# TFA's test layers (Dense, SimpleRNN, Conv2D, LSTM) with the kreg arguments
# that reproduce its wrapper: recurrent layers normalize the recurrent
# kernel, and `data_init` (TFA's default) is for the feed-forward ones.
TFA_LAYERS = {
    "dense": (lambda: L.Dense(1), (1,), {"data_init": True}),
    "simple_rnn": (lambda: L.SimpleRNN(1), (10, 10), {"kernels": "recurrent"}),
    "conv2d": (lambda: L.Conv2D(3, 1), (3, 3, 1), {"data_init": True}),
    "lstm": (lambda: L.LSTM(1), (10, 10), {"kernels": "recurrent"}),
}


# ---------------------------------------------------------------- wrapping


def test_conv2d_output_shape_and_function_unchanged_at_wrapping(rng):
    inner = L.Conv2D(5, (2, 2))
    layer = WeightNormalization(inner)
    x = rng.normal(size=(2, 4, 4, 3)).astype("float32")
    y = to_np(layer(x))
    assert y.shape == (2, 3, 3, 5)
    np.testing.assert_allclose(y, to_np(inner(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(TFA_LAYERS))
def test_forward_pass_equals_the_wrapped_layer(name):
    # TFA's `g` starts at `||v||` (at its first call), kreg's at build: the
    # wrapper computes what the wrapped layer computed.
    factory, shape, kwargs = TFA_LAYERS[name]
    x = np.ones((1,) + shape, "float32")
    inner = factory()
    expected = to_np(inner(x))
    layer = WeightNormalization(inner, **{**kwargs, "data_init": False})
    np.testing.assert_allclose(to_np(layer(x)), expected, rtol=1e-6, atol=1e-6)


def test_dense_without_bias_with_data_init(rng):
    layer = WeightNormalization(L.Dense(5, use_bias=False), data_init=True)
    x = rng.normal(2.0, 3.0, size=(32, 4)).astype("float32")
    y = to_np(layer(x, training=True))
    assert y.shape == (32, 5)
    np.testing.assert_allclose(y.var(axis=0), 1.0, atol=1e-3)


def test_rejects_a_non_layer_and_a_layer_without_a_kernel():
    with pytest.raises(ValueError, match="argument `layer`"):
        WeightNormalization(np.ones((2, 4, 3)))
    pooling = WeightNormalization(L.MaxPooling2D(2, 2))
    with pytest.raises(ValueError, match="argument `layer`.*MaxPooling2D"):
        pooling(np.ones((2, 2, 2, 1), "float32"))


def test_inside_time_distributed():
    inputs = keras.Input(batch_shape=(2, 3, 6, 6, 3))
    wrapped = WeightNormalization(L.Conv2D(3, 3))
    model = keras.Model(inputs, L.TimeDistributed(wrapped)(inputs))
    assert model.output_shape == (2, 3, 4, 4, 3)
    x = np.ones((2, 3, 6, 6, 3), "float32")
    np.testing.assert_allclose(to_np(model(x))[:, 1],
                               to_np(wrapped.layer(x[:, 1])), rtol=1e-5,
                               atol=1e-5)


# --------------------------------------------------------------- data init


@pytest.mark.parametrize("data_init, divisor", [(False, 1.0), (True, 4.0)])
def test_identity_kernel_fixture(data_init, divisor):
    # TFA's fixture: an identity kernel (unit-norm columns), where TFA's and
    # the paper's data init agree: per unit the batch [-4, 4] has mean 0 and
    # standard deviation 4, so the outputs are the inputs divided by 4.
    x = np.array([[[-4, -4], [4, 4]]], "float32")
    inner = L.Dense(2, kernel_initializer="identity")
    layer = WeightNormalization(inner, data_init=data_init)
    np.testing.assert_allclose(to_np(layer(x, training=True)), x / divisor,
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(to_np(layer(x)), x / divisor, rtol=1e-6,
                               atol=1e-6)


@pytest.mark.parametrize("use_bias", [True, False])
def test_data_init_follows_the_paper_and_differs_from_tfa_by_the_norm(
        use_bias, rng):
    keras.utils.set_random_seed(0)
    inner = L.Dense(6, use_bias=use_bias, kernel_initializer="random_normal")
    layer = WeightNormalization(inner, data_init=True)
    x = rng.normal(1.0, 3.0, size=(64, 5)).astype("float32")
    layer.build(x.shape)
    v = to_np(layer.kernel_v).copy()
    y = to_np(layer(x, training=True))
    # The paper: the first batch's pre-activations have mean 0 (with a
    # bias) and variance 1 per unit.
    np.testing.assert_allclose(y.var(axis=0), 1.0, atol=1e-3)
    tfa_g, tfa_bias = tfa_data_init(x @ v)
    norms = np.linalg.norm(v, axis=0)
    # kreg's g is TFA's times ||v|| per unit; the biases are TFA's.
    np.testing.assert_allclose(to_np(layer.scale), tfa_g * norms, rtol=1e-4)
    if use_bias:
        np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-4)
        np.testing.assert_allclose(to_np(layer.effective_bias), tfa_bias,
                                   rtol=1e-4, atol=1e-5)
    else:
        assert layer.bias_offset is None
        # Only the scale moved: the means of x @ v / std(x @ v) stay.
        np.testing.assert_allclose(y.mean(axis=0), -tfa_bias, rtol=1e-4,
                                   atol=1e-5)
    # TFA's first-batch variances were 1 / ||v||^2, not 1.
    tfa_y = x @ tfa_kernel(v, tfa_g) + (tfa_bias if use_bias else 0.0)
    np.testing.assert_allclose(tfa_y.var(axis=0), 1.0 / norms**2, rtol=1e-3)


def test_data_init_runs_on_the_first_training_call_only(rng):
    # TFA initialized on the first call whatever `training`; kreg waits for
    # the first call with `training=True` (Keras's `fit`).
    layer = WeightNormalization(L.Dense(3), data_init=True)
    x = rng.normal(2.0, 3.0, size=(16, 4)).astype("float32")
    layer(x)
    assert not bool(to_np(layer.initialized))
    layer(x, training=True)
    assert bool(to_np(layer.initialized))


def test_data_init_refused_for_recurrent_layers():
    # TFA only warned ("advised against by the paper") and tiled a scale
    # computed from the layer's outputs; kreg refuses.
    with pytest.raises(ValueError, match="argument `data_init`.*recurrent"):
        WeightNormalization(L.LSTM(1), data_init=True, kernels="recurrent")


# --------------------------------------------------------- recurrent layers


@pytest.mark.parametrize("factory, gates", [(lambda: L.SimpleRNN(3), 1),
                                            (lambda: L.LSTM(3), 4),
                                            (lambda: L.GRU(3), 3)])
def test_recurrent_kernel_is_the_one_normalized(factory, gates, rng):
    layer = WeightNormalization(factory(), kernels="recurrent")
    x = rng.normal(size=(4, 6, 2)).astype("float32")
    layer.build(x.shape)
    cell = layer.layer.cell
    assert layer.kernel_v is cell.recurrent_kernel
    assert layer.g.shape == (gates * 3,)
    assert [k.variable for k in layer.normalized_kernels] == [
        cell.recurrent_kernel]
    g = rng.uniform(0.5, 2.0, size=layer.g.shape).astype("float32")
    layer.g.assign(g)
    # TFA's effective recurrent kernel: one norm per column.
    v = to_np(cell.recurrent_kernel)
    expected_kernel = tfa_kernel(v, g)
    np.testing.assert_allclose(to_np(layer.kernel), expected_kernel,
                               rtol=1e-5, atol=1e-6)
    # The layer runs with it, its input kernel untouched.
    reference = factory()
    reference.build(x.shape)
    reference.set_weights(layer.layer.get_weights())
    reference.cell.recurrent_kernel.assign(expected_kernel)
    np.testing.assert_allclose(to_np(layer(x)), to_np(reference(x)),
                               rtol=1e-5, atol=1e-5)


def test_recurrent_layer_trains_g_and_the_recurrent_kernel(rng):
    layer = WeightNormalization(L.LSTM(2), kernels="recurrent")
    model = keras.Sequential([keras.Input((5, 3)), layer, L.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = rng.normal(size=(16, 5, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    before = to_np(layer.kernel_v).copy(), to_np(layer.g).copy()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert np.abs(to_np(layer.kernel_v) - before[0]).max() > 1e-5
    assert np.abs(to_np(layer.g) - before[1]).max() > 1e-5


# ---------------------------------------------------- transposed convolutions


@pytest.mark.parametrize("factory, shape", [
    (lambda: L.Conv1DTranspose(4, 3, strides=2), (2, 5, 6)),
    (lambda: L.Conv2DTranspose(2, 3, padding="same"), (2, 4, 4, 5)),
])
def test_transposed_conv_per_input_channel_as_tfa(factory, shape, rng):
    layer = WeightNormalization(factory(), scale_axes=-1)
    x = rng.normal(size=shape).astype("float32")
    layer.build(x.shape)
    in_channels = shape[-1]
    assert layer.g.shape == (in_channels,)
    g = rng.uniform(-2.0, 2.0, size=in_channels).astype("float32")
    layer.g.assign(g)
    v = to_np(layer.kernel_v)
    kernel = to_np(layer.kernel)
    # The norm of each input channel's slice (window and filters) is |g|.
    norms = np.sqrt((kernel**2).reshape(-1, in_channels).sum(axis=0))
    np.testing.assert_allclose(norms, np.abs(g), rtol=1e-5)
    np.testing.assert_allclose(kernel, tfa_kernel(v, g), rtol=1e-5, atol=1e-6)
    plain = layer.remove()
    np.testing.assert_allclose(to_np(plain.kernel), tfa_kernel(v, g),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(layer(x)), to_np(plain(x)), rtol=1e-5,
                               atol=1e-5)


def test_transposed_conv_default_is_per_output_filter(rng):
    layer = WeightNormalization(L.Conv1DTranspose(4, 3))
    layer.build((2, 5, 6))
    assert layer.g.shape == (4,)
    v = to_np(layer.kernel_v)  # (window, filters, in)
    norms = np.sqrt((v**2).sum(axis=(0, 2)))
    np.testing.assert_allclose(to_np(layer.g), norms, rtol=1e-6)


def test_trained_tfa_weights_load_and_compute_tfa_function(rng):
    # A MelGAN-style upsampler, no bias: TFA's variables `g` (one per input
    # channel) and `v` (the Keras kernel layout) load as they are.
    layer = WeightNormalization(L.Conv1DTranspose(3, 4, strides=2,
                                                  use_bias=False),
                                scale_axes=-1)
    layer.build((2, 7, 5))
    v = rng.normal(size=(4, 3, 5)).astype("float32")
    g = rng.uniform(0.5, 2.0, size=5).astype("float32")
    layer.kernel_v.assign(v)
    layer.g.assign(g)
    reference = L.Conv1DTranspose(3, 4, strides=2, use_bias=False)
    reference.build((2, 7, 5))
    reference.kernel.assign(tfa_kernel(v, g))
    x = rng.normal(size=(2, 7, 5)).astype("float32")
    np.testing.assert_allclose(to_np(layer(x)), to_np(reference(x)),
                               rtol=1e-5, atol=1e-5)


# ------------------------------------------------ removal and serialization


@pytest.mark.parametrize("name", sorted(TFA_LAYERS))
def test_remove_gives_a_plain_layer_with_the_same_outputs(name):
    factory, shape, kwargs = TFA_LAYERS[name]
    x = np.ones((2,) + shape, "float32")
    x[1] *= -0.5
    inner = factory()
    layer = WeightNormalization(inner, **kwargs)
    y = to_np(layer(x, training=True))
    removed = layer.remove()
    assert type(removed) is type(inner)
    assert removed is not inner
    np.testing.assert_allclose(to_np(removed(x)), y, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(TFA_LAYERS))
def test_serialization_round_trip(name, rng, keras_roundtrip):
    factory, shape, kwargs = TFA_LAYERS[name]
    layer = WeightNormalization(factory(), **kwargs)
    clone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert isinstance(clone, WeightNormalization)
    assert type(clone.layer) is type(layer.layer)
    assert (clone.data_init, clone.kernels, clone.scale_axes) == (
        layer.data_init, layer.kernels, layer.scale_axes)
    model = keras.Sequential([keras.Input(shape), layer])
    x = rng.normal(1.0, 2.0, size=(4,) + shape).astype("float32")
    model(x, training=True)
    loaded = keras_roundtrip(model)
    np.testing.assert_allclose(to_np(loaded(x)), to_np(model(x)), rtol=1e-6,
                               atol=1e-6)
