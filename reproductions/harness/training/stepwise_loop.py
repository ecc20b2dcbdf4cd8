"""Training steps that measure the model after every step, in one call.

A curve sampled every few thousand steps can land on, or miss, a spike of
the loss (Adam's occasional jumps). `StepwiseLoop` trains a block of steps
like `CompiledLoop` and measures the mean squared error on fixed sets after
EVERY step, so a window of the curve is measured whole:

- TensorFlow: one `tf.function` (XLA-compiled unless the model draws random
  numbers on a CPU, as `CompiledLoop` decides) running the model's own
  `train_step` and the sets' forward passes (inference mode) in a loop;
- JAX and PyTorch: one `CompiledLoop` step and one `Evaluator` call per set
  and step (slower, the same numbers' meaning).
"""

import keras
import numpy as np

from harness.training.compiled_loop import CompiledLoop, _has_gpu, draws_random_numbers
from harness.training.evaluation import Evaluator


class StepwiseLoop:
    """Trains a compiled Keras model and measures its MSE after every step.

    Args:
        model: a compiled `keras.Model` (optimizer and loss set).
        x: training inputs, a NumPy array.
        y: training targets, a NumPy array.
        sets: `{name: (x, y)}`, the sets measured after every step (inference
            mode, mean squared error of the outputs).

    Example:

    >>> loop = StepwiseLoop(model, x, y, {"train": (x, y)})
    >>> measured = loop.run(epoch_batch_indices(len(x), 32, 100, seed=0))
    >>> measured["train"].shape
    (100,)
    """

    def __init__(self, model, x, y, sets):
        if not sets:
            raise ValueError("Invalid value received for argument `sets`: "
                             "expected at least one named (x, y) pair.")
        self.names = list(sets)
        if keras.backend.backend() == "tensorflow":
            CompiledLoop(model, x, y)  # validates, builds the model and optimizer
            self._run = self._tf_run(model, x, y, sets)
        else:
            loop = CompiledLoop(model, x, y)
            evaluators = {name: Evaluator(model, *xy, measure="mse")
                          for name, xy in sets.items()}

            def run(indices):
                measured = {name: [] for name in self.names}
                for row in indices:
                    loop.run(row[None])
                    for name, evaluate in evaluators.items():
                        measured[name].append(evaluate())
                return {name: np.asarray(v, np.float64) for name, v in measured.items()}

            self._run = run

    def _tf_run(self, model, x, y, sets):
        import tensorflow as tf

        x, y = tf.constant(x), tf.constant(y)
        fixed = [(tf.constant(sx), tf.cast(tf.constant(sy), tf.float32))
                 for sx, sy in sets.values()]
        jit = not (draws_random_numbers(model) and not _has_gpu())

        @tf.function(jit_compile=jit, reduce_retracing=True)
        def run(indices):
            steps = tf.shape(indices)[0]
            arrays = [tf.TensorArray(tf.float32, size=steps) for _ in fixed]
            for step in tf.range(steps):
                batch = indices[step]
                model.train_step((tf.gather(x, batch), tf.gather(y, batch)))
                arrays = [array.write(step, tf.reduce_mean(tf.square(
                    tf.cast(model(sx, training=False), tf.float32) - sy)))
                    for array, (sx, sy) in zip(arrays, fixed)]
            return [array.stack() for array in arrays]

        def call(indices):
            stacked = run(tf.constant(indices, tf.int32))
            return {name: np.asarray(v, np.float64)
                    for name, v in zip(self.names, stacked)}

        return call

    def run(self, indices):
        """Runs one training step per row of `indices`; returns `{name:
        array}`, each set's MSE after each step."""
        indices = np.asarray(indices)
        if indices.ndim != 2 or len(indices) == 0:
            raise ValueError(
                "Invalid value received for argument `indices`. Expected a 2-D "
                "array (steps, batch_size) with at least one step. Received: "
                f"shape={indices.shape}")
        return self._run(indices)
