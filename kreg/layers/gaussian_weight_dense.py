"""`GaussianWeightDense`, deprecated: kreg's former two-mode layer.

`GaussianWeightDense(mode="gaussian_function")` is now
`kreg.layers.GaussianFunctionDense` and
`GaussianWeightDense(mode="reparameterized")` is
`kreg.layers.BayesianDense`. This module keeps the old name working until
kreg 0.5.0 (`kreg.layers.deprecations.REMOVED_IN`):

- `GaussianWeightDense(...)` warns and returns the new layer for `mode`,
  with the old defaults (notably `kl_weight=0` and `scale_parameterization=
  "exp"` in the reparameterized mode, so old code computes what it did).
- `.keras` files saved with the old layer (registered as
  `kreg>GaussianWeightDense`) load into the new layers, with their weights.

The layers made here are instances of a subclass of the new layer that keeps
the class name `GaussianWeightDense`: Keras files a `Sequential` or
functional model's weights under each layer's snake-cased class name
(`layers/gaussian_weight_dense/vars`), so only a layer of that class name
finds the weights of an old file (or of `model.load_weights` on an old
weights file). Such a layer saves itself as the old layer did (with its
`mode`), so a re-saved file loads again; it takes that config back
(`from_config`, `keras.models.clone_model`) and reads out its `mode`, as the
old layer did. To move a model to the new names,
build it with the new classes and copy the weights (`set_weights`): the
variables are the same, in the same order.
"""

import keras

from kreg.argument_checks import check_choice
from kreg.layers.bayesian_dense import BayesianDense
from kreg.layers.deprecations import warn_deprecated
from kreg.layers.gaussian_function_dense import GaussianFunctionDense

_REGISTERED_PACKAGE, _CLASS_NAME = "kreg", "GaussianWeightDense"
_NEW_CLASSES = {"gaussian_function": GaussianFunctionDense,
                "reparameterized": BayesianDense}
# The former layer's arguments of its reparameterized mode, with its
# defaults (some differ from `BayesianDense`'s, so they are filled in for
# old code and old configs). In the article's mode they did nothing.
_REPARAMETERIZED_DEFAULTS = {
    "prior_stddev": 1.0, "kl_weight": 0.0, "inference": "mean",
    "sampling": "weights", "scale_parameterization": "exp", "prior": None,
    "kl_estimate": "auto"}
# The former layer's argument of its article mode only.
_ARTICLE_ONLY = ("noise_scale",)
# The former layer's positional arguments, in order.
_POSITIONAL = ("units", "mode", "activation", "use_bias", "mean_initializer",
               "scale_initializer", "bias_initializer", "noise_scale",
               "prior_stddev", "kl_weight", "inference", "sampling",
               "scale_parameterization", "prior", "kl_estimate", "seed",
               "mean_regularizer", "bias_regularizer", "mean_constraint",
               "bias_constraint")


def _new_arguments(arguments):
    """The new layer and its arguments for the former layer's arguments (a
    constructor call's or a saved config)."""
    arguments = dict(arguments)
    mode = arguments.pop("mode", "gaussian_function")
    check_choice("mode", mode, tuple(_NEW_CLASSES))
    if mode == "gaussian_function":
        for name in _REPARAMETERIZED_DEFAULTS:
            arguments.pop(name, None)
    else:
        for name in _ARTICLE_ONLY:
            arguments.pop(name, None)
        arguments = {**_REPARAMETERIZED_DEFAULTS, **arguments}
    return mode, arguments


def _warn(mode, stacklevel):
    warn_deprecated(
        f"kreg.layers.GaussianWeightDense is deprecated: mode={mode!r} is "
        f"kreg.layers.{_NEW_CLASSES[mode].__name__} (see "
        "kreg.layers.gaussian_weight_dense).", stacklevel=stacklevel + 1)


