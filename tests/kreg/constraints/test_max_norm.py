import keras
import numpy as np
import pytest

from kreg.constraints.max_norm import MaxNorm


def _np(x):
    return keras.ops.convert_to_numpy(x)


class _KernelNormRecorder(keras.callbacks.Callback):
    """Records the per-unit kernel norms after every optimizer step."""

    def __init__(self, layer_name):
        super().__init__()
        self.layer_name = layer_name
        self.max_norms = []

    def on_train_batch_end(self, batch, logs=None):
        kernel = _np(self.model.get_layer(self.layer_name).kernel)
        norms = np.sqrt(np.sum(np.square(kernel), axis=0))
        self.max_norms.append(float(np.max(norms)))


def _regression_data(rng, n=64, d=8):
    # Large-scale inputs make the curvature ~ 2 * 100, so SGD with lr=0.05
    # is far beyond the stability limit (lr < 2 / 200) of the kernel.
    x = (10.0 * rng.standard_normal((n, d))).astype("float32")
    w_true = rng.standard_normal((d, 3)).astype("float32")
    y = x @ w_true
    return x, y


def _linear_model(d, constraint, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((d,))
    outputs = keras.layers.Dense(
        3, use_bias=False, kernel_constraint=constraint, name="dense"
    )(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    return model


# ----------------------------------------------------------------- validation


def test_invalid_max_value():
    for value in [0, -1.0, float("inf"), float("nan"), "3", True, None]:
        with pytest.raises(
            ValueError,
            match=r"Invalid value received for argument `max_value`\. Expected "
            rf"a finite float > 0\. Received: max_value={value}",
        ):
            MaxNorm(max_value=value)
    assert MaxNorm(np.float32(0.5)).max_value == 0.5


def test_invalid_max_value_message_names_value():
    with pytest.raises(ValueError, match=r"Received: max_value=-2"):
        MaxNorm(max_value=-2)


def test_invalid_axis():
    for axis in ["0", 1.5, (), (0, "1"), True]:
        with pytest.raises(
            ValueError, match=r"Invalid value received for argument `axis`.*Received"
        ):
            MaxNorm(axis=axis)
    assert MaxNorm(axis=[0, 1]).axis == (0, 1)


# ------------------------------------------------------------------ behaviour


def test_projection_bounds_norms_and_keeps_direction(rng):
    w = rng.standard_normal((20, 6)).astype("float32") * 3.0
    out = _np(MaxNorm(max_value=1.5)(w))
    norms_in = np.linalg.norm(w, axis=0)
    norms_out = np.linalg.norm(out, axis=0)
    assert np.all(norms_in > 1.5)
    np.testing.assert_allclose(norms_out, 1.5, rtol=1e-6)
    # Same direction: out is a positive multiple of w, column by column.
    np.testing.assert_allclose(out, w * (1.5 / norms_in), rtol=1e-5)


def test_vectors_below_bound_are_untouched(rng):
    w = rng.standard_normal((10, 5)).astype("float32")
    w /= np.linalg.norm(w, axis=0, keepdims=True)
    w *= np.array([0.5, 1.0, 2.0, 2.99, 7.0], dtype="float32")
    out = _np(MaxNorm(max_value=3.0)(w))
    # The first four columns are within the bound: returned bit for bit.
    np.testing.assert_array_equal(out[:, :4], w[:, :4])
    np.testing.assert_allclose(np.linalg.norm(out[:, 4]), 3.0, rtol=1e-6)


def test_zero_vector_is_left_at_zero():
    w = np.zeros((4, 2), dtype="float32")
    out = _np(MaxNorm(1.0)(w))
    np.testing.assert_array_equal(out, w)


def test_axis_inference_dense_kernel(rng):
    layer = keras.layers.Dense(7)
    layer.build((None, 12))
    kernel = _np(layer.kernel) * 10.0
    out = _np(MaxNorm(0.5)(kernel))
    expected = _np(keras.constraints.MaxNorm(max_value=0.5, axis=0)(kernel))
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), 0.5, rtol=1e-5)


def test_axis_inference_conv2d_kernel_is_per_filter(rng):
    layer = keras.layers.Conv2D(5, 3)
    layer.build((None, 8, 8, 4))
    kernel = _np(layer.kernel) * 10.0  # (3, 3, 4, 5)
    assert MaxNorm().norm_axes(4) == (0, 1, 2)
    out = _np(MaxNorm(0.5)(kernel))
    per_filter = np.sqrt(np.sum(np.square(out.reshape(-1, 5)), axis=0))
    np.testing.assert_allclose(per_filter, 0.5, rtol=1e-5)
    expected = _np(keras.constraints.MaxNorm(0.5, axis=[0, 1, 2])(kernel))
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_conv1d_and_conv3d_axis_inference():
    assert MaxNorm().norm_axes(3) == (0, 1)
    assert MaxNorm().norm_axes(5) == (0, 1, 2, 3)


