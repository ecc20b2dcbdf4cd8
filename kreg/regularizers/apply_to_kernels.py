"""Put one weight regularizer on every kernel of an existing model."""

import keras

from kreg.argument_checks import check_bool, invalid_argument
from kreg.kernels import INPUT_ROLES, model_kernels, warn_unrecognized
from kreg.regularizers.weight_decay import check_weight_decay


def apply_regularizer(model, regularizer, include_biases=False,
                      roles=INPUT_ROLES, allow_weight_decay=False):
    """Sets a weight regularizer on every kernel of a built or unbuilt model.

    Every kernel that `kreg.kernels.model_kernels` finds (nested models,
    wrappers and RNN cells included) with a role in `roles` gets
    `regularizer`: `Dense`, `EinsumDense`, every convolution (a depthwise
    kernel through `depthwise_regularizer`, a separable one's two kernels
    through theirs), the recurrent cells' input kernels, and kreg's own
    layers (`GaussianWeightDense`'s mean, `WeightNormDense`'s direction `v`,
    the kernel wrapped by `WeightNormalization`). With `include_biases=True`
    the biases of those layers get it as their `bias_regularizer` too. A
    weight that looks like a kernel but that no layer declares is left alone
    with a warning naming it.

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
    their cell's, are regularized through that cell (its input `kernel`; the
    `recurrent_kernel` has its own `recurrent_regularizer` and is left alone
    unless `roles` names it, as are embeddings, batch normalization and other
    non-kernel weights).

    Args:
        model: A `keras.Model` (or any `keras.layers.Layer`), built or not.
        regularizer: A regularizer instance or identifier accepted by
            `keras.regularizers.get` (e.g. `kreg` `L2(1e-4)` or `"l2"`).
            `None` removes the kernel (and, with `include_biases=True`, bias)
            regularizers.
        include_biases: Boolean. Whether biases are regularized as well.
            Defaults to `False`, as usual for weight decay.
        roles: The roles of the kernels to regularize (see `kreg.kernels`);
            defaults to `kreg.kernels.INPUT_ROLES`: input, depthwise and
            pointwise kernels.
        allow_weight_decay: Boolean. When the model is already compiled
            with an optimizer that has `weight_decay`, the penalized weights
            would be decayed twice, and a warning says so
            (`kreg.regularizers.check_weight_decay`); `True` says it is
            meant.

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

    paths, layers_done = [], []
    for kernel_ in model_kernels(model, roles=roles):
        if kernel_.regularizer_attribute is None:
            raise ValueError(
                f"Cannot regularize {kernel_.path}: its layer "
                f"{kernel_.layer.name!r} ({type(kernel_.layer).__name__}) has "
                "no regularizer attribute for it."
            )
        setattr(kernel_.layer, kernel_.regularizer_attribute, regularizer)
        kernel_.variable.regularizer = regularizer
        paths.append(kernel_.path)
        if not any(layer is kernel_.layer for layer in layers_done):
            layers_done.append(kernel_.layer)
    warn_unrecognized(model, "apply_regularizer")

    # A layer that is not built yet has no variables: set its attribute, so
    # that `build` creates the kernel with the penalty.
    for layer in model._flatten_layers(include_self=True, recursive=True):
        if not layer.built and "kernel_regularizer" in vars(layer):
            layer.kernel_regularizer = regularizer
            paths.append(f"{layer.name}/kernel")
            layers_done.append(layer)

    if include_biases:
        for layer in layers_done:
            if "bias_regularizer" not in vars(layer):
                continue
            layer.bias_regularizer = regularizer
            bias = getattr(layer, "bias", None)
            if isinstance(bias, keras.Variable):
                bias.regularizer = regularizer
                paths.append(bias.path)
            elif not layer.built and getattr(layer, "use_bias", True):
                paths.append(f"{layer.name}/bias")

    for layer in model._flatten_layers(include_self=True, recursive=True):
        if isinstance(layer, keras.Model):
            # Traced train/test steps captured the old penalties.
            layer.train_function = None
            layer.test_function = None
    check_bool("allow_weight_decay", allow_weight_decay)
    if regularizer is not None:
        check_weight_decay(model, allow_weight_decay)
    return paths
