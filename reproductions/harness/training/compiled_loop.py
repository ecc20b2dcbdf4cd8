"""Many training steps of a compiled Keras model in one compiled call.

`model.fit` pays Python and dispatch costs on every step, which dominate for a
small model: about 400 steps/s here for a 784x10 softmax. `CompiledLoop` keeps
the data on the device and runs a whole block of steps of the model's own
`train_step` (its loss, regularization losses and optimizer) inside one
XLA-compiled `while` loop on the TensorFlow backend. On the JAX and PyTorch
backends it falls back to `train_on_batch` per step: correct, not fast.

XLA's random-number kernels are slow on the CPU (measured here: a 32x784
dropout mask costs ~25 ms under XLA, ~0.3 ms without), so by default a model
that draws random numbers (owns a `SeedGenerator`) runs on the CPU in a
`tf.function` loop without XLA.
"""

import keras
import numpy as np


def draws_random_numbers(model):
    """Whether any layer of `model` owns a `keras.random.SeedGenerator`."""
    return any(
        v.path.endswith("seed_generator_state") for v in model.non_trainable_variables
    )


def _has_gpu():
    import tensorflow as tf

    return bool(tf.config.list_logical_devices("GPU"))


class CompiledLoop:
    """Trains a compiled Keras model on in-memory data, a block at a time.

    Args:
        model: a compiled `keras.Model` (optimizer and loss set).
        x: training inputs, a NumPy array.
        y: training targets, a NumPy array.
        jit_compile: `True`, `False` or `"auto"` (default): whether to compile
            the loop with XLA (TensorFlow only). `"auto"` uses XLA unless the
            model draws random numbers and no GPU is present.

    Example:

    >>> import keras, numpy as np
    >>> from harness.training import epoch_batch_indices
    >>> x = np.random.rand(256, 8).astype("float32")
    >>> y = np.random.rand(256, 1).astype("float32")
    >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    >>> model.compile("adam", "mse")
    >>> loop = CompiledLoop(model, x, y)
    >>> loss = loop.run(epoch_batch_indices(len(x), 32, 100, seed=0))
    """

    def __init__(self, model, x, y, jit_compile="auto"):
        if not getattr(model, "compiled", False) or model.optimizer is None:
            raise ValueError(
                "Invalid value received for argument `model`. Expected a model "
                "compiled with an optimizer and a loss (call `model.compile` "
                f"first). Received: model={model.name!r}, uncompiled"
            )
        if len(x) != len(y):
            raise ValueError(
                "Arguments `x` and `y` must have the same length. Received: "
                f"len(x)={len(x)}, len(y)={len(y)}"
            )
        self.model = model
        self.backend = keras.backend.backend()
        if not model.built:
            model.build(x.shape)
        model.optimizer.build(model.trainable_variables)
        if not (isinstance(jit_compile, bool) or jit_compile == "auto"):
            raise ValueError(
                "Invalid value received for argument `jit_compile`. Expected "
                f"True, False or 'auto'. Received: jit_compile={jit_compile!r}"
            )
        if self.backend == "tensorflow":
            if jit_compile == "auto":
                jit_compile = not (draws_random_numbers(model) and not _has_gpu())
            self.jit_compile = jit_compile
            self._run = self._make_tf_loop(x, y, jit_compile)
        else:
            self.jit_compile = False
            self._x, self._y = np.asarray(x), np.asarray(y)
            self._run = self._run_eagerly

    def _make_tf_loop(self, x, y, jit_compile):
        import tensorflow as tf

        x = tf.constant(x)
        y = tf.constant(y)
        model = self.model

        @tf.function(jit_compile=jit_compile, reduce_retracing=True)
        def run(indices):
            loss = tf.constant(0.0)
            for step in tf.range(tf.shape(indices)[0]):
                batch = indices[step]
                logs = model.train_step((tf.gather(x, batch), tf.gather(y, batch)))
                loss = tf.cast(logs["loss"], tf.float32)
            return loss

        return lambda indices: float(run(tf.constant(indices, tf.int32)))

    def _run_eagerly(self, indices):
        loss = float("nan")
        for batch in indices:
            loss = self.model.train_on_batch(self._x[batch], self._y[batch])
            loss = float(np.asarray(loss).reshape(-1)[0])
        return loss

    def run(self, indices):
        """Runs one training step per row of `indices`; returns the last loss.

        The loss is the model's running mean over the steps since the last
        `model.reset_metrics()`, as `model.fit` reports it.
        """
        indices = np.asarray(indices)
        if indices.ndim != 2 or len(indices) == 0:
            raise ValueError(
                "Invalid value received for argument `indices`. Expected a 2-D "
                "array (steps, batch_size) with at least one step. Received: "
                f"shape={indices.shape}"
            )
        return self._run(indices)
