"""A model's score on fixed data (accuracy or MSE), in one compiled call.

The reproductions measure a model on the same held-out set hundreds of times
during training. `keras.Model.evaluate` pays its set-up on every call; an
`Evaluator` compiles the forward pass over the whole set once and then costs
one call. It is not a `keras.metrics.Metric` (it holds no state and is not
passed to `compile`): it measures a model, on demand.
"""

import functools

import keras
import numpy as np

MEASURES = ("accuracy", "mse")


class Evaluator:
    """Scores `model` on fixed data `(x, y)`, recomputed cheaply on demand.

    Args:
        model: a `keras.Model`.
        x: inputs, a NumPy array.
        y: targets: one-hot or integer labels for `"accuracy"`, values for
            `"mse"`.
        measure: `"accuracy"` (top-1 accuracy of class scores) or `"mse"`
            (mean squared error of the outputs).
        training: the `training` flag the model is called with. `False` is
            correct inference; `True` measures with dropout and other
            training-only noise still on (a quirk of some original code).
        jit_compile: whether to compile with XLA on TensorFlow (on JAX the
            forward pass is always `jax.jit`-compiled). Off by
            default: on a CPU, XLA is about ten times slower than plain
            TensorFlow for convolutions (LeNet-5 on 3,927 digits: 2.2 s
            against 0.16 s an evaluation, measured here) and its random
            numbers are slow too.

    Example:

    >>> test_accuracy = Evaluator(model, x_test, y_test)
    >>> test_accuracy()  # a Python float, after any number of steps
    """

    def __init__(self, model, x, y, measure="accuracy", training=False,
                 jit_compile=False):
        if measure not in MEASURES:
            raise ValueError(
                "Invalid value received for argument `measure`. Expected one "
                f"of {MEASURES}. Received: measure={measure!r}"
            )
        self.model = model
        self.measure = measure
        self.training = training
        y = np.asarray(y)
        if measure == "accuracy":
            y = (y.argmax(axis=-1) if y.ndim == 2 else y).astype(np.int32)
        self.y = y
        if keras.backend.backend() == "tensorflow":
            self._compute = self._compiled_tf(np.asarray(x), jit_compile)
        elif keras.backend.backend() == "jax":
            self._compute = self._compiled_jax(np.asarray(x))
        else:
            self._x = np.asarray(x)
            self._compute = self._eager

    def _score(self, ops, outputs, y):
        """The measure, written once for TF tensors and NumPy arrays."""
        if self.measure == "accuracy":
            predicted = ops.cast(ops.argmax(outputs, axis=-1), "int32")
            hits = ops.equal(predicted, y)
            return ops.mean(ops.cast(hits, "float32"))
        outputs = ops.cast(outputs, "float32")
        return ops.mean(ops.square(outputs - ops.cast(y, "float32")))

    def _compiled_tf(self, x, jit_compile):
        import tensorflow as tf

        x = tf.constant(x)
        y = tf.constant(self.y)

        def compute():
            return self._score(keras.ops, self.model(x, training=self.training), y)

        # One graph per Evaluator, traced once. TensorFlow counts tracings
        # per code object, so the closures of many Evaluators (a script
        # measures dozens of models in one process) would add up to its
        # "triggered tf.function retracing" warning, though none retraces;
        # a `partial` has no code object, so each is counted alone.
        compiled = tf.function(functools.partial(compute), jit_compile=jit_compile)
        return lambda: float(compiled())

    def _compiled_jax(self, x):
        import jax

        model = self.model

        @jax.jit
        def compute(trainable, non_trainable):
            outputs, _ = model.stateless_call(trainable, non_trainable, x,
                                              training=self.training)
            return self._score(keras.ops, outputs, self.y)

        return lambda: float(compute(
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables]))

    def _eager(self):
        outputs = self.model(self._x, training=self.training)
        return float(self._score(keras.ops, outputs, self.y))

    def __call__(self):
        return self._compute()
