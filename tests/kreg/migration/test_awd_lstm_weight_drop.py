"""`DropConnect` as AWD-LSTM's `WeightDrop` (Merity et al., 2018).

`WeightDrop(lstm, ["weight_hh_l0"], dropout=p)` is
`DropConnect(keras.layers.LSTM(...), rate=p, kernels="recurrent")`, and
`variational=True` is `variational=True`. What WeightDrop does, encoded
here: the hidden-to-hidden weight is masked once per forward call (one
sequence, the whole batch) and the same masked weight is used at every time
step; the kept weights are divided by `1 - p` (it calls PyTorch's dropout);
the first time step, which does not read the hidden state, does not depend
on the mask; `variational=True` drops whole rows of PyTorch's `(4 * hidden,
hidden)` weight, which are whole columns of Keras's `(units, 4 * units)`
recurrent kernel; at inference the layer is the plain LSTM.

The masks a call draws are recorded by wrapping `kreg.random.keep_mask`, and
an LSTM written here in NumPy with the recorded mask must give the layer's
outputs at every time step.
"""

import math

import keras
import numpy as np
import pytest

import kreg.random
from kreg.layers import DropConnect

UNITS, STEPS, FEATURES = 3, 6, 4
_np = keras.ops.convert_to_numpy


@pytest.fixture
def drawn_masks(monkeypatch):
    """The masks `kreg.random.keep_mask` returns, in order, as NumPy."""
    masks = []
    draw = kreg.random.keep_mask

    def recording(*args, **kwargs):
        mask = draw(*args, **kwargs)
        masks.append(_np(mask))
        return mask

    monkeypatch.setattr(kreg.random, "keep_mask", recording)
    return masks


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _numpy_lstm(x, kernel, recurrent_kernel, bias):
    """Keras's LSTM (gates i, f, c, o; zero initial state), all steps."""
    h = np.zeros((x.shape[0], UNITS))
    c = np.zeros((x.shape[0], UNITS))
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def _weight_drop(rate, variational=False, kernels="recurrent"):
    keras.utils.set_random_seed(0)
    lstm = keras.layers.LSTM(UNITS, return_sequences=True,
                             bias_initializer="random_normal")
    layer = DropConnect(lstm, rate=rate, kernels=kernels, seed=5,
                        variational=variational)
    x = np.random.default_rng(0).normal(size=(5, STEPS, FEATURES))
    x = x.astype("float32")
    layer.build(x.shape)
    return layer, lstm.cell, x


@pytest.mark.parametrize("variational", [False, True])
def test_one_mask_per_call_used_at_every_time_step(drawn_masks, variational):
    layer, cell, x = _weight_drop(0.5, variational)
    out = _np(layer(x, training=True))
    assert len(drawn_masks) == 1  # the recurrent kernel only, once
    mask = drawn_masks[0]
    U = _np(cell.recurrent_kernel)
    assert mask.shape == ((1, 4 * UNITS) if variational else U.shape)
    assert set(np.unique(mask)) <= {0.0, 1.0}
    # The whole sequence ran with the one masked kernel, scaled by 1 / 0.5.
    expected = _numpy_lstm(x, _np(cell.kernel), mask * U / 0.5, _np(cell.bias))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    # ... and not with the unmasked one (the mask matters at every step).
    plain = _numpy_lstm(x, _np(cell.kernel), U, _np(cell.bias))
    assert np.all(np.abs(out - plain)[:, 1:].max(axis=(0, 2)) > 1e-4)


def test_fresh_mask_each_call_first_step_unchanged():
    """WeightDrop's own check: two forward passes draw two masks, so every
    step that reads the hidden state differs, but the first step (zero
    initial state) is the same."""
    layer, _, x = _weight_drop(0.5)
    first, second = (_np(layer(x, training=True)) for _ in range(2))
    np.testing.assert_allclose(first[:, 0], second[:, 0], rtol=1e-6)
    for t in range(1, STEPS):
        assert not np.allclose(first[:, t], second[:, t])


