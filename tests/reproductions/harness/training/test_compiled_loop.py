"""`CompiledLoop` trains exactly as the model's own step does, only faster."""

import keras
import numpy as np
import pytest

from harness.training import CompiledLoop, Evaluator, epoch_batch_indices
from harness.training.compiled_loop import draws_random_numbers
from kreg.layers import InvertedDropout


def make_model(dropout=False, regularizer=None):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6,))
    x = keras.layers.Dropout(0.5, seed=1)(inputs) if dropout else inputs
    outputs = keras.layers.Dense(3, activation="softmax",
                                 kernel_regularizer=regularizer)(x)
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(0.01), loss="mse")
    return model


@pytest.fixture
def data(rng):
    x = rng.normal(size=(40, 6)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 40)]
    return x, y


@pytest.mark.parametrize("regularizer", [None, "l2"])
def test_same_weights_as_train_on_batch(data, regularizer):
    x, y = data
    indices = epoch_batch_indices(len(x), 8, 25, seed=0)
    fast = make_model(regularizer=regularizer)
    CompiledLoop(fast, x, y).run(indices)
    slow = make_model(regularizer=regularizer)
    for batch in indices:
        slow.train_on_batch(x[batch], y[batch])
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert not np.allclose(fast.get_weights()[0], make_model().get_weights()[0])


@pytest.mark.parametrize("dropout", [False, True])
def test_blocks_add_up(data, dropout):
    """Blocks continue where the last one stopped: the weights, the optimizer
    and the random-number state (dropout masks) are carried over."""
    x, y = data
    indices = epoch_batch_indices(len(x), 8, 20, seed=0)
    whole, parts = make_model(dropout=dropout), make_model(dropout=dropout)
    CompiledLoop(whole, x, y).run(indices)
    loop = CompiledLoop(parts, x, y)
    loop.run(indices[:7])
    loop.run(indices[7:])
    for a, b in zip(whole.get_weights(), parts.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_training_lowers_the_loss(data):
    """On every backend: the loop trains (the fallback path included)."""
    x, y = data
    model = make_model()
    before = model.evaluate(x, y, verbose=0)
    CompiledLoop(model, x, y).run(epoch_batch_indices(len(x), 8, 60, seed=0))
    assert model.evaluate(x, y, verbose=0) < 0.9 * before


def test_jit_auto_avoids_xla_for_random_layers_on_cpu(data):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("XLA choice is TensorFlow-only")
    x, y = data
    assert draws_random_numbers(make_model(dropout=True))
    assert not draws_random_numbers(make_model())
    assert CompiledLoop(make_model(), x, y).jit_compile is True
    assert CompiledLoop(make_model(dropout=True), x, y).jit_compile is False
    # kreg's counter-based dropout compiles with XLA like any arithmetic.
    fast = keras.Sequential([keras.Input((6,)), InvertedDropout(0.5, seed=0),
                             keras.layers.Dense(3)])
    fast.compile("sgd", "mse")
    assert not draws_random_numbers(fast)
    assert CompiledLoop(fast, x, y).jit_compile is True
    # Every rate (0.1 too) is drawn by the counter hash.
    assert not draws_random_numbers(keras.Sequential(
        [keras.Input((6,)), InvertedDropout(0.1)]))


def test_rejects_uncompiled_and_bad_arguments(data):
    x, y = data
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="argument `model`.*compiled"):
        CompiledLoop(model, x, y)
    with pytest.raises(ValueError, match="same length.*len\\(y\\)=39"):
        CompiledLoop(make_model(), x, y[:39])
    with pytest.raises(ValueError, match="jit_compile='yes'"):
        CompiledLoop(make_model(), x, y, jit_compile="yes")
    with pytest.raises(ValueError, match="argument `indices`.*shape=\\(5,\\)"):
        CompiledLoop(make_model(), x, y).run(np.arange(5))


def test_accuracy_matches_numpy(data):
    x, y = data
    model = make_model()
    expected = np.mean(model.predict(x, verbose=0).argmax(1) == y.argmax(1))
    assert Evaluator(model, x, y)() == pytest.approx(expected)
    assert Evaluator(model, x, y.argmax(1))() == pytest.approx(expected)
