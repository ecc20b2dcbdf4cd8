import functools
import re

import keras
import numpy as np
import pytest

from kreg.layers.weight_norm import WeightNormalization


def to_np(x):
    return keras.ops.convert_to_numpy(x)


# Inner layers and input shapes (batch first) covering every supported type
# and the convolution options the wrapper re-implements.
CASES = {
    "dense": (lambda: keras.layers.Dense(4, activation="tanh"), (8, 5)),
    "dense_rank3": (lambda: keras.layers.Dense(4), (4, 3, 5)),
    "conv1d_causal": (
        lambda: keras.layers.Conv1D(3, 3, padding="causal", dilation_rate=2),
        (4, 9, 2),
    ),
    "conv2d": (
        lambda: keras.layers.Conv2D(4, 3, strides=2, padding="same"),
        (4, 8, 8, 3),
    ),
    "conv2d_channels_first": (
        lambda: keras.layers.Conv2D(
            4, 3, data_format="channels_first", activation="relu"
        ),
        (4, 3, 7, 7),
    ),
    "conv3d": (lambda: keras.layers.Conv3D(2, 2), (2, 4, 4, 4, 3)),
}


@functools.cache
def _plain_layer_error(case):
    """What a plain (unwrapped) layer of `case` raises on this backend and
    device, or None. TensorFlow's CPU kernels have no channels_first Conv2D
    (`UnimplementedError`: "only supports the NHWC tensor format"); JAX and
    PyTorch run it."""
    build_layer, shape = CASES[case]
    try:
        build_layer()(np.zeros(shape, "float32"))
    except Exception as error:
        if type(error).__name__ != "UnimplementedError":
            raise
        reason = re.search(r"The \S+ op currently only supports[^.}]*", str(error))
        return reason.group(0) if reason else type(error).__name__
    return None


def skip_unless_plain_layer_runs(case):
    error = _plain_layer_error(case)
    if error is not None:
        pytest.skip(f"{case}: the plain Keras layer cannot run on this "
                    f"backend and device either ({error})")


def make(case, **kwargs):
    build_layer, shape = CASES[case]
    layer = WeightNormalization(build_layer(), **kwargs)
    layer.build(shape)
    return layer, shape


def channel_last(array, layer):
    """Moves the channel axis of `array` last (for channels_first convs)."""
    if getattr(layer.layer, "data_format", "channels_last") == "channels_first":
        return np.moveaxis(array, 1, -1)
    return array


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "layer, shape, match",
    [
        (keras.layers.LayerNormalization(), (2, 3), "type LayerNormalization"),
        (keras.layers.Embedding(10, 3), (2, 4), "type Embedding"),
        (keras.layers.Dropout(0.5), (2, 3), "type Dropout"),
    ],
)
def test_rejects_layers_without_a_kernel_naming_them(layer, shape, match):
    with pytest.raises(ValueError, match=f"argument `layer`.*{match}"):
        WeightNormalization(layer).build(shape)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"data_init": 1}, "argument `data_init`.*data_init=1"),
        ({"epsilon": 0}, "argument `epsilon`.*epsilon=0"),
        ({"epsilon": "tiny"}, "argument `epsilon`.*epsilon=tiny"),
    ],
)
def test_invalid_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WeightNormalization(keras.layers.Dense(2), **kwargs)


def test_data_init_needs_g_on_the_output_units():
    match = "argument `data_init`.*scale_axes=None"
    with pytest.raises(ValueError, match=match):
        WeightNormalization(keras.layers.Dense(2), data_init=True,
                            scale_axes=None)
    layer = WeightNormalization(keras.layers.Conv1DTranspose(2, 3),
                                data_init=True, scale_axes=-1)
    with pytest.raises(ValueError, match="argument `data_init`.*scale_axes=-1"):
        layer.build((None, 5, 3))


@pytest.mark.parametrize(
    "scale_axes",
    ["unit", 1.5, (), (0, 0), [True]],
)
def test_invalid_scale_axes_raise(scale_axes):
    with pytest.raises(ValueError, match="argument `scale_axes`"):
        WeightNormalization(keras.layers.Dense(2), scale_axes=scale_axes)


@pytest.mark.parametrize("scale_axes", [2, -3, (0, 1)])
def test_scale_axes_outside_the_kernel_raise_at_build(scale_axes):
    layer = WeightNormalization(keras.layers.Dense(2), scale_axes=scale_axes)
    with pytest.raises(ValueError, match="argument `scale_axes`.*rank 2"):
        layer.build((None, 3))


def test_recurrent_kernels_need_a_recurrent_layer():
    layer = WeightNormalization(keras.layers.Dense(2), kernels="recurrent")
    with pytest.raises(ValueError, match="argument `kernels`.*type Dense"):
        layer.build((None, 3))


def test_rejects_lora():
    with pytest.raises(ValueError, match="LoRA is not supported.*lora_rank=2"):
        WeightNormalization(keras.layers.Dense(4, lora_rank=2))


