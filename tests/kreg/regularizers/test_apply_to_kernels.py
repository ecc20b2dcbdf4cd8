import keras
import numpy as np
import pytest

from kreg.regularizers.apply_to_kernels import apply_regularizer
from kreg.regularizers.penalties import L1, L2


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _three_dense_model():
    keras.utils.set_random_seed(7)
    inputs = keras.Input((6,), name="x")
    h = keras.layers.Dense(8, activation="relu", name="d1")(inputs)
    h = keras.layers.Dense(5, activation="relu", name="d2")(h)
    outputs = keras.layers.Dense(2, name="d3")(h)
    return keras.Model(inputs, outputs)


def _kernel_penalties(model, names, factor):
    return sorted(
        factor * float(np.sum(np.square(_np(model.get_layer(n).kernel))))
        for n in names
    )


def _losses(model):
    return sorted(float(_np(v)) for v in model.losses)


# ----------------------------------------------------------------- validation


def test_invalid_model():
    with pytest.raises(ValueError, match=r"argument `model`.*Received: model=3"):
        apply_regularizer(3, L2(0.1))


def test_invalid_include_biases():
    with pytest.raises(
        ValueError, match=r"argument `include_biases`.*Received: include_biases=yes"
    ):
        apply_regularizer(_three_dense_model(), L2(0.1), include_biases="yes")


def test_invalid_regularizer_identifier():
    with pytest.raises(ValueError, match="Could not interpret regularizer"):
        apply_regularizer(_three_dense_model(), "not_a_regularizer")


# ------------------------------------------------------------------ behaviour


def test_built_functional_model_gets_one_loss_per_kernel():
    model = _three_dense_model()
    assert model.losses == []
    paths = apply_regularizer(model, L2(0.25))
    assert paths == ["d1/kernel", "d2/kernel", "d3/kernel"]
    assert len(model.losses) == 3
    np.testing.assert_allclose(
        _losses(model), _kernel_penalties(model, ["d1", "d2", "d3"], 0.25),
        rtol=1e-6,
    )
    for name in ["d1", "d2", "d3"]:
        layer = model.get_layer(name)
        assert isinstance(layer.kernel.regularizer, L2)
        assert isinstance(layer.kernel_regularizer, L2)
        assert layer.bias.regularizer is None
        assert layer.bias_regularizer is None


def test_setting_the_attribute_alone_would_not_work():
    # Documents why apply_regularizer touches the variables: in Keras 3 the
    # layer attribute is only read in `build`.
    model = _three_dense_model()
    model.get_layer("d1").kernel_regularizer = L2(0.25)
    assert model.losses == []


def test_include_biases():
    model = _three_dense_model()
    paths = apply_regularizer(model, L1(0.5), include_biases=True)
    assert sorted(paths) == sorted(
        f"d{i}/{w}" for i in (1, 2, 3) for w in ("kernel", "bias")
    )
    assert len(model.losses) == 6
    expected = []
    for name in ["d1", "d2", "d3"]:
        layer = model.get_layer(name)
        expected.append(0.5 * float(np.sum(np.abs(_np(layer.kernel)))))
        expected.append(0.5 * float(np.sum(np.abs(_np(layer.bias)))))
    np.testing.assert_allclose(_losses(model), sorted(expected), rtol=1e-6)


def test_none_removes_regularizers():
    model = _three_dense_model()
    apply_regularizer(model, L2(0.1), include_biases=True)
    assert len(model.losses) == 6
    apply_regularizer(model, None, include_biases=True)
    assert model.losses == []
    assert model.get_layer("d2").kernel_regularizer is None


def test_unbuilt_model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [keras.layers.Dense(4, name="u1"), keras.layers.Dense(3, name="u2")],
        name="seq",
    )
    paths = apply_regularizer(model, L2(0.1, convention="textbook"))
    assert paths == ["u1/kernel", "u2/kernel"]
    model.build((None, 5))
    regularized = [v.path for v in model.weights if v.regularizer is not None]
    assert regularized == ["seq/u1/kernel", "seq/u2/kernel"]
    np.testing.assert_allclose(
        _losses(model), _kernel_penalties(model, ["u1", "u2"], 0.05), rtol=1e-6
    )


