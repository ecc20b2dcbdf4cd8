"""`harness.models.lenet300`: LeNet-300-100 for digits."""

import numpy as np

from harness.models.lenet300 import compiled_lenet300


def test_lenet300_shape_and_seeding():
    model = compiled_lenet300(0, 1e-3)
    assert model.count_params() == 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10
    again = compiled_lenet300(0, 1e-3)
    x = np.random.default_rng(0).random((3, 784)).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), again.predict(x, verbose=0))
    assert model(x).shape == (3, 10)