def test_rank_one_weights_left_unchanged():
    bias = np.array([10.0, -20.0, 0.1], dtype="float32")
    assert MaxNorm().norm_axes(1) is None
    np.testing.assert_array_equal(_np(MaxNorm(1.0)(bias)), bias)


def test_explicit_axis_is_honoured(rng):
    w = rng.standard_normal((6, 4)).astype("float32") * 5.0
    out = _np(MaxNorm(1.0, axis=1)(w))
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    # An explicit axis also applies to rank-1 weights.
    bias = np.array([3.0, 4.0], dtype="float32")
    np.testing.assert_allclose(_np(MaxNorm(1.0, axis=0)(bias)), [0.6, 0.8], rtol=1e-6)
    # Tuple axes.
    w3 = rng.standard_normal((3, 4, 5)).astype("float32") * 5.0
    out3 = _np(MaxNorm(1.0, axis=(1, 2))(w3))
    np.testing.assert_allclose(
        np.sqrt(np.sum(np.square(out3), axis=(1, 2))), 1.0, rtol=1e-5
    )


def test_norms_stay_bounded_where_unconstrained_training_diverges(rng):
    x, y = _regression_data(rng)
    c = 2.0

    free = _linear_model(8, None)
    free_rec = _KernelNormRecorder("dense")
    free.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False,
             callbacks=[free_rec])

    bounded = _linear_model(8, MaxNorm(c))
    rec = _KernelNormRecorder("dense")
    history = bounded.fit(x, y, batch_size=16, epochs=3, verbose=0,
                          shuffle=False, callbacks=[rec])

    # The unconstrained model diverges: its norm blows far past c (or to inf/nan).
    free_final = free_rec.max_norms[-1]
    assert not np.isfinite(free_final) or free_final > 100 * c
    # The constrained one stays within the ball after every single step.
    assert len(rec.max_norms) == 12
    assert np.all(np.isfinite(rec.max_norms))
    assert max(rec.max_norms) <= c + 1e-6
    assert np.all(np.isfinite(history.history["loss"]))


def test_mixed_precision(mixed_precision, rng):
    x, y = _regression_data(rng)
    model = _linear_model(8, MaxNorm(1.0))
    initial = _np(model.get_layer("dense").kernel).copy()
    rec = _KernelNormRecorder("dense")
    # Under mixed_float16 the optimizer is a LossScaleOptimizer: the first
    # steps overflow and are skipped (the constraint is then not applied
    # either) until the loss scale has come down, hence several epochs.
    model.fit(x, y, batch_size=16, epochs=8, verbose=0, callbacks=[rec])
    kernel = model.get_layer("dense").kernel
    assert kernel.dtype == "float32"
    assert not np.allclose(_np(kernel), initial)
    assert rec.max_norms[-1] <= 1.0 + 1e-6
    out = model(x[:4])
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert np.all(np.isfinite(_np(out)))
    # Called on a float16 tensor the projection stays in float16.
    w16 = keras.ops.cast(x[:, :3], "float16")
    out16 = MaxNorm(1.0)(w16)
    assert keras.backend.standardize_dtype(out16.dtype) == "float16"
    assert np.all(np.linalg.norm(_np(out16).astype("float32"), axis=0) <= 1.0 + 2e-3)


# -------------------------------------------------------------- serialization


def test_get_config_round_trip(rng):
    for constraint in [MaxNorm(2.5), MaxNorm(1.0, axis=1), MaxNorm(1.0, axis=(0, 1))]:
        config = constraint.get_config()
        clone = MaxNorm.from_config(config)
        assert clone.get_config() == config
        w = rng.standard_normal((3, 4, 5)).astype("float32") * 4.0
        np.testing.assert_array_equal(_np(clone(w)), _np(constraint(w)))


def test_serialize_deserialize():
    config = keras.constraints.serialize(MaxNorm(1.25, axis=(0, 1)))
    clone = keras.constraints.deserialize(config)
    assert isinstance(clone, MaxNorm)
    assert clone.max_value == 1.25 and clone.axis == (0, 1)


def test_keras_save_load_round_trip(keras_roundtrip, rng):
    x, y = _regression_data(rng)
    model = _linear_model(8, MaxNorm(1.5))
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    loaded = keras_roundtrip(model)
    constraint = loaded.get_layer("dense").kernel_constraint
    assert isinstance(constraint, MaxNorm)
    assert constraint.get_config() == {"max_value": 1.5, "axis": None}
    np.testing.assert_array_equal(_np(loaded(x[:5])), _np(model(x[:5])))