def _keeping_the_old_name(new_class, mode):
    """A subclass of `new_class` named `GaussianWeightDense` that takes,
    saves and reports its `mode` (see the module docstring)."""
    layer_mode = mode

    def __init__(self, *args, mode=layer_mode, **kwargs):
        # Its own config (with `mode`) makes the same layer again, as Keras's
        # `from_config`, `clone_model` and `run_layer_test` expect.
        check_choice("mode", mode, (layer_mode,))
        new_class.__init__(self, *args, **kwargs)

    def get_config(self):
        return {**new_class.get_config(self), "mode": layer_mode}

    legacy = type(_CLASS_NAME, (new_class,), {
        "__module__": __name__,
        "__doc__": f"A `{new_class.__name__}` made by the deprecated "
                   f"`GaussianWeightDense(mode={mode!r})`.",
        "__init__": __init__,
        "get_config": get_config,
        "mode": property(lambda self: layer_mode,
                         doc="The former layer's `mode` (read-only)."),
    })
    # Saved as the old layer was: `kreg>GaussianWeightDense` (which loads
    # through `GaussianWeightDense.from_config`, registered below).
    return keras.saving.register_keras_serializable(
        package=_REGISTERED_PACKAGE, name=_CLASS_NAME)(legacy)


_LEGACY_CLASSES = {mode: _keeping_the_old_name(new_class, mode)
                   for mode, new_class in _NEW_CLASSES.items()}


class _DeprecatedLayerType(type):
    """Calling `GaussianWeightDense` makes a new layer; `isinstance` and
    `issubclass` answer for both new layers, as the old class covered
    both modes."""

    def __call__(cls, *args, **kwargs):
        if len(args) > len(_POSITIONAL):
            raise TypeError(f"GaussianWeightDense takes at most "
                            f"{len(_POSITIONAL)} positional arguments")
        arguments = dict(zip(_POSITIONAL, args), **kwargs)
        mode, arguments = _new_arguments(arguments)
        _warn(mode, stacklevel=2)
        return _LEGACY_CLASSES[mode](**arguments)

    def __instancecheck__(cls, instance):
        return isinstance(instance, tuple(_NEW_CLASSES.values()))

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, tuple(_NEW_CLASSES.values()))


class GaussianWeightDense(metaclass=_DeprecatedLayerType):
    """Deprecated: use `GaussianFunctionDense` or `BayesianDense`.

    `GaussianWeightDense(units, mode="gaussian_function", **kwargs)` returns
    `GaussianFunctionDense(units, **kwargs)` (the arguments of the other
    mode, which did nothing in this one, are dropped), and
    `GaussianWeightDense(units, mode="reparameterized", **kwargs)` returns
    `BayesianDense(units, **kwargs)` with the former defaults `kl_weight=0`
    and `scale_parameterization="exp"` (`noise_scale` is dropped), each with
    a `DeprecationWarning`. The layer keeps the class name
    `GaussianWeightDense`, so that weights saved by the old layer load (see
    the module docstring), and its `mode` attribute. `.keras` files saved
    with the old layer load the same way. The name is removed in kreg 0.5.0
    (`kreg.layers.deprecations.REMOVED_IN`).

    It takes `units`, `mode` (`"gaussian_function"`, the default, or
    `"reparameterized"`) and the arguments of the new layer (or of the
    former one).

    Example:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     layer = kreg.layers.GaussianWeightDense(3, mode="reparameterized")
    >>> [isinstance(layer, kreg.layers.BayesianDense), layer.kl_weight]
    [True, 0.0]
    >>> layer.mode
    'reparameterized'
    """

    @classmethod
    def from_config(cls, config):
        """The new layer for a config saved by the former layer."""
        mode, arguments = _new_arguments(config)
        _warn(mode, stacklevel=2)
        return _LEGACY_CLASSES[mode].from_config(arguments)


# `kreg>GaussianWeightDense` names both classes above when saving; loading
# dispatches on the saved `mode`.
keras.saving.get_custom_objects()[
    f"{_REGISTERED_PACKAGE}>{_CLASS_NAME}"] = GaussianWeightDense
