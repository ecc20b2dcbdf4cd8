"""A callback multiplying the optimizer's learning rate once, at one epoch:
the learning-rate drop of dense-sparse-dense's re-dense phase, alone."""

import keras


class LearningRateDrop(keras.callbacks.Callback):
    """Multiplies the learning rate by `factor` at the start of epoch `epoch`.

    Plain training with this drop at the first re-dense epoch is the control
    of `kreg.callbacks.DenseSparseDense`: the same learning rates, no pruning.

    Args:
        epoch: the 0-based epoch from which the learning rate is
            `factor` times the initial one.
        factor: a positive float.

    Example:

    ```python
    model.fit(x, y, epochs=12, callbacks=[LearningRateDrop(8, 0.1)])
    ```
    """

    def __init__(self, epoch, factor):
        super().__init__()
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise ValueError("Invalid value received for argument `epoch`. Expected "
                             f"a non-negative integer. Received: epoch={epoch!r}")
        if not factor > 0:
            raise ValueError("Invalid value received for argument `factor`. Expected "
                             f"a positive float. Received: factor={factor!r}")
        self.epoch, self.factor = epoch, float(factor)
        self._initial = None

    def on_train_begin(self, logs=None):
        self._initial = float(keras.ops.convert_to_numpy(
            self.model.optimizer.learning_rate))

    def on_epoch_begin(self, epoch, logs=None):
        rate = self._initial * (self.factor if epoch >= self.epoch else 1.0)
        self.model.optimizer.learning_rate.assign(rate)
