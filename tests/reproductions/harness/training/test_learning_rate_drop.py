"""`harness.training.learning_rate_drop`: one drop of the learning rate."""

import keras
import numpy as np
import pytest

from harness.training.learning_rate_drop import LearningRateDrop


class Rates(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        self.rates.append(float(keras.ops.convert_to_numpy(
            self.model.optimizer.learning_rate)))


def test_the_rate_drops_at_its_epoch_and_stays():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    rates = Rates()
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=4, verbose=0,
              callbacks=[LearningRateDrop(2, 0.1), rates])
    np.testing.assert_allclose(rates.rates, [0.01, 0.01, 0.001, 0.001], rtol=1e-6)


@pytest.mark.parametrize("epoch, factor", [(-1, 0.1), (1.5, 0.1), (True, 0.1), (1, 0.0)])
def test_bad_arguments_are_refused(epoch, factor):
    with pytest.raises(ValueError, match="Invalid value received for argument"):
        LearningRateDrop(epoch, factor)
