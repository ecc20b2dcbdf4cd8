import keras
import numpy as np
import pytest

from kreg.regularizers.penalties import L1, L2, ElasticNet


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _value(regularizer, w):
    return float(_np(regularizer(keras.ops.convert_to_tensor(w))))


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize("cls,name", [(L1, "l1"), (L2, "l2"), (ElasticNet, "l1"),
                                      (ElasticNet, "l2")])
def test_invalid_strength(cls, name):
    for value in [-0.1, float("inf"), float("nan"), "0.1", None, True]:
        with pytest.raises(
            ValueError,
            match=rf"Invalid value received for argument `{name}`\. Expected a "
            rf"finite float >= 0\. Received: {name}={value}",
        ):
            cls(**{name: value})


@pytest.mark.parametrize("cls", [L2, ElasticNet])
def test_invalid_convention(cls):
    with pytest.raises(
        ValueError,
        match=r"argument `convention`.*Received: convention=tf1",
    ):
        cls(convention="tf1")


def test_l1_has_no_convention_argument():
    with pytest.raises(TypeError):
        L1(0.1, convention="textbook")


def test_zero_and_numpy_strengths_accepted():
    assert L1(0).l1 == 0.0
    assert L2(np.float32(0.5)).l2 == 0.5
    assert ElasticNet(np.float64(0.25), 0).get_config()["l1"] == 0.25


# ------------------------------------------------------------------- values


def test_values_against_numpy(rng):
    w = rng.standard_normal((7, 5)).astype("float32")
    l1_np = np.sum(np.abs(w))
    l2_np = np.sum(np.square(w))
    np.testing.assert_allclose(_value(L1(0.3), w), 0.3 * l1_np, rtol=1e-5)
    np.testing.assert_allclose(_value(L2(0.3), w), 0.3 * l2_np, rtol=1e-5)
    np.testing.assert_allclose(
        _value(L2(0.3, convention="textbook"), w), 0.15 * l2_np, rtol=1e-5
    )
    np.testing.assert_allclose(
        _value(ElasticNet(0.2, 0.3), w), 0.2 * l1_np + 0.3 * l2_np, rtol=1e-5
    )
    np.testing.assert_allclose(
        _value(ElasticNet(0.2, 0.3, convention="textbook"), w),
        0.2 * l1_np + 0.15 * l2_np,
        rtol=1e-5,
    )


@pytest.mark.parametrize("strength", [0.0, 1e-4, 0.01, 2.5])
def test_keras_convention_matches_keras_regularizers(rng, strength):
    w = rng.standard_normal((4, 3, 6)).astype("float32")
    np.testing.assert_allclose(
        _value(L2(strength), w), _value(keras.regularizers.L2(strength), w),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        _value(L1(strength), w), _value(keras.regularizers.L1(strength), w),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        _value(ElasticNet(strength, 2 * strength), w),
        _value(keras.regularizers.L1L2(strength, 2 * strength), w),
        rtol=1e-6,
    )


def test_textbook_is_half_of_keras(rng):
    w = rng.standard_normal((10, 10)).astype("float32")
    keras_value = _value(L2(0.7), w)
    textbook_value = _value(L2(0.7, convention="textbook"), w)
    np.testing.assert_allclose(textbook_value, 0.5 * keras_value, rtol=1e-6)
    # The convention only halves the L2 term of the elastic net.
    diff = _value(ElasticNet(0.4, 0.7), w) - _value(
        ElasticNet(0.4, 0.7, convention="textbook"), w
    )
    np.testing.assert_allclose(diff, 0.5 * keras_value, rtol=1e-5)


def _one_sgd_step_on_penalty_only(regularizer, lr=0.1):
    """One plain SGD step where the data loss has zero gradient.

    With all-zero inputs and targets and no bias, the prediction is 0 and the
    MSE gradient vanishes, so the update is driven by the penalty alone:
    `w1 = w0 - lr * dP/dw0`. This works through `model.fit` on every backend.
    """
    keras.utils.set_random_seed(3)
    model = keras.Sequential(
        [keras.Input((6,)),
         keras.layers.Dense(4, use_bias=False, kernel_regularizer=regularizer)]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    w0 = _np(model.layers[0].kernel).copy()
    x = np.zeros((8, 6), "float32")
    y = np.zeros((8, 4), "float32")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    w1 = _np(model.layers[0].kernel)
    return w0, (w0 - w1) / lr  # the gradient actually applied


def test_textbook_l2_gradient_is_l2_times_w():
    w0, grad = _one_sgd_step_on_penalty_only(L2(0.5, convention="textbook"))
    np.testing.assert_allclose(grad, 0.5 * w0, rtol=1e-4, atol=1e-6)


def test_keras_l2_gradient_is_two_l2_times_w():
    w0, grad = _one_sgd_step_on_penalty_only(L2(0.5))
    np.testing.assert_allclose(grad, 2 * 0.5 * w0, rtol=1e-4, atol=1e-6)


def test_l1_gradient_is_l1_times_sign():
    w0, grad = _one_sgd_step_on_penalty_only(L1(0.05))
    np.testing.assert_allclose(grad, 0.05 * np.sign(w0), rtol=1e-4, atol=1e-6)


def test_layer_losses_use_regularizer(rng):
    layer = keras.layers.Dense(3, kernel_regularizer=L2(0.2, "textbook"))
    layer.build((None, 5))
    kernel = _np(layer.kernel)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(
        float(_np(layer.losses[0])), 0.1 * np.sum(kernel**2), rtol=1e-5
    )


# ---------------------------------------------------------------- sparsity


def _fit_sparse_regression(regularizer, rng_seed=0):
    """Linear regression with 40 inputs of which only 6 are informative."""
    rng = np.random.default_rng(rng_seed)
    n, d, k = 256, 40, 6
    x = rng.standard_normal((n, d)).astype("float32")
    w_true = np.zeros((d, 1), "float32")
    w_true[:k, 0] = rng.uniform(1, 3, k) * rng.choice([-1, 1], k)
    y = x @ w_true + 0.5 * rng.standard_normal((n, 1)).astype("float32")
    steps = 300
    # Full-batch gradient descent: tile the data, one batch = the data set.
    x_steps = np.tile(x, (steps, 1))
    y_steps = np.tile(y, (steps, 1))
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((d,)), keras.layers.Dense(1, kernel_regularizer=regularizer)]
    )
    # A decaying learning rate lets the L1 subgradient oscillation around 0
    # (amplitude ~ lr * l1) shrink below the 1e-3 threshold.
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, steps, 0.01)
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    model.fit(x_steps, y_steps, batch_size=n, epochs=1, shuffle=False, verbose=0)
    kernel = _np(model.layers[0].kernel)[:, 0]
    return kernel, k


