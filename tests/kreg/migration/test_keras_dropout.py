"""`InvertedDropout` as a drop-in for `keras.layers.Dropout`.

`TestKerasDropoutChecks` encodes, one test each, the 14 checks of Keras's own
`keras/src/layers/regularization/dropout_test.py` (Keras 3), applied to
`InvertedDropout`: what the layer is (no weights, one seed generator, masking
passed through, built once created, a configuration that round-trips), its
rescaling, `noise_shape` sharing the mask, and the error messages of bad
`rate` and `noise_shape` values, matched with Keras's own wording. The tests
after the class cover what Keras's layer also does without a test of its own
there: `rate=1` (zeros at training), the identity at inference, a `.keras`
round trip and a Keras `Dropout` configuration loading into ours.
"""

import math

import keras
import numpy as np
import pytest

from kreg.layers import InvertedDropout

_np = keras.ops.convert_to_numpy


def _keras_message(argument, expected):
    """The start of Keras's message for a bad argument, as a regex."""
    return (rf"Invalid value received for argument `{argument}`\. "
            rf"Expected {expected}")


class TestKerasDropoutChecks:
    """One test per check of Keras's `dropout_test.py`."""

    def test_dropout_basics(self, keras_roundtrip):
        # rate 0.2 on (2, 3) inputs at training: built once created, no
        # weights, one seed generator (its state the layer's only variable),
        # no losses, masking supported; same shape eagerly and symbolically;
        # the configuration round-trips; trains inside a model.
        layer = InvertedDropout(rate=0.2)
        assert layer.built
        assert layer.supports_masking
        assert layer.trainable_weights == [] and layer.non_trainable_weights == []
        assert [v.path for v in layer.variables] == [
            layer.seed_generator.state.path]
        x = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
        out = layer(x, training=True)
        assert tuple(out.shape) == (2, 3) and layer.losses == []
        symbolic = layer(keras.Input((3,), batch_size=2), training=True)
        assert tuple(symbolic.shape) == (2, 3)
        mask = np.array([[True, False, True], [False, True, True]])
        np.testing.assert_array_equal(_np(layer.compute_mask(x, mask)), mask)
        config = layer.get_config()
        revived = InvertedDropout.from_config(config)
        assert revived.get_config() == config and revived.built
        revived = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(layer))
        assert isinstance(revived, InvertedDropout)
        assert revived.get_config() == config
        # Built at creation only while `build` is the default one: a
        # subclass with its own `build` is built the usual way.
        class WithBuild(InvertedDropout):
            def build(self, input_shape):
                self.extra = self.add_weight(shape=(), initializer="zeros")

        assert not WithBuild(0.2).built
        model = keras.Sequential([keras.Input((3,)), layer, keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(x, np.zeros((2, 1)), epochs=1, verbose=0)
        loaded = keras_roundtrip(model)
        np.testing.assert_array_equal(_np(loaded(x)), _np(model(x)))

    def test_dropout_rescaling(self):
        # 10,000 entries at rate 0.5: kept entries are doubled and the mean
        # is 1 (standard error 0.01; Keras's bound is 0.02).
        out = _np(InvertedDropout(0.5, seed=1337)(np.ones((20, 500)),
                                                  training=True))
        np.testing.assert_allclose(np.mean(out), 1.0, atol=0.02)
        np.testing.assert_allclose(np.max(out), 2.0)
        assert set(np.unique(out)) == {0.0, 2.0}

    @pytest.mark.parametrize("noise_shape", [(None, 1, None), (20, 1, 10)],
                             ids=["dynamic", "static"])
    def test_dropout_partial_noise_shape(self, noise_shape):
        # Keras's `..._dynamic` and `..._static` checks: a noise shape of 1
        # along time shares one mask across all the time steps.
        out = _np(InvertedDropout(0.5, noise_shape=noise_shape)(
            np.ones((20, 5, 10)), training=True))
        for step in range(1, 5):
            np.testing.assert_array_equal(out[:, step, :], out[:, 0, :])
        assert 0 < np.mean(out == 0) < 1

    @pytest.mark.parametrize("rate", [-0.5, 1.5], ids=["negative",
                                                        "greater_than_one"])
    def test_dropout_rate_out_of_range(self, rate):
        # Keras's `..._negative_rate` and `..._rate_greater_than_one`.
        with pytest.raises(ValueError, match=_keras_message(
                "rate", r"a float value between 0 and 1\.")):
            InvertedDropout(rate=rate)

    @pytest.mark.parametrize("noise_shape, expected", [
        (None, None),
        ((20, 1, 10), (20, 1, 10)),
        ((None, 1, None), (None, 1, None)),
        ([20, 1, 10], (20, 1, 10)),
    ], ids=["none", "integer_tuple", "none_values", "cast_to_a_tuple"])
    def test_validate_noise_shape(self, noise_shape, expected):
        # Keras's four `test_validate_noise_shape_*` checks that pass.
        layer = InvertedDropout(0.5, noise_shape=noise_shape)
        assert layer.noise_shape == expected
        assert expected is None or isinstance(layer.noise_shape, tuple)

    @pytest.mark.parametrize("noise_shape, expected", [
        ("Invalid", r"a tuple or list of integers\."),
        ((20, 1.5, 10), r"all elements to be integers or None\."),
        ((20, -1, 10), r"all dimensions to be positive integers or None\."),
        ((20, 0, 10), r"all dimensions to be positive integers or None\."),
    ], ids=["non_iterable", "invalid_type", "negative_value", "zero_value"])
    def test_validate_noise_shape_rejects(self, noise_shape, expected):
        # Keras's four `test_validate_noise_shape_*` checks that raise.
        with pytest.raises(ValueError, match=_keras_message("noise_shape",
                                                            expected)):
            InvertedDropout(0.5, noise_shape=noise_shape)


def test_rate_one_drops_everything_at_training():
    """`keras.layers.Dropout(1.0)` outputs zeros at training and is the
    identity at inference; so is ours (the mask is not drawn)."""
    x = np.random.default_rng(1).normal(size=(4, 6)).astype("float32")
    for rate in (1.0, 1):
        layer = InvertedDropout(rate, noise_shape=(None, 1), seed=0)
        np.testing.assert_array_equal(_np(layer(x, training=True)), 0.0)
        np.testing.assert_array_equal(_np(layer(x)), x)
        np.testing.assert_array_equal(
            _np(keras.layers.Dropout(rate)(x, training=True)), 0.0)


def test_inference_and_rate_zero_are_the_identity():
    x = np.random.default_rng(2).normal(size=(3, 5)).astype("float32")
    np.testing.assert_array_equal(_np(InvertedDropout(0.5)(x)), x)
    np.testing.assert_array_equal(
        _np(InvertedDropout(0.5)(x, training=False)), x)
    np.testing.assert_array_equal(
        _np(InvertedDropout(0.0)(x, training=True)), x)


@pytest.mark.parametrize("rate", [0.5, 0.2])
def test_keep_rate_and_expectation(rate):
    """The statistics behind Keras's rescaling check, at a rate drawn
    exactly (0.5) and one drawn from 32-bit words (0.2): the keep rate and
    the mean output are within 5 standard errors of `1 - rate` and 1."""
    out = _np(InvertedDropout(rate, seed=3)(np.ones((200, 500), "float32"),
                                            training=True))
    keep, n = 1 - rate, out.size
    assert abs(np.mean(out != 0) - keep) < 5 * math.sqrt(keep * rate / n)
    assert abs(np.mean(out) - 1) < 5 * math.sqrt(rate / keep / n)
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / keep], rtol=1e-6)


def test_a_keras_dropout_configuration_loads():
    """Swapping the class of a saved `keras.layers.Dropout` for ours works:
    the configurations have the same keys and values."""
    config = keras.layers.Dropout(0.3, noise_shape=[None, 1], seed=5,
                                  name="drop").get_config()
    layer = InvertedDropout.from_config(config)
    # Keras 3.15 stores `noise_shape` as a tuple, Keras 3.7 as given: ours
    # is a tuple on every version.
    assert layer.get_config() == {**config, "noise_shape": (None, 1)}


def test_mixed_precision(mixed_precision):
    out = InvertedDropout(0.5, seed=1)(np.ones((4, 8), "float32"), training=True)
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert set(np.unique(_np(out))) == {0.0, 2.0}
