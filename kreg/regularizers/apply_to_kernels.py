"""Put one weight regularizer on every kernel of an existing model."""

import keras

from kreg.argument_checks import check_bool, invalid_argument
from kreg.kernels import INPUT_ROLES, attach
from kreg.regularizers.weight_decay import check_weight_decay


def apply_regularizer(model, regularizer, include_biases=False,
                      roles=INPUT_ROLES, allow_weight_decay=False):
    """Sets a weight regularizer on every kernel of a built or unbuilt model.

    Every kernel that `kreg.kernels.model_kernels` finds (nested models,
    wrappers and RNN cells included) with a role in `roles` gets
    `regularizer`: `Dense`, `EinsumDense`, every convolution (a depthwise
    kernel through `depthwise_regularizer`, a separable one's two kernels
    through theirs), the recurrent cells' input kernels, and kreg's own
    layers (`BayesianDense`'s and `GaussianFunctionDense`'s mean,
    `WeightNormDense`'s direction `v`, the kernel wrapped by
    `WeightNormalization`). With `include_biases=True`
    the biases of those layers get it as their `bias_regularizer` too.
    Nothing is skipped silently: a weight that looks like a kernel but that
    no layer declares, and a kreg or custom layer that is not built yet
    (its kernels are unknown until then), are left alone with a warning
    naming them; a kernel whose layer has no attribute to hold the penalty
    raises a `ValueError` before anything is changed.

    In Keras 3 a weight's penalty is read from `variable.regularizer`, which
    `add_weight` sets once in `build`: assigning `layer.kernel_regularizer`
    on a built layer changes neither `model.losses` nor training. This
    function therefore also sets `variable.regularizer` on the existing
    kernel variables (so `model.losses` gets one entry per kernel at once)
    and keeps the layer attribute in sync (so `get_config`, hence `.keras`
    files, carry the penalty). A Keras layer that is not built yet gets the
    attribute, which its `build` reads. The model's cached (traced) train
    and test functions are dropped so that the next `fit`/`evaluate`
    includes the new penalty; the optimizer and compiled loss are kept.

    Layers such as `LSTM`, whose `kernel_regularizer` is a read-only view of
    their cell's, are regularized through that cell (its input `kernel`; the
    `recurrent_kernel` has its own `recurrent_regularizer` and is left alone
    unless `roles` names it, as are embeddings, batch normalization and other
    non-kernel weights).

    L2 or weight decay: see `kreg.regularizers.L2`. A penalty on weights
    that the optimizer also decays is rarely meant; when the model is
    already compiled with a decaying optimizer this function warns (call
    `kreg.regularizers.check_weight_decay(model)` after `compile` when you
    compile later).

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
        yet has no weights, hence no paths: its kernels are listed as
        `"<layer name>/<weight name>"` (e.g. `"conv/kernel"`, and
        `"conv/bias"`); it creates them with the regularizer when it is
        built.

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
    check_bool("allow_weight_decay", allow_weight_decay)
    regularizer = keras.regularizers.get(regularizer)

    attached = attach(model, "regularizer", lambda kernel_: regularizer,
                      roles, "apply_regularizer")
    paths = [kernel_.path for kernel_, _ in attached]
    if include_biases:
        layers = []
        for kernel_, _ in attached:
            if not any(layer is kernel_.layer for layer in layers):
                layers.append(kernel_.layer)
        paths += _regularize_biases(layers, regularizer)
    if regularizer is not None:
        check_weight_decay(model, allow_weight_decay)
    return paths


def _regularize_biases(layers, regularizer):
    paths = []
    for layer in layers:
        if "bias_regularizer" not in vars(layer):
            continue
        layer.bias_regularizer = regularizer
        bias = getattr(layer, "bias", None)
        if isinstance(bias, keras.Variable):
            bias.regularizer = regularizer
            paths.append(bias.path)
        elif not layer.built and getattr(layer, "use_bias", True):
            paths.append(f"{layer.name}/bias")
    return paths
