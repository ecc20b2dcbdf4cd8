"""`DropConnect` on any layer's kernels: masked fraction, expectation,
recurrent kernels, saving, mixed precision, three backends."""

import math

import keras
import numpy as np
import pytest

from kreg.layers import DropConnect
from tests.kreg.repeated_calls import training_calls

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
    draws = training_calls(layer, x, 400)
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


def _linear_rnn(units, kernels, rate=0.5, seed=5):
    """A linear SimpleRNN whose input kernel is the identity and recurrent
    kernel all ones, wrapped: fed e_i at step 1 and zeros after, example i
    reads at step 2 row i of the recurrent kernel the RNN used, and at step
    3 row i of that kernel squared."""
    rnn = L.SimpleRNN(units, activation=None, use_bias=False,
                      return_sequences=True, kernel_initializer="identity",
                      recurrent_initializer="ones")
    layer = DropConnect(rnn, rate=rate, kernels=kernels, seed=seed)
    x = np.zeros((units, 3, units), "float32")
    x[:, 0, :] = np.eye(units)
    return layer, x


@pytest.mark.parametrize("kernels", ["recurrent", "all"])
def test_recurrent_mask_fraction_scaling_and_shared_across_time_steps(kernels):
    units, rate = 48, 0.25
    layer, x = _linear_rnn(units, kernels, rate)
    dropped, observed = 0, 0
    for _ in range(6):
        out = _np(layer(x, training=True))
        step1, step2, step3 = out[:, 0], out[:, 1], out[:, 2]
        # Step 1 reads the (masked or not) identity input kernel: e_i scaled
        # by 1 / (1 - rate), dropped, or (unmasked) kept as is.
        diagonal = np.diag(step1)
        np.testing.assert_array_equal(step1 - np.diag(diagonal), 0)
        if kernels == "recurrent":
            np.testing.assert_array_equal(diagonal, 1)
        else:
            np.testing.assert_allclose(np.unique(diagonal), [0, 1 / (1 - rate)],
                                       rtol=1e-6)
            dropped += np.sum(diagonal == 0)
            observed += units
        # Step 2 reads row i of the masked recurrent kernel (times h_1).
        kept = diagonal != 0
        recurrent = step2[kept] / diagonal[kept, None]
        np.testing.assert_allclose(np.unique(recurrent), [0, 1 / (1 - rate)],
                                   rtol=1e-6)
        dropped += np.sum(recurrent == 0)
        observed += recurrent.size
        if kernels == "recurrent":
            # Step 3 uses the same recurrent mask as step 2 (one mask per
            # call, shared by the time steps, as AWD-LSTM's WeightDrop).
            np.testing.assert_allclose(step3, recurrent @ recurrent, rtol=1e-5)
    se = math.sqrt(rate * (1 - rate) / observed)
    assert abs(dropped / observed - rate) < 5 * se


def test_recurrent_expectation_is_the_unmasked_rnn():
    """A linear RNN is linear in its recurrent kernel at two steps: the
    mean over masks of the output equals the unmasked output, within
    standard errors."""
    keras.utils.set_random_seed(1)
    rnn = L.SimpleRNN(6, activation=None, return_sequences=True)
    layer = DropConnect(rnn, rate=0.5, kernels="recurrent", seed=2)
    x = np.random.default_rng(0).normal(size=(4, 2, 3)).astype("float32")
    reference = _np(rnn(x))
    draws = training_calls(layer, x, 600)
    se = draws.std(axis=0) / math.sqrt(len(draws))
    np.testing.assert_array_equal(draws[:, :, 0], np.broadcast_to(
        reference[:, 0], draws[:, :, 0].shape))  # step 1 has h_0 = 0
    z = np.abs(draws[:, :, 1].mean(axis=0) - reference[:, 1]) / se[:, 1]
    assert np.max(z) < 5, np.max(z)


@pytest.mark.parametrize("factory", [
    lambda: L.SimpleRNN(5), lambda: L.GRU(5), lambda: L.LSTM(5)])