# ------------------------------------------------------ normalization math


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_output_and_shape_as_inner_layer_at_construction(case, rng):
    skip_unless_plain_layer_runs(case)
    layer, shape = make(case)
    x = rng.normal(size=shape).astype("float32")
    kernel_v = to_np(layer.kernel_v)
    # g = ||v|| per output unit, so w = v.
    norms = np.sqrt((kernel_v**2).reshape(-1, kernel_v.shape[-1]).sum(axis=0))
    np.testing.assert_allclose(to_np(layer.g), norms, rtol=1e-6)
    np.testing.assert_allclose(to_np(layer.kernel), kernel_v, rtol=1e-5, atol=1e-7)
    y = layer(x)
    np.testing.assert_allclose(to_np(y), to_np(layer.layer(x)), rtol=1e-5, atol=1e-5)
    # compute_output_shape agrees with the actual output.
    assert layer.compute_output_shape(shape) == tuple(y.shape)
    assert layer.compute_output_shape((None,) + shape[1:])[1:] == y.shape[1:]


@pytest.mark.parametrize("case", ["dense", "conv2d", "conv3d"])
def test_per_unit_norms_of_kernel_equal_abs_g(case, rng):
    layer, _ = make(case)
    units = layer.g.shape[0]
    g = rng.uniform(-3.0, 3.0, size=units).astype("float32")
    layer.g.assign(g)
    kernel = to_np(layer.kernel).reshape(-1, units)
    np.testing.assert_allclose(np.linalg.norm(kernel, axis=0), np.abs(g), rtol=1e-5)
    # The direction is that of v.
    v = to_np(layer.kernel_v).reshape(-1, units)
    expected = g * v / np.linalg.norm(v, axis=0)
    np.testing.assert_allclose(kernel, expected, rtol=1e-5, atol=1e-7)


def test_output_is_invariant_to_the_scale_of_v(rng):
    layer, shape = make("conv2d")
    x = rng.normal(size=shape).astype("float32")
    before = to_np(layer(x))
    layer.kernel_v.assign(layer.kernel_v * 0.01)
    np.testing.assert_allclose(to_np(layer(x)), before, rtol=1e-4, atol=1e-5)
    # The wrapped layer itself is not scale invariant.
    assert np.abs(to_np(layer.layer(x)) - before).max() > 1e-2


def test_zero_kernel_gives_bias_not_nan():
    layer = WeightNormalization(
        keras.layers.Dense(3, kernel_initializer="zeros", bias_initializer="ones")
    )
    y = to_np(layer(np.ones((2, 4), "float32")))
    np.testing.assert_array_equal(y, np.ones((2, 3)))


def test_training_flag_does_not_change_output_without_data_init(rng):
    layer, shape = make("conv2d")
    x = rng.normal(size=shape).astype("float32")
    y_inf = to_np(layer(x, training=False))
    np.testing.assert_array_equal(to_np(layer(x, training=False)), y_inf)
    np.testing.assert_array_equal(to_np(layer(x, training=True)), y_inf)


# ------------------------------------------------------------------ training


@pytest.mark.parametrize("case", ["dense", "conv2d"])
def test_gradients_reach_v_g_and_bias(case, rng):
    build_layer, shape = CASES[case]
    layer = WeightNormalization(build_layer())
    model = keras.Sequential(
        [keras.Input(shape[1:]), layer, keras.layers.Flatten()]
    )
    x = rng.normal(size=(16,) + shape[1:]).astype("float32")
    y = rng.normal(size=(16,) + model.output_shape[1:]).astype("float32")
    model.compile(keras.optimizers.SGD(0.1), "mse")
    variables = {"v": layer.kernel_v, "g": layer.g, "bias": layer.layer.bias}
    assert len(model.trainable_weights) == 3
    before = {k: to_np(v).copy() for k, v in variables.items()}
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for name, variable in variables.items():
        assert np.abs(to_np(variable) - before[name]).max() > 1e-4, name


# ---------------------------------------------------------------- data init


def assert_standardized(preact, mean_atol=1e-4, var_atol=1e-3):
    flat = preact.reshape(-1, preact.shape[-1])
    np.testing.assert_allclose(flat.mean(axis=0), 0.0, atol=mean_atol)
    np.testing.assert_allclose(flat.var(axis=0), 1.0, atol=var_atol)


@pytest.mark.parametrize("case", ["dense", "conv2d", "conv2d_channels_first"])
def test_data_init_standardizes_first_batch_once(case, rng):
    skip_unless_plain_layer_runs(case)
    build_layer, shape = CASES[case]
    inner = build_layer()
    inner.activation = keras.activations.linear  # look at pre-activations
    layer = WeightNormalization(inner, data_init=True)
    x1 = rng.normal(3.0, 5.0, size=(16,) + shape[1:]).astype("float32")
    x2 = rng.normal(-1.0, 0.2, size=(16,) + shape[1:]).astype("float32")
    layer(x1, training=False)
    assert not bool(to_np(layer.initialized))

    y1 = channel_last(to_np(layer(x1, training=True)), layer)
    assert bool(to_np(layer.initialized))
    assert_standardized(y1)
    y1_inf = channel_last(to_np(layer(x1, training=False)), layer)
    np.testing.assert_allclose(y1_inf, y1, atol=1e-5)

    offsets = to_np(layer.g_offset).copy(), to_np(layer.bias_offset).copy()
    y2 = channel_last(to_np(layer(x2, training=True)), layer)
    np.testing.assert_array_equal(to_np(layer.g_offset), offsets[0])
    np.testing.assert_array_equal(to_np(layer.bias_offset), offsets[1])
    assert np.abs(y2.reshape(-1, y2.shape[-1]).mean(axis=0)).max() > 0.1


