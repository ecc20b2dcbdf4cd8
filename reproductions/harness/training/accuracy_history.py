"""A callback recording inference-mode accuracy on fixed data sets."""

import keras

from harness.training.evaluation import Evaluator


class AccuracyHistory(keras.callbacks.Callback):
    """Records the accuracy on named data sets after every `every` epochs.

    `model.fit`'s own `accuracy` is a running mean over the epoch measured
    with dropout and augmentation on; this callback measures each set in
    inference mode at the end of the epoch, which is what "train and test
    curves" compare. It runs before callbacks listed after it (e.g.
    `EarlyStopping`), so it records the weights of every epoch.

    Args:
        datasets: dict `{name: (x, y)}` of NumPy arrays (one-hot or integer
            labels).
        every: record after every `every`-th epoch and after the last one.

    Attributes:
        history: dict with `"epoch"` (1-based) and one list per data set.

    Example:

    ```python
    history = AccuracyHistory({"train": (x, y), "test": (x_test, y_test)})
    model.fit(x, y, epochs=5, callbacks=[history])
    history.history["test"][-1]
    ```
    """

    def __init__(self, datasets, every=1):
        super().__init__()
        if not datasets:
            raise ValueError("Invalid value received for argument `datasets`: "
                             "expected at least one named (x, y) pair.")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError("Invalid value received for argument `every`. "
                             f"Expected a positive integer. Received: {every!r}")
        self.datasets = dict(datasets)
        self.every = every
        self.history = {"epoch": [], **{name: [] for name in self.datasets}}
        self._accuracy = None

    def on_train_begin(self, logs=None):
        self._accuracy = {name: Evaluator(self.model, x, y)
                          for name, (x, y) in self.datasets.items()}

    def on_epoch_end(self, epoch, logs=None):
        last = (self.params or {}).get("epochs")
        if (epoch + 1) % self.every and epoch + 1 != last:
            return
        self.history["epoch"].append(epoch + 1)
        for name, accuracy in self._accuracy.items():
            self.history[name].append(accuracy())
