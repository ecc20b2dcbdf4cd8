import keras
import numpy as np
import pytest

from kreg.layers.weight_norm import WeightNormDense


def to_np(x):
    return keras.ops.convert_to_numpy(x)


def built_layer(input_dim=6, **kwargs):
    layer = WeightNormDense(**{"units": 4, **kwargs})
    layer.build((None, input_dim))
    return layer


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"units": 0}, "argument `units`.*Received: units=0"),
        ({"units": 2.5}, "argument `units`.*Received: units=2.5"),
        ({"units": 3, "norm": "row"}, "argument `norm`.*Received: norm=row"),
        ({"units": 3, "use_scale": 1}, "argument `use_scale`.*use_scale=1"),
        ({"units": 3, "use_bias": "no"}, "argument `use_bias`.*use_bias=no"),
        ({"units": 3, "data_init": None}, "argument `data_init`.*=None"),
        ({"units": 3, "epsilon": 0.0}, "argument `epsilon`.*epsilon=0.0"),
        ({"units": 3, "epsilon": -1e-3}, "argument `epsilon`.*epsilon=-0.001"),
        (
            {"units": 3, "data_init": True, "use_scale": False},
            "`data_init=True` requires.*use_scale=False",
        ),
        (
            {"units": 3, "data_init": True, "norm": "matrix"},
            "`data_init=True` requires.*norm=matrix",
        ),
    ],
)
def test_invalid_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WeightNormDense(**kwargs)


# ------------------------------------------------------ normalization math


def test_variables_and_shapes():
    layer = built_layer(norm="unit")
    assert layer.kernel_v.shape == (6, 4)
    assert layer.g.shape == (4,)
    assert layer.bias.shape == (4,)
    assert [v.name for v in layer.trainable_weights] == ["kernel_v", "g", "bias"]
    matrix = built_layer(norm="matrix")
    assert matrix.g.shape == ()
    no_scale = built_layer(use_scale=False, use_bias=False)
    assert [v.name for v in no_scale.weights] == ["kernel_v"]


