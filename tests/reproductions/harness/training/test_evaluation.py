import keras
import numpy as np
import pytest

from harness.training import Evaluator


def test_accuracy_and_mse_match_numpy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 4)).astype("float32")
    y = rng.normal(size=(50, 3)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    out = keras.ops.convert_to_numpy(model(x))
    assert Evaluator(model, x, y, measure="mse")() == pytest.approx(
        np.mean((out - y) ** 2), rel=1e-6)
    labels = rng.integers(0, 3, 50)
    expected = np.mean(out.argmax(-1) == labels)
    assert Evaluator(model, x, labels)() == pytest.approx(expected)
    assert Evaluator(model, x, np.eye(3)[labels])() == pytest.approx(expected)


def test_training_flag_reaches_the_model():
    x = np.ones((200, 8), "float32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dropout(0.5, seed=1)])
    assert Evaluator(model, x, x, measure="mse")() == 0.0
    assert Evaluator(model, x, x, measure="mse", training=True)() > 0.5


def test_rejects_unknown_measure():
    with pytest.raises(ValueError, match="argument `measure`.*Received: measure='mae'"):
        Evaluator(None, np.zeros((1, 1)), np.zeros(1), measure="mae")


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="TensorFlow's tf.function retracing warning")
def test_many_evaluators_raise_no_retracing_warning(caplog):
    """A script measures dozens of models in one process: each Evaluator
    traces its graph once, and TensorFlow must not read that as retracing
    (its warning counts tracings per code object)."""
    x = np.ones((8, 4), "float32")
    y = np.zeros(8, "int32")
    with caplog.at_level("WARNING", logger="tensorflow"):
        for _ in range(12):
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            evaluate = Evaluator(model, x, y)
            for _ in range(3):
                evaluate()
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