def test_data_init_inside_compiled_fit_once_only(rng):
    x1 = rng.normal(3.0, 5.0, size=(16, 8, 8, 3)).astype("float32")
    x2 = rng.normal(-1.0, 0.2, size=(16, 8, 8, 3)).astype("float32")
    layer = WeightNormalization(
        keras.layers.Conv2D(4, 3, activation="relu"), data_init=True
    )
    model = keras.Sequential([keras.Input((8, 8, 3)), layer])
    y = np.zeros((16, 6, 6, 4), "float32")
    # A zero learning rate leaves the weights at their initialized values.
    model.compile(keras.optimizers.SGD(0.0), "mse")
    model.fit(x1, y, batch_size=16, epochs=1, verbose=0)
    assert bool(to_np(layer.initialized))
    # Pre-activations (before the relu) of the init batch are standardized.
    plain = layer.to_layer()
    plain.activation = keras.activations.linear
    assert_standardized(to_np(plain(x1)))
    offsets = to_np(layer.g_offset).copy(), to_np(layer.bias_offset).copy()
    model.fit(x2, y, batch_size=16, epochs=1, verbose=0)
    np.testing.assert_array_equal(to_np(layer.g_offset), offsets[0])
    np.testing.assert_array_equal(to_np(layer.bias_offset), offsets[1])


# -------------------------------------------------------------------- export


@pytest.mark.parametrize("case", sorted(CASES))
def test_to_layer_gives_identical_outputs(case, rng):
    skip_unless_plain_layer_runs(case)
    build_layer, shape = CASES[case]
    layer = WeightNormalization(build_layer(), data_init=True)
    x = rng.normal(1.0, 2.0, size=shape).astype("float32")
    layer(x, training=True)
    layer.g.assign(layer.g * 1.5)
    inner_kernel = to_np(layer.layer.kernel).copy()
    plain = layer.to_layer()
    assert type(plain) is type(layer.layer)
    assert plain.get_config() == layer.layer.get_config()
    np.testing.assert_allclose(to_np(plain(x)), to_np(layer(x)), rtol=1e-6, atol=1e-6)
    # The wrapped layer keeps v.
    np.testing.assert_array_equal(to_np(layer.layer.kernel), inner_kernel)


# ------------------------------------------------------------- serialization


def test_get_config_round_trip(rng):
    layer = WeightNormalization(
        keras.layers.Conv2D(4, 3, activation="relu"),
        data_init=True,
        epsilon=1e-6,
        name="wn",
    )
    x = rng.normal(size=(2, 6, 6, 3)).astype("float32")
    layer(x, training=True)
    config = layer.get_config()
    clone = WeightNormalization.from_config(config)
    assert clone.get_config() == config
    assert clone.epsilon == 1e-6 and clone.data_init
    clone.build(x.shape)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(to_np(clone(x)), to_np(layer(x)))


def test_keras_round_trip_after_data_init(rng, keras_roundtrip):
    x = rng.normal(2.0, 3.0, size=(16, 8, 8, 3)).astype("float32")
    layer = WeightNormalization(
        keras.layers.Conv2D(4, 3, activation="relu"), data_init=True
    )
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            layer,
            keras.layers.Flatten(),
            WeightNormalization(keras.layers.Dense(2)),
        ]
    )
    model.compile(keras.optimizers.SGD(0.01), "mse")
    model.fit(x, np.zeros((16, 2), "float32"), batch_size=16, verbose=0)
    loaded = keras_roundtrip(model)
    loaded_layer = loaded.layers[0]
    assert isinstance(loaded_layer, WeightNormalization)
    assert bool(to_np(loaded_layer.initialized))
    for name in ("g", "g_offset", "bias_offset"):
        np.testing.assert_array_equal(
            to_np(getattr(loaded_layer, name)), to_np(getattr(layer, name))
        )
    np.testing.assert_array_equal(to_np(loaded(x)), to_np(model(x)))
    offset = to_np(loaded_layer.g_offset).copy()
    loaded_layer(x * 10.0, training=True)
    np.testing.assert_array_equal(to_np(loaded_layer.g_offset), offset)


# ------------------------------------------------------------ mixed precision


def test_mixed_float16(rng, mixed_precision):
    layer = WeightNormalization(keras.layers.Conv2D(4, 3), data_init=True)
    x = rng.normal(2.0, 3.0, size=(16, 8, 8, 3)).astype("float32")
    y = layer(x, training=True)
    for weight in layer.weights:
        if weight.name != "initialized":
            assert weight.dtype == "float32", weight.name
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    y = to_np(y).astype("float32")
    assert np.isfinite(y).all()
    assert_standardized(y, mean_atol=1e-2, var_atol=1e-2)
