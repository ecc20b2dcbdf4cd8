"""Mean squared error of a Keras model on fixed data, in one compiled call."""

import keras
import numpy as np


class MeanSquaredError:
    """`mean((model(x) - y)^2)` on fixed data, cheap to recompute.

    Args:
        model: a `keras.Model`.
        x, y: inputs and targets, NumPy arrays.
        training: the `training` flag the model is called with (`False`:
            inference, dropout off and batch norm on its moving statistics).
    """

    def __init__(self, model, x, y, training=False):
        self.model = model
        self.training = training
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            x_const = tf.constant(x)
            y_const = tf.constant(y)

            @tf.function(jit_compile=False)
            def compute():
                out = model(x_const, training=training)
                return tf.reduce_mean(tf.square(tf.cast(out, y_const.dtype) - y_const))

            self._compute = lambda: float(compute())
        else:
            self._x, self._y = np.asarray(x), np.asarray(y)
            self._compute = lambda: float(np.mean(
                (keras.ops.convert_to_numpy(model(self._x, training=training))
                 - self._y) ** 2))

    def __call__(self):
        return self._compute()