def test_l1_drives_useless_weights_to_zero():
    fractions = {}
    kernels = {}
    for name, reg in [("none", None), ("l1", L1(0.2)), ("l2", L2(0.2))]:
        kernel, k = _fit_sparse_regression(reg)
        kernels[name] = kernel
        fractions[name] = float(np.mean(np.abs(kernel) < 1e-3))
    # 34 of the 40 inputs are noise: L1 sets (nearly) all of them to ~0.
    assert fractions["l1"] >= 0.75, fractions
    assert fractions["l2"] <= 0.1, fractions
    assert fractions["none"] <= 0.1, fractions
    assert fractions["l1"] >= fractions["l2"] + 0.6
    # The informative weights survive the L1 penalty.
    assert np.all(np.abs(kernels["l1"][:k]) > 0.5)


# ---------------------------------------------------------- mixed precision


def test_mixed_precision(mixed_precision, rng):
    layer = keras.layers.Dense(
        3, kernel_regularizer=ElasticNet(0.1, 0.2, convention="textbook")
    )
    x = rng.standard_normal((4, 5)).astype("float32")
    out = layer(x)
    assert layer.kernel.dtype == "float32"
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    kernel = _np(layer.kernel)
    (loss,) = layer.losses
    assert keras.backend.standardize_dtype(loss.dtype) == "float32"
    np.testing.assert_allclose(
        float(_np(loss)),
        0.1 * np.sum(np.abs(kernel)) + 0.1 * np.sum(kernel**2),
        rtol=1e-5,
    )
    # Called on a float16 tensor the penalty is float16 and finite.
    value = L2(0.1)(keras.ops.cast(x, "float16"))
    assert keras.backend.standardize_dtype(value.dtype) == "float16"
    assert np.isfinite(_np(value))


# -------------------------------------------------------------- serialization


@pytest.mark.parametrize(
    "regularizer",
    [L1(0.3), L2(0.2), L2(0.2, convention="textbook"),
     ElasticNet(0.1, 0.4, convention="textbook")],
)
def test_get_config_round_trip(regularizer, rng):
    config = regularizer.get_config()
    clone = type(regularizer).from_config(config)
    assert clone.get_config() == config
    w = rng.standard_normal((5, 5)).astype("float32")
    assert _value(clone, w) == _value(regularizer, w)
    restored = keras.regularizers.deserialize(keras.regularizers.serialize(regularizer))
    assert type(restored) is type(regularizer)
    assert restored.get_config() == config


def test_registered_under_kreg_package():
    assert keras.saving.get_registered_name(L2) == "kreg>L2"
    assert keras.saving.get_registered_name(L1) == "kreg>L1"
    assert keras.saving.get_registered_name(ElasticNet) == "kreg>ElasticNet"


def test_keras_save_load_round_trip(keras_roundtrip, rng):
    inputs = keras.Input((5,))
    h = keras.layers.Dense(4, kernel_regularizer=L2(0.3, "textbook"), name="a")(inputs)
    h = keras.layers.Dense(3, kernel_regularizer=L1(0.2), name="b")(h)
    outputs = keras.layers.Dense(
        2, kernel_regularizer=ElasticNet(0.1, 0.2), name="c"
    )(h)
    model = keras.Model(inputs, outputs)
    loaded = keras_roundtrip(model)
    for name, cls in [("a", L2), ("b", L1), ("c", ElasticNet)]:
        original = model.get_layer(name).kernel_regularizer
        restored = loaded.get_layer(name).kernel_regularizer
        assert type(restored) is cls
        assert restored.get_config() == original.get_config()
    np.testing.assert_allclose(
        [float(_np(v)) for v in loaded.losses],
        [float(_np(v)) for v in model.losses],
        rtol=1e-6,
    )
    x = rng.standard_normal((3, 5)).astype("float32")
    np.testing.assert_array_equal(_np(loaded(x)), _np(model(x)))
