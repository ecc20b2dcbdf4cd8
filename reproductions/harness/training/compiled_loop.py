"""Many training steps of a compiled Keras model in one compiled call.

`model.fit` pays Python and dispatch costs on every step, which dominate for a
small model: about 400 steps/s here for a 784x10 softmax. `CompiledLoop` keeps
the data on the device and runs a whole block of steps of the model's own
`train_step` (its loss, regularization losses and optimizer) in one compiled
call:

- TensorFlow: a `while` loop in one `tf.function`, XLA-compiled;
- JAX: `jax.lax.scan` over the model's stateless `train_step` in one
  `jax.jit` (the model's variables are read before and written back after
  each block);
- PyTorch: no whole-loop compiler is reasonable here, so the model's own
  `train_step` runs in a tight Python loop on tensors already on the device
  (what `train_on_batch` does, without its per-call set-up).

XLA's random-number kernels are slow on the CPU (measured here: a 32x784
dropout mask costs ~1.1 ms under XLA, ~0.06 ms without), so by default a
model that draws random numbers with `keras.random` runs on the CPU in a
`tf.function` loop without XLA; kreg's counter-based draws (`kreg.random`,
e.g. `kreg.layers.InvertedDropout`) compile well and keep XLA.
"""

import keras
import numpy as np


def draws_random_numbers(model):
    """Whether a layer of `model` draws random numbers with `keras.random`
    kernels (slow under XLA on a CPU).

    A layer that owns a `SeedGenerator` counts, unless it declares
    `xla_friendly_random` (kreg's layers whose draws are all counter-based
    `kreg.random` draws, fused by XLA like any other arithmetic).
    """
    for layer in model._flatten_layers(include_self=False, recursive=True):
        owns_generator = any(isinstance(value, keras.random.SeedGenerator)
                             for value in vars(layer).values())
        if owns_generator and not getattr(layer, "xla_friendly_random", False):
            return True
    return False


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
        elif self.backend == "jax":
            self.jit_compile = True
            self._run = self._make_jax_loop(x, y)
        else:
            self.jit_compile = False
            self._run = self._make_torch_loop(x, y)

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

    def _state_variables(self):
        model = self.model
        return (model.trainable_variables, model.non_trainable_variables,
                model.optimizer.variables, model.metrics_variables)

    def _make_jax_loop(self, x, y):
        import jax
        import jax.numpy as jnp

        x, y = jnp.asarray(x), jnp.asarray(y)
        model = self.model
        # Builds the compiled loss and metrics, as `fit` does before its
        # first step.
        model._symbolic_build(data_batch=(x[:1], y[:1]))

        def block(state, indices):
            def step(state, batch):
                logs, state = model.train_step(state, (x[batch], y[batch]))
                return state, logs["loss"]

            state, losses = jax.lax.scan(step, state, indices)
            return state, losses[-1]

        compiled = jax.jit(block, donate_argnums=0)
        groups = self._state_variables()

        def run(indices):
            state = tuple([v.value for v in group] for group in groups)
            state, loss = compiled(state, jnp.asarray(indices, dtype=jnp.int32))
            for group, values in zip(groups, state):
                for variable, value in zip(group, values):
                    variable.assign(value)
            return float(loss)

        return run

    def _make_torch_loop(self, x, y):
        import torch

        device = keras.backend.get_device() if hasattr(
            keras.backend, "get_device") else "cpu"
        x = torch.as_tensor(np.asarray(x), device=device)
        y = torch.as_tensor(np.asarray(y), device=device)
        model = self.model
        model._symbolic_build(data_batch=(x[:1], y[:1]))
        model.make_train_function()

        def run(indices):
            logs = None
            for batch in torch.as_tensor(np.asarray(indices), device=device):
                logs = model.train_step((x[batch], y[batch]))
            return float(keras.ops.convert_to_numpy(logs["loss"]))

        return run

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