@pytest.mark.parametrize("variational", [False, True])
def test_keep_fraction_and_inverted_expectation(drawn_masks, variational):
    """Over 200 calls the kept fraction of weights (of rows) is `1 - rate`,
    and the mean masked kernel, `mask * U / (1 - rate)`, is `U`."""
    rate = 0.25
    layer, cell, x = _weight_drop(rate, variational)
    for _ in range(200):
        layer(x[:1], training=True)
    masks = np.stack(drawn_masks)
    keep = 1 - rate
    n = masks.size
    assert abs(masks.mean() - keep) < 5 * math.sqrt(keep * rate / n)
    U = _np(cell.recurrent_kernel)
    mean_kernel = (masks * U / keep).mean(axis=0)
    se = np.abs(U) * math.sqrt(rate / keep / len(masks))
    assert np.all(np.abs(mean_kernel - U) < 5 * se + 1e-7)


def test_variational_drops_whole_rows_of_pytorchs_weight(drawn_masks):
    """PyTorch's `weight_hh` is Keras's `recurrent_kernel` transposed; AWD's
    `(4 * hidden, 1)` mask zeroes whole rows of it, i.e. whole columns of
    Keras's kernel: each gate pre-activation keeps or loses all its
    recurrent inputs."""
    layer, cell, x = _weight_drop(0.5, variational=True)
    for _ in range(20):
        layer(x, training=True)
    U = _np(cell.recurrent_kernel)
    for mask in drawn_masks:
        weight_hh = (mask * U / 0.5).T  # PyTorch's layout
        assert weight_hh.shape == (4 * UNITS, UNITS)
        dropped = np.all(weight_hh == 0, axis=1)
        np.testing.assert_allclose(weight_hh[~dropped], U.T[~dropped] / 0.5)
        np.testing.assert_array_equal(dropped, mask[0] == 0)
    # Over the calls both kept and dropped rows occur.
    assert 0 < np.mean(np.stack(drawn_masks) == 0) < 1


def test_variational_on_a_dense_layer_drops_whole_output_units():
    """`WeightDrop(nn.Linear, ["weight"], variational=True)`: each output
    unit keeps all its weights (scaled) or none."""
    dense = keras.layers.Dense(64, use_bias=False)
    layer = DropConnect(dense, rate=0.5, variational=True, seed=1)
    x = np.random.default_rng(1).normal(size=(8, 5)).astype("float32")
    layer.build(x.shape)
    plain = _np(dense(x))
    for _ in range(5):
        out = _np(layer(x, training=True))
        dropped = np.all(out == 0, axis=0)
        np.testing.assert_allclose(out[:, ~dropped], plain[:, ~dropped] / 0.5,
                                   rtol=1e-5, atol=1e-6)
        assert 0 < dropped.sum() < 64


@pytest.mark.parametrize("kernels, masked", [
    ("recurrent", ["recurrent_kernel"]),
    ("input", ["kernel"]),
    ("all", ["kernel", "recurrent_kernel"]),
])
def test_weight_names_map_to_kernels(drawn_masks, kernels, masked):
    """`weights=["weight_hh_l0"]` is `kernels="recurrent"`,
    `["weight_ih_l0"]` is `"input"`, both are `"all"`."""
    layer, cell, x = _weight_drop(0.5, kernels=kernels)
    layer(x, training=True)
    shapes = {"kernel": tuple(cell.kernel.shape),
              "recurrent_kernel": tuple(cell.recurrent_kernel.shape)}
    assert sorted(mask.shape for mask in drawn_masks) == sorted(
        shapes[name] for name in masked)


@pytest.mark.parametrize("variational", [False, True])
def test_inference_is_the_plain_lstm(variational):
    """At inference the layer is the LSTM, `variational` or not (AWD-LSTM's
    variational mask is drawn in evaluation mode as well; ours is not)."""
    layer, cell, x = _weight_drop(0.5, variational)
    expected = _numpy_lstm(x, _np(cell.kernel), _np(cell.recurrent_kernel),
                           _np(cell.bias))
    for out in (layer(x), layer(x, training=False)):
        np.testing.assert_allclose(_np(out), expected, rtol=1e-4, atol=1e-5)
