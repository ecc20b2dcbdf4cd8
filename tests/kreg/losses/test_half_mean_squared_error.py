import keras
import numpy as np
import pytest

from kreg.losses import HalfMeanSquaredError


def test_equals_tf1_l2_loss_convention(rng):
    y_true = np.eye(10, dtype="float32")[rng.integers(0, 10, 32)]
    y_pred = rng.dirichlet(np.ones(10), 32).astype("float32")
    expected = np.sum((y_true - y_pred) ** 2) / 2 / (10 * 32)
    loss = HalfMeanSquaredError()(y_true, y_pred)
    assert float(keras.ops.convert_to_numpy(loss)) == pytest.approx(expected, rel=1e-6)
    mse = keras.losses.MeanSquaredError()(y_true, y_pred)
    assert float(loss) == pytest.approx(0.5 * float(mse), rel=1e-6)


def test_serializes():
    loss = HalfMeanSquaredError(reduction="sum")
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(restored, HalfMeanSquaredError)
    assert restored.reduction == "sum"