def test_conv_nested_and_recurrent_layers():
    keras.utils.set_random_seed(2)
    inner = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(4, name="inner_dense")], name="inner"
    )
    inputs = keras.Input((6, 6, 1))
    h = keras.layers.Conv2D(2, 3, name="conv")(inputs)  # (4, 4, 2)
    h = keras.layers.BatchNormalization(name="bn")(h)
    h = keras.layers.Reshape((4, 8))(h)
    h = keras.layers.LSTM(4, name="lstm")(h)
    outputs = inner(h)
    model = keras.Model(inputs, outputs)
    paths = apply_regularizer(model, L2(0.1))
    assert sorted(paths) == sorted(
        ["conv/kernel", "lstm/lstm_cell/kernel", "inner/inner_dense/kernel"]
    )
    assert len(model.losses) == 3
    conv_kernel = _np(model.get_layer("conv").kernel)
    assert any(
        np.isclose(float(_np(v)), 0.1 * np.sum(conv_kernel**2), rtol=1e-6)
        for v in model.losses
    )


def test_fit_after_apply_uses_the_penalty():
    # A model already trained once (so its train step is traced) must pick
    # up the new penalty. With zero inputs and no bias the data loss has no
    # gradient, so one SGD step shrinks the kernel by exactly lr * 2 * l2.
    keras.utils.set_random_seed(4)
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, use_bias=False, name="d")]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x = np.zeros((4, 3), "float32")
    y = np.zeros((4, 2), "float32")
    model.fit(x, y, epochs=1, verbose=0)
    w0 = _np(model.get_layer("d").kernel).copy()
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(_np(model.get_layer("d").kernel), w0)

    apply_regularizer(model, L2(0.5))
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_allclose(
        _np(model.get_layer("d").kernel), w0 * (1 - 0.1 * 2 * 0.5), rtol=1e-5
    )
    # `evaluate` reports the penalty too.
    w1 = _np(model.get_layer("d").kernel)
    loss = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(loss, 0.5 * np.sum(w1**2), rtol=1e-5)


def test_mixed_precision(mixed_precision, rng):
    model = _three_dense_model()
    apply_regularizer(model, L2(0.2))
    assert len(model.losses) == 3
    for v in model.losses:
        assert keras.backend.standardize_dtype(v.dtype) == "float32"
    np.testing.assert_allclose(
        _losses(model), _kernel_penalties(model, ["d1", "d2", "d3"], 0.2),
        rtol=1e-6,
    )
    out = model(rng.standard_normal((3, 6)).astype("float32"))
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert np.all(np.isfinite(_np(out)))


# -------------------------------------------------------------- serialization


def test_penalty_survives_save_and_load(keras_roundtrip, rng):
    model = _three_dense_model()
    apply_regularizer(model, L2(0.3, convention="textbook"))
    for name in ["d1", "d2", "d3"]:
        config = model.get_layer(name).get_config()
        assert config["kernel_regularizer"] is not None
    loaded = keras_roundtrip(model)
    assert len(loaded.losses) == 3
    np.testing.assert_allclose(_losses(loaded), _losses(model), rtol=1e-6)
    for name in ["d1", "d2", "d3"]:
        reg = loaded.get_layer(name).kernel_regularizer
        assert isinstance(reg, L2)
        assert reg.get_config() == {"l2": 0.3, "convention": "textbook"}
        assert loaded.get_layer(name).bias.regularizer is None
    x = rng.standard_normal((4, 6)).astype("float32")
    np.testing.assert_array_equal(_np(loaded(x)), _np(model(x)))


def test_built_weight_norm_dense_gets_penalty_on_v():
    from kreg.layers import WeightNormDense
    from kreg.regularizers import L2

    model = keras.Sequential([keras.Input((4,)), WeightNormDense(3, name="wn")])
    paths = apply_regularizer(model, L2(0.5))
    assert paths == [model.layers[0].kernel_v.path]
    v = keras.ops.convert_to_numpy(model.layers[0].kernel_v)
    np.testing.assert_allclose(float(sum(model.losses)), 0.5 * np.sum(v**2),
                               rtol=1e-5)
