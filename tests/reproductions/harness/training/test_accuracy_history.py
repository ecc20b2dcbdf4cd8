import keras
import numpy as np
import pytest

from harness.training import Evaluator
from harness.training.accuracy_history import AccuracyHistory


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    return x, np.eye(2, dtype="float32")[y]


def model():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.5),
                          keras.layers.Dense(2)])
    m.compile(optimizer=keras.optimizers.SGD(0.5),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return m


def test_records_inference_accuracy_every_epoch_and_the_last():
    x, y = data()
    m = model()
    history = AccuracyHistory({"train": (x, y), "other": (x[:10], y[:10])}, every=2)
    m.fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[history])
    assert history.history["epoch"] == [2, 4, 5]
    assert len(history.history["train"]) == 3
    # Inference mode: equal to a fresh measurement, no dropout noise.
    assert history.history["train"][-1] == Evaluator(m, x, y)()
    expected = np.mean(np.argmax(m.predict(x, verbose=0), -1) == y.argmax(-1))
    assert history.history["train"][-1] == pytest.approx(expected)


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="at least one"):
        AccuracyHistory({})
    with pytest.raises(ValueError, match="positive integer"):
        AccuracyHistory({"a": (np.zeros((1, 1)), np.zeros(1))}, every=0)