def test_unit_norm_columns_have_norm_abs_g(rng):
    layer = built_layer()
    g = np.array([0.5, -2.0, 3.0, 0.1], "float32")
    layer.g.assign(g)
    kernel = to_np(layer.kernel)
    np.testing.assert_allclose(np.linalg.norm(kernel, axis=0), np.abs(g), rtol=1e-6)
    # Each column of w is g * v / ||v|| (same direction as v).
    v = to_np(layer.kernel_v)
    expected = g * v / np.linalg.norm(v, axis=0)
    np.testing.assert_allclose(kernel, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("norm", ["unit", "matrix"])
def test_g_starts_at_the_norm_of_v_so_the_layer_starts_as_a_dense(norm, rng):
    # As `WeightNormalization` and PyTorch's `weight_norm`: w = v at first.
    keras.utils.set_random_seed(3)
    layer = built_layer(norm=norm, bias_initializer="random_normal")
    v = to_np(layer.kernel_v)
    expected_g = np.linalg.norm(v, axis=0) if norm == "unit" else np.linalg.norm(v)
    np.testing.assert_allclose(to_np(layer.g), expected_g, rtol=1e-6)
    np.testing.assert_allclose(to_np(layer.kernel), v, rtol=1e-5, atol=1e-7)
    x = rng.normal(size=(5, 6)).astype("float32")
    np.testing.assert_allclose(to_np(layer(x)), x @ v + to_np(layer.bias),
                               rtol=1e-5, atol=1e-5)
    # A Dense with the same seeded initializer computes the same function.
    keras.utils.set_random_seed(3)
    dense = keras.layers.Dense(4, bias_initializer="random_normal")
    dense.build((None, 6))
    np.testing.assert_allclose(to_np(dense.kernel), v)


def test_g_of_ones_gives_unit_norm_columns():
    layer = built_layer()
    layer.g.assign(np.ones(4, "float32"))
    norms = np.linalg.norm(to_np(layer.kernel), axis=0)
    np.testing.assert_allclose(norms, 1.0, rtol=1e-6)


def test_use_scale_false_gives_unit_norm_columns(rng):
    layer = built_layer(use_scale=False, kernel_initializer="random_normal")
    norms = np.linalg.norm(to_np(layer.kernel), axis=0)
    np.testing.assert_allclose(norms, 1.0, rtol=1e-6)


def test_matrix_norm_without_scale_has_unit_frobenius_norm(rng):
    # Greydanus' W = W_hat / ||W_hat||_F layer.
    layer = WeightNormDense(10, use_bias=False, norm="matrix", use_scale=False)
    x = rng.normal(size=(5, 7)).astype("float32")
    y = to_np(layer(x))
    kernel = to_np(layer.kernel)
    assert np.linalg.norm(kernel) == pytest.approx(1.0, rel=1e-6)
    # Columns are not individually normalized.
    assert np.ptp(np.linalg.norm(kernel, axis=0)) > 1e-3
    v = to_np(layer.kernel_v)
    np.testing.assert_allclose(y, x @ (v / np.linalg.norm(v)), rtol=1e-5, atol=1e-6)


def test_matrix_norm_with_scale_has_frobenius_norm_abs_g():
    layer = built_layer(norm="matrix")
    layer.g.assign(-2.5)
    assert np.linalg.norm(to_np(layer.kernel)) == pytest.approx(2.5, rel=1e-6)


def test_output_is_invariant_to_the_scale_of_v(rng):
    layer = built_layer(activation="tanh", bias_initializer="random_normal")
    x = rng.normal(size=(8, 6)).astype("float32")
    before = to_np(layer(x))
    layer.kernel_v.assign(layer.kernel_v * 7.0)
    np.testing.assert_allclose(to_np(layer(x)), before, rtol=1e-5, atol=1e-6)


def test_call_matches_numpy_formula(rng):
    layer = built_layer(activation="relu", bias_initializer="random_normal")
    layer.g.assign(rng.uniform(0.5, 2.0, size=4).astype("float32"))
    x = rng.normal(size=(8, 6)).astype("float32")
    v, g, b = (to_np(w) for w in (layer.kernel_v, layer.g, layer.bias))
    expected = np.maximum(x @ (g * v / np.linalg.norm(v, axis=0)) + b, 0.0)
    np.testing.assert_allclose(to_np(layer(x)), expected, rtol=1e-5, atol=1e-6)


def test_zero_kernel_gives_zeros_not_nan():
    layer = built_layer(kernel_initializer="zeros")
    y = to_np(layer(np.ones((2, 6), "float32")))
    np.testing.assert_array_equal(y, np.zeros((2, 4)))


# ------------------------------------------------------------------ training


def test_gradients_reach_v_g_and_bias(rng):
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.normal(size=(32, 4)).astype("float32")
    layer = WeightNormDense(4)
    model = keras.Sequential([keras.Input((6,)), layer])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    before = [to_np(w).copy() for w in (layer.kernel_v, layer.g, layer.bias)]
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    after = [to_np(w) for w in (layer.kernel_v, layer.g, layer.bias)]
    for name, b, a in zip(("kernel_v", "g", "bias"), before, after):
        assert np.abs(a - b).max() > 1e-4, name
    # Training changed the column norms: g is really learned.
    np.testing.assert_allclose(
        np.linalg.norm(to_np(layer.kernel), axis=0), np.abs(after[1]), rtol=1e-5
    )


def test_training_flag_does_not_change_output_without_data_init(rng):
    layer = built_layer()
    x = rng.normal(size=(8, 6)).astype("float32")
    y_inf = to_np(layer(x, training=False))
    np.testing.assert_array_equal(to_np(layer(x, training=False)), y_inf)
    np.testing.assert_array_equal(to_np(layer(x, training=True)), y_inf)


# ---------------------------------------------------------------- data init


def assert_standardized(preact, mean_atol=1e-4, var_atol=1e-3):
    mean = preact.reshape(-1, preact.shape[-1]).mean(axis=0)
    var = preact.reshape(-1, preact.shape[-1]).var(axis=0)
    np.testing.assert_allclose(mean, 0.0, atol=mean_atol)
    np.testing.assert_allclose(var, 1.0, atol=var_atol)


def test_data_init_standardizes_first_batch_once(rng):
    layer = WeightNormDense(4, data_init=True)
    x1 = rng.normal(3.0, 5.0, size=(64, 6)).astype("float32")
    x2 = rng.normal(-1.0, 0.2, size=(64, 6)).astype("float32")
    y_before = to_np(layer(x1, training=False))  # inference: no init
    assert not bool(to_np(layer.initialized))
    assert np.abs(y_before.mean(axis=0)).max() > 0.1

    y1 = to_np(layer(x1, training=True))
    assert bool(to_np(layer.initialized))
    assert_standardized(y1)
    # The stored state gives the same standardized output in inference.
    assert_standardized(to_np(layer(x1, training=False)))
    np.testing.assert_allclose(
        to_np(layer.scale), to_np(layer.g) + to_np(layer.g_offset)
    )

    offsets = to_np(layer.g_offset).copy(), to_np(layer.bias_offset).copy()
    y2 = to_np(layer(x2, training=True))  # second batch: no re-init
    np.testing.assert_array_equal(to_np(layer.g_offset), offsets[0])
    np.testing.assert_array_equal(to_np(layer.bias_offset), offsets[1])
    assert np.abs(y2.mean(axis=0)).max() > 0.1
    np.testing.assert_array_equal(to_np(layer(x2, training=False)), y2)


def test_data_init_inside_compiled_fit_once_only(rng):
    x1 = rng.normal(3.0, 5.0, size=(64, 6)).astype("float32")
    x2 = rng.normal(-1.0, 0.2, size=(64, 6)).astype("float32")
    y = np.zeros((64, 4), "float32")
    layer = WeightNormDense(4, activation="relu", data_init=True)
    model = keras.Sequential([keras.Input((6,)), layer])
    # A zero learning rate leaves the weights at their initialized values.
    model.compile(keras.optimizers.SGD(0.0), "mse")
    model.fit(x1, y, batch_size=64, epochs=1, verbose=0)
    assert bool(to_np(layer.initialized))
    # Pre-activations (before the relu) of the init batch are standardized.
    preact = x1 @ to_np(layer.kernel) + to_np(layer.effective_bias)
    assert_standardized(preact)
    offsets = to_np(layer.g_offset).copy(), to_np(layer.bias_offset).copy()
    model.fit(x2, y, batch_size=64, epochs=1, verbose=0)
    np.testing.assert_array_equal(to_np(layer.g_offset), offsets[0])
    np.testing.assert_array_equal(to_np(layer.bias_offset), offsets[1])


def test_data_init_without_bias_sets_unit_variance_and_keeps_the_mean(rng):
    layer = WeightNormDense(4, use_bias=False, data_init=True)
    x = rng.normal(3.0, 5.0, size=(64, 6)).astype("float32")
    y = to_np(layer(x, training=True))
    assert [w.name for w in layer.non_trainable_weights] == ["initialized",
                                                             "g_offset"]
    np.testing.assert_allclose(y.var(axis=0), 1.0, atol=1e-3)
    # Only the scale moved: the mean is that of x @ v/||v||, rescaled.
    v = to_np(layer.kernel_v)
    t = x @ (v / np.linalg.norm(v, axis=0))
    np.testing.assert_allclose(y.mean(axis=0), t.mean(axis=0) / t.std(axis=0),
                               rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(to_np(layer(x)), y, rtol=1e-5, atol=1e-5)
    dense = layer.to_dense()
    np.testing.assert_allclose(to_np(dense(x)), y, rtol=1e-5, atol=1e-5)


def test_data_init_on_rank_3_inputs_reduces_all_leading_axes(rng):
    layer = WeightNormDense(3, data_init=True)
    x = rng.normal(2.0, 4.0, size=(16, 5, 6)).astype("float32")
    assert_standardized(to_np(layer(x, training=True)))


def test_gradients_reach_g_after_data_init(rng):
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.normal(size=(32, 4)).astype("float32")
    layer = WeightNormDense(4, data_init=True)
    model = keras.Sequential([keras.Input((6,)), layer])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    before = [to_np(w).copy() for w in (layer.kernel_v, layer.g, layer.bias)]
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    after = (layer.kernel_v, layer.g, layer.bias)
    for name, b, w in zip(("kernel_v", "g", "bias"), before, after):
        assert np.abs(to_np(w) - b).max() > 1e-4, name


# -------------------------------------------------------------------- export


def test_to_dense_gives_identical_outputs(rng):
    layer = WeightNormDense(
        4, activation="tanh", data_init=True, bias_initializer="random_normal"
    )
    x = rng.normal(1.0, 2.0, size=(16, 6)).astype("float32")
    layer(x, training=True)
    layer.g.assign(layer.g * 1.5)
    dense = layer.to_dense()
    assert type(dense) is keras.layers.Dense
    assert dense.units == 4 and dense.use_bias
    assert dense.activation is keras.activations.tanh
    np.testing.assert_allclose(to_np(dense(x)), to_np(layer(x)), rtol=1e-6, atol=1e-6)


def test_to_dense_without_bias_matrix_norm(rng):
    layer = built_layer(norm="matrix", use_bias=False, use_scale=False)
    dense = layer.to_dense()
    assert dense.bias is None
    x = rng.normal(size=(4, 6)).astype("float32")
    np.testing.assert_allclose(to_np(dense(x)), to_np(layer(x)), rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------- serialization


def test_get_config_round_trip(rng):
    layer = WeightNormDense(
        4,
        activation="relu",
        norm="unit",
        data_init=True,
        epsilon=1e-6,
        kernel_regularizer=keras.regularizers.L2(1e-3),
        bias_constraint=keras.constraints.NonNeg(),
        name="wn",
    )
    x = rng.normal(size=(8, 6)).astype("float32")
    layer(x, training=True)
    config = layer.get_config()
    clone = WeightNormDense.from_config(config)
    assert clone.get_config() == config
    clone.build((None, 6))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(to_np(clone(x)), to_np(layer(x)))
    assert isinstance(clone.kernel_regularizer, keras.regularizers.L2)


def test_keras_round_trip_after_data_init(rng, keras_roundtrip):
    x = rng.normal(2.0, 3.0, size=(32, 6)).astype("float32")
    y = rng.normal(size=(32, 4)).astype("float32")
    model = keras.Sequential(
        [keras.Input((6,)), WeightNormDense(4, activation="relu", data_init=True)]
    )
    model.compile(keras.optimizers.SGD(0.01), "mse")
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    loaded = keras_roundtrip(model)
    layer = loaded.layers[0]
    assert isinstance(layer, WeightNormDense)
    assert bool(to_np(layer.initialized))
    np.testing.assert_array_equal(to_np(loaded(x)), to_np(model(x)))
    # The loaded layer does not initialize again.
    offset = to_np(layer.g_offset).copy()
    layer(x * 10.0, training=True)
    np.testing.assert_array_equal(to_np(layer.g_offset), offset)


def test_keras_round_trip_matrix_norm(rng, keras_roundtrip):
    model = keras.Sequential(
        [keras.Input((6,)), WeightNormDense(3, norm="matrix", use_scale=False)]
    )
    x = rng.normal(size=(4, 6)).astype("float32")
    loaded = keras_roundtrip(model)
    np.testing.assert_array_equal(to_np(loaded(x)), to_np(model(x)))


# ------------------------------------------------------------ mixed precision


def test_mixed_float16(rng, mixed_precision):
    layer = WeightNormDense(4, data_init=True)
    x = rng.normal(2.0, 3.0, size=(64, 6)).astype("float32")
    y = layer(x, training=True)
    for weight in layer.weights:
        if weight.name != "initialized":
            assert weight.dtype == "float32", weight.name
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    y = to_np(y).astype("float32")
    assert np.isfinite(y).all()
    # Statistics are computed in float32; float16 output only rounds them.
    assert_standardized(y, mean_atol=1e-2, var_atol=1e-2)
    assert keras.backend.standardize_dtype(layer.kernel.dtype) == "float32"


# ------------------------------------------------------------------- shapes


def test_compute_output_shape(rng):
    layer = WeightNormDense(5)
    assert layer.compute_output_shape((None, 3, 7)) == (None, 3, 5)
    y = layer(rng.normal(size=(2, 3, 7)).astype("float32"))
    assert tuple(y.shape) == (2, 3, 5)
