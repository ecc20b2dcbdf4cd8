"""Many calls of one layer, compiled once.

Statistical tests need hundreds of independent draws of a stochastic layer.
Called eagerly, each draw costs tens of milliseconds of dispatch on
TensorFlow and JAX; here the calls run as the steps of one
`keras.Model.predict`, compiled once by the backend (a `tf.function`, a
`jax.jit`; PyTorch runs eagerly as always). Each step is one call of the
layer, in training or in inference mode: its `SeedGenerator` state is
carried from step to step exactly as between eager calls, so every step
draws afresh.
"""

import keras
import numpy as np
from keras import ops


class _RepeatedCalls(keras.Model):
    """Calls `layer(x, training=training)`; with `with_losses`, also returns
    the call's losses (one row of `len(layer.losses)` values)."""

    def __init__(self, layer, training, with_losses):
        super().__init__(name="repeated_calls")
        self.inner = layer
        self.inner_training = training
        self.with_losses = with_losses

    def call(self, x, training=None):
        outputs = self.inner(x, training=self.inner_training)
        if not self.with_losses:
            return outputs
        losses = [ops.cast(loss, "float32") for loss in self.inner.losses]
        return outputs, ops.expand_dims(ops.stack(losses), 0)


def _predict(layer, x, n, training, with_losses):
    x = np.asarray(x)
    batch = x.shape[0]
    repeated = np.concatenate([x] * n, axis=0)
    model = _RepeatedCalls(layer, training, with_losses)
    return model.predict(repeated, batch_size=batch, verbose=0), batch


def _calls(layer, x, n, training):
    outputs, batch = _predict(layer, x, n, training, with_losses=False)
    return outputs.reshape((n, batch) + outputs.shape[1:])


def training_calls(layer, x, n):
    """The outputs of `n` calls `layer(x, training=True)`, stacked:
    shape `(n,) + output shape`."""
    return _calls(layer, x, n, training=True)


def inference_calls(layer, x, n):
    """The outputs of `n` calls `layer(x, training=False)`, stacked (for a
    layer that samples at inference too)."""
    return _calls(layer, x, n, training=False)


def training_call_losses(layer, x, n):
    """The losses `layer.losses` of `n` calls `layer(x, training=True)`:
    shape `(n, number of losses)`."""
    if keras.backend.backend() == "jax":
        return _jax_call_losses(layer, x, n)
    (_, losses), _ = _predict(layer, x, n, True, with_losses=True)
    return losses


def _jax_call_losses(layer, x, n):
    """JAX's `predict` collects no losses (its stateless call drops them),
    so the calls are `layer.stateless_call(..., return_losses=True)` in one
    `jax.jit`, the state (the seed) carried from call to call and written
    back at the end, as eager calls would have left it."""
    import jax

    trainable = [v.value for v in layer.trainable_variables]
    x = np.asarray(x)

    @jax.jit
    def call(state):
        _, state, losses = layer.stateless_call(
            trainable, state, x, training=True, return_losses=True)
        return state, ops.stack([ops.cast(loss, "float32") for loss in losses])

    state = [v.value for v in layer.non_trainable_variables]
    rows = []
    for _ in range(n):
        state, row = call(state)
        rows.append(row)
    for variable, value in zip(layer.non_trainable_variables, state):
        variable.assign(value)
    return np.stack([np.asarray(row) for row in rows])
