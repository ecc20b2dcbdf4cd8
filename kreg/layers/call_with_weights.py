"""Run a Keras layer with some of its weights replaced by computed tensors.

Wrappers that reparameterize a kernel (weight normalization, DropConnect on
any layer) compute an effective kernel and need the wrapped layer's own
operation to use it, whatever that operation is (a matmul, a transposed or
depthwise convolution, a recurrent cell). Keras 3's `Layer.stateless_call`
does exactly that on every backend: it runs `call` with the values given for
each variable. Gradients flow through the substituted tensors to whatever
they were computed from.
"""

import inspect


def call_accepts(layer, name):
    """Whether `layer.call` takes the argument `name` (by name, or through
    `**kwargs`): the one rule of kreg's wrappers for passing `training` and
    `mask` on."""
    parameters = inspect.signature(layer.call).parameters
    return name in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def call_with_weights(layer, substitutes, inputs, training=None, mask=None,
                      **kwargs):
    """Calls `layer` on `inputs` with some variables replaced by tensors.

    The layer's non-trainable variables (a `SeedGenerator`'s state, moving
    statistics) are passed in and their updated values assigned back, so a
    wrapped layer with dropout or batch statistics keeps working; inside a
    compiled JAX train step the assignments are recorded as usual.

    Args:
        layer: A built `keras.layers.Layer`.
        substitutes: A list of `(variable, tensor)` pairs (Keras variables
            cannot be dict keys); each tensor has the shape of its variable
            and is used in its place for this call.
        inputs: The inputs of `layer`.
        training: Passed to `layer.call` if it takes a `training` argument.
        mask: Passed to `layer.call` if not `None` and it takes a `mask`
            argument.
        **kwargs: Further arguments of `layer.call`.

    Returns:
        The outputs of `layer`.
    """
    by_id = {id(variable): value for variable, value in substitutes}

    def value_of(variable):
        return by_id.get(id(variable), variable.value)

    trainable = [value_of(v) for v in layer.trainable_variables]
    non_trainable = [value_of(v) for v in layer.non_trainable_variables]
    if call_accepts(layer, "training"):
        kwargs["training"] = training
    if mask is not None and call_accepts(layer, "mask"):
        kwargs["mask"] = mask
    outputs, updated = layer.stateless_call(
        trainable, non_trainable, inputs, **kwargs
    )
    for variable, value in zip(layer.non_trainable_variables, updated):
        if id(variable) not in by_id:
            variable.assign(value)
    return outputs
