import keras
import numpy as np
import pytest

from harness.training import CompiledLoop, Evaluator, epoch_batch_indices
from harness.training.stepwise_loop import StepwiseLoop


def model_and_data():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(-1, 1, (64, 1)).astype("float32")
    y = (2 * x + 0.5).astype("float32")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model, x, y


def test_every_step_is_measured_and_the_training_is_a_compiled_loops():
    model, x, y = model_and_data()
    twin, _, _ = model_and_data()
    indices = epoch_batch_indices(len(x), 16, 12, seed=0)
    measured = StepwiseLoop(model, x, y, {"train": (x, y)}).run(indices)
    assert measured["train"].shape == (12,)
    assert measured["train"][-1] < measured["train"][0]
    CompiledLoop(twin, x, y).run(indices)
    np.testing.assert_allclose(model.get_weights()[0], twin.get_weights()[0], rtol=1e-5)
    assert measured["train"][-1] == pytest.approx(
        Evaluator(model, x, y, measure="mse")(), rel=1e-5)


def test_bad_indices_and_no_sets_are_refused():
    model, x, y = model_and_data()
    with pytest.raises(ValueError, match="sets"):
        StepwiseLoop(model, x, y, {})
    with pytest.raises(ValueError, match="indices"):
        StepwiseLoop(model, x, y, {"train": (x, y)}).run(np.zeros((0, 4), int))