def test_recurrent_layers_mask_the_kernels_chosen(factory):
    """With one time step (h_0 = 0) the recurrent kernel has no effect:
    masking it alone leaves the output exactly that of the layer, masking
    the input kernel changes it."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(4, 1, 3)).astype("float32")
    recurrent = DropConnect(factory(), rate=0.5, kernels="recurrent", seed=1)
    reference = _np(recurrent(x))
    np.testing.assert_allclose(_np(recurrent(x, training=True)), reference,
                               rtol=1e-6, atol=1e-7)
    both = DropConnect(recurrent.layer, rate=0.5, kernels="all", seed=1)
    assert not np.allclose(_np(both(x, training=True)), reference)
    roles = sorted(k.role for k in both._targets)
    assert roles == ["kernel", "recurrent_kernel"]


@pytest.mark.parametrize("factory, shape", [
    (lambda: L.Conv1D(3, 2), (2, 6, 2)),
    (lambda: L.Conv1DTranspose(3, 2), (2, 5, 2)),
    (lambda: L.SeparableConv1D(3, 2), (2, 6, 2)),
    (lambda: L.Conv3D(2, 2), (1, 3, 3, 3, 2)),
])
def test_any_kernel_layer_trains_and_infers_unchanged(factory, shape):
    keras.utils.set_random_seed(0)
    layer = DropConnect(factory(), rate=0.5, seed=1)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    np.testing.assert_allclose(_np(layer(x)), _np(layer.layer(x)), rtol=1e-6)
    assert not np.allclose(_np(layer(x, training=True)), _np(layer(x)))
    assert {k.variable.path for k in layer._targets} == {
        k.variable.path for k in layer.kreg_kernels() if k.role != "recurrent_kernel"}


def test_recurrent_wrapper_round_trips_and_mixed_precision(keras_roundtrip):
    model = keras.Sequential([keras.Input((4, 3)), DropConnect(
        L.GRU(5), rate=0.25, kernels="recurrent", seed=1)])
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    loaded = keras_roundtrip(model)
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6)
    assert loaded.layers[0].get_config()["kernels"] == "recurrent"
    assert isinstance(loaded.layers[0].layer, L.GRU)


def test_recurrent_mixed_precision(mixed_precision):
    layer = DropConnect(L.LSTM(4), rate=0.5, kernels="all", seed=0)
    y = layer(np.ones((2, 3, 3), "float32"), training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    assert np.all(np.isfinite(_np(y)))


def test_masking_is_forwarded_to_the_wrapped_rnn():
    """Time steps masked by `Masking` are skipped by the wrapped RNN as
    by the bare one (the wrapper forwards the mask)."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    x[:, 2:] = 0.0
    rnn = L.SimpleRNN(5)
    wrapped = keras.Sequential([keras.Input((4, 3)), L.Masking(0.0),
                                DropConnect(rnn, rate=0.5, seed=0)])
    bare = keras.Sequential([keras.Input((4, 3)), L.Masking(0.0), rnn])
    np.testing.assert_allclose(_np(wrapped(x)), _np(bare(x)), rtol=1e-6)
    # Masked training: the last steps are skipped, so the output equals the
    # wrapped layer's output on the first two steps alone.
    short = DropConnect(rnn, rate=0.5, seed=0)
    np.testing.assert_allclose(_np(wrapped(x, training=True)),
                               _np(short(x[:, :2], training=True)), rtol=1e-5)


def test_variational_round_trips_and_is_checked(keras_roundtrip):
    """`variational` (AWD-LSTM's name; tests/kreg/migration/
    test_awd_lstm_weight_drop.py has its semantics) is saved, defaults to
    `False` for configurations saved before it existed, and is a boolean."""
    layer = DropConnect(L.Dense(3), rate=0.5, variational=True, seed=1)
    model = keras.Sequential([keras.Input((4,)), layer])
    loaded = keras_roundtrip(model)
    assert loaded.layers[0].get_config()["variational"] is True
    config = {k: v for k, v in DropConnect(L.Dense(3)).get_config().items()
              if k != "variational"}
    assert DropConnect.from_config(config).variational is False
    with pytest.raises(ValueError, match=r"argument `variational`\. Expected "
                       r"a boolean\. Received: variational=1"):
        DropConnect(L.Dense(2), variational=1)
