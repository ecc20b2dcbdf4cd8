"""Put one weight regularizer on every kernel of an existing model."""

import keras

from kreg.argument_checks import check_bool, invalid_argument

_WEIGHT_ATTRIBUTES = {
    # regularizer attribute -> attributes that may hold the variable, in order.
    "kernel_regularizer": ("kernel", ("_kernel", "kernel", "kernel_v")),
    "bias_regularizer": ("bias", ("bias",)),
}


def _find_variable(layer, attributes):
    for attribute in attributes:
        # Properties such as `Dense.kernel` raise `AttributeError` before the
        # layer is built; `getattr` with a default absorbs it.
        candidate = getattr(layer, attribute, None)
        if isinstance(candidate, keras.Variable):
            return candidate
    return None


def apply_regularizer(model, regularizer, include_biases=False):
    """Sets a weight regularizer on every kernel of a built or unbuilt model.

    Every layer (nested models and layers included) that has its own
    `kernel_regularizer` attribute (`Dense`, `EinsumDense`, `ConvND`,
    recurrent cells, `kreg` layers such as `DropConnectDense`) gets
    `regularizer` as its `kernel_regularizer`, and, with
    `include_biases=True`, as its `bias_regularizer`.

    In Keras 3 a weight's penalty is read from `variable.regularizer`, which
    `add_weight` sets once in `build`: assigning `layer.kernel_regularizer`
    on a built layer changes neither `model.losses` nor training. This
    function therefore also sets `variable.regularizer` on the existing
    kernel variables (so `model.losses` gets one entry per kernel at once)
    and keeps the layer attribute in sync (so `get_config`, hence `.keras`
    files, carry the penalty). It also drops the model's cached (traced)
    train and test functions so that the next `fit`/`evaluate` includes the
    new penalty; the optimizer and compiled loss are kept.

    Layers such as `LSTM`, whose `kernel_regularizer` is a read-only view of
    their cell's, are regularized through that cell (its input `kernel`;
    the `recurrent_kernel` has its own `recurrent_regularizer` and is left
    alone, as are embeddings, batch normalization and other non-kernel
    weights).

    Args:
        model: A `keras.Model` (or any `keras.layers.Layer`), built or not.
        regularizer: A regularizer instance or identifier accepted by
            `keras.regularizers.get` (e.g. `kreg` `L2(1e-4)` or `"l2"`).
            `None` removes the kernel (and, with `include_biases=True`, bias)
            regularizers.
        include_biases: Boolean. Whether biases are regularized as well.
            Defaults to `False`, as usual for weight decay.

    Returns:
        The list of the paths (`variable.path`, e.g. `"dense/kernel"`) of
        the weights that received the regularizer. A layer that is not built
        yet has no weights, hence no paths: it is listed as
        `"<layer name>/kernel"` (and `"<layer name>/bias"`); it creates its
        weights with the regularizer when it is built.

    Example:

    >>> from kreg.regularizers.penalties import L2
    >>> model = keras.Sequential(
    ...     [keras.Input((4,)), keras.layers.Dense(3, name="fc")], name="mlp"
    ... )
    >>> apply_regularizer(model, L2(1e-4))
    ['mlp/fc/kernel']
    >>> len(model.losses)
    1

    Reference:
        - [Keras weight regularizers](https://keras.io/api/layers/regularizers/)
    """
    if not isinstance(model, keras.layers.Layer):
        raise invalid_argument(
            "model", "a `keras.Model` or `keras.layers.Layer`", model
        )
    check_bool("include_biases", include_biases)
    regularizer = keras.regularizers.get(regularizer)

    targets = ["kernel_regularizer"]
    if include_biases:
        targets.append("bias_regularizer")

    paths = []
    layers = model._flatten_layers(include_self=True, recursive=True)
    for layer in layers:
        for target in targets:
            # Only layers holding the attribute themselves (not read-only
            # properties forwarding to a sublayer, as `LSTM` does).
            if target not in vars(layer):
                continue
            if target == "bias_regularizer" and not getattr(layer, "use_bias", True):
                continue
            weight_name, attributes = _WEIGHT_ATTRIBUTES[target]
            setattr(layer, target, regularizer)
            variable = _find_variable(layer, attributes)
            if variable is not None:
                variable.regularizer = regularizer
                paths.append(variable.path)
            elif not layer.built:
                paths.append(f"{layer.name}/{weight_name}")
            else:
                raise ValueError(
                    f"Cannot regularize layer {layer.name!r} "
                    f"({type(layer).__name__}): it is built but holds no "
                    f"variable in any of {list(attributes)} for `{target}`."
                )

    for layer in layers:
        if isinstance(layer, keras.Model):
            # Traced train/test steps captured the old penalties.
            layer.train_function = None
            layer.test_function = None
    return paths
