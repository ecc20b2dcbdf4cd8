"""`harness.training.epoch_loop`: epochs of one compiled call each, the
learning rate divided at fixed epochs, measures after every epoch."""

import keras
import numpy as np
import pytest

from harness.training import CompiledLoop, Evaluator, epoch_batch_indices
from harness.training.epoch_loop import train_epochs


def make_model(lr=0.1):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(keras.optimizers.SGD(lr), loss="mse")
    return model


@pytest.fixture
def data(rng):
    x = rng.normal(size=(20, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")


def test_records_each_measure_after_each_epoch_and_divides_the_rate(data):
    x, y = data
    model = make_model()
    calls = []
    history = train_epochs(model, x, y, 5, 4, seed=0, quiet=True, drops=[2, 4],
                           measures={"calls": lambda: calls.append(1) or len(calls),
                                     "mse": Evaluator(model, x, y, measure="mse")})
    assert history["epoch"] == [1, 2, 3, 4, 5] and history["calls"] == [1, 2, 3, 4, 5]
    assert history["mse"][-1] < history["mse"][0]
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.1 / 16)


def test_the_same_steps_as_one_loop_over_the_same_batches(data):
    """Epoch by epoch, the batches are `epoch_batch_indices`' for the seed."""
    x, y = data
    by_epoch = make_model()
    train_epochs(by_epoch, x, y, 3, 5, seed=7, measures={}, quiet=True)
    at_once = make_model()
    CompiledLoop(at_once, x, y).run(epoch_batch_indices(20, 5, 3 * 4, seed=7))
    for a, b in zip(by_epoch.get_weights(), at_once.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_a_batch_larger_than_the_data_is_refused(data):
    x, y = data
    with pytest.raises(ValueError, match="batch_size"):
        train_epochs(make_model(), x, y, 1, 21, seed=0, measures={}, quiet=True)
