"""Classification accuracy of a Keras model, computed in one compiled call."""

import keras
import numpy as np


class Accuracy:
    """Top-1 accuracy of `model` on fixed data, recomputed cheaply on demand.

    Args:
        model: a `keras.Model` mapping inputs to class scores.
        x: inputs, a NumPy array.
        y: one-hot or integer labels.
        training: the `training` flag the model is called with. `False` is
            correct inference; `True` measures with dropout and other
            training-only noise still on (a quirk of some original code).
        jit_compile: whether to compile with XLA (TensorFlow only). Off by
            default: on a CPU, XLA is about ten times slower than plain
            TensorFlow for convolutions (LeNet-5 on 3,927 digits: 2.2 s
            against 0.16 s an evaluation, measured here) and its random
            numbers are slow too.
    """

    def __init__(self, model, x, y, training=False, jit_compile=False):
        self.model = model
        self.training = training
        y = np.asarray(y)
        self.labels = y.argmax(axis=-1) if y.ndim == 2 else y
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            x_const = tf.constant(x)
            labels = tf.constant(self.labels.astype(np.int64))

            @tf.function(jit_compile=jit_compile)
            def compute():
                scores = model(x_const, training=training)
                hits = tf.equal(tf.argmax(scores, axis=-1), labels)
                return tf.reduce_mean(tf.cast(hits, tf.float32))

            self._compute = lambda: float(compute())
        else:
            self._x = np.asarray(x)
            self._compute = self._compute_eagerly

    def _compute_eagerly(self):
        scores = keras.ops.convert_to_numpy(self.model(self._x, training=self.training))
        return float(np.mean(scores.argmax(axis=-1) == self.labels))

    def __call__(self):
        return self._compute()
