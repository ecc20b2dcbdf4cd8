"""L2 penalty and optimizer weight decay on the same weights: a check.

Keras optimizers take `weight_decay`: at each step the weight is shrunk by
`learning_rate * weight_decay * w`, decoupled from the gradient (Loshchilov &
Hutter's AdamW). A textbook L2 penalty `0.5 * l2 * sum(w ** 2)` adds `l2 * w`
to the gradient instead. With plain SGD the two are the same update (without
momentum, step for step); with momentum, Adam or RMSprop they are not: the
penalty's gradient is averaged and rescaled by the optimizer, the decay is
not. Putting both on the same weights decays them twice, rarely on purpose.
"""

import warnings

from kreg.argument_checks import check_bool


def _decays(optimizer, variable):
    use = getattr(optimizer, "_use_weight_decay", None)
    return use(variable) if use is not None else True


def double_decay_paths(model):
    """Paths of the weights of `model` that carry a penalty (a regularizer)
    and are also decayed by the compiled optimizer's `weight_decay`."""
    optimizer = getattr(model, "optimizer", None)
    # Under `mixed_float16`, `compile` wraps the optimizer in a
    # `LossScaleOptimizer`, whose own `weight_decay` is `None`.
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    if inner is None or not getattr(inner, "weight_decay", None):
        return []
    return [v.path for v in model.trainable_weights
            if getattr(v, "regularizer", None) is not None and _decays(inner, v)]


def check_weight_decay(model, allow_weight_decay=False):
    """Warns when weights get both a penalty and optimizer weight decay.

    A weight decayed twice is rarely meant (see `kreg.regularizers.L2` for
    which to use). Call this after `compile`: `compile` has no hook, so
    kreg cannot check by itself a model compiled after its penalties were
    set; `apply_regularizer` runs it on a model that is already compiled.
    Variables excluded with `optimizer.exclude_from_weight_decay(...)` are
    not decayed and do not count; a `LossScaleOptimizer` (mixed precision)
    is looked through.

    Args:
        model: a compiled `keras.Model`.
        allow_weight_decay: `True` says the combination is meant, and
            silences the warning.

    Returns:
        The paths of the weights decayed twice.

    Example:

    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
    ...     2, kernel_regularizer=kreg.regularizers.L2(1e-4))])
    >>> model.compile(keras.optimizers.AdamW(weight_decay=1e-4), "mse")
    >>> paths = check_weight_decay(model)  # warns
    """
    check_bool("allow_weight_decay", allow_weight_decay)
    paths = double_decay_paths(model)
    if paths and not allow_weight_decay:
        warnings.warn(
            f"{paths} carry a weight penalty and are also decayed by the "
            "optimizer's `weight_decay`: they are decayed twice. Use one: "
            "with SGD, textbook `L2(l)` equals `weight_decay=l`; with Adam, "
            "prefer `weight_decay` (AdamW). Pass `allow_weight_decay=True` if "
            "both are meant.",
            stacklevel=2,
        )
    return paths
