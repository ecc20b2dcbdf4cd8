"""L1, L2 and elastic-net weight penalties with an explicit L2 convention.

Two conventions for the L2 penalty coexist in the literature and in code:

- `"keras"`: `l2 * sum(w ** 2)`, as `keras.regularizers.L2`; its gradient is
  `2 * l2 * w`.
- `"textbook"`: `0.5 * l2 * sum(w ** 2)`, as in CS231n, TF1's
  `tf.nn.l2_loss` / `tf.contrib.layers.l2_regularizer` and most papers that
  write "weight decay lambda"; its gradient is `l2 * w`.

Reproducing a paper's "weight decay 5e-4" with Keras' `L2(5e-4)` doubles the
decay. The `convention` argument makes the choice explicit.

The L1 penalty is `l1 * sum(abs(w))` in both conventions (nobody halves it),
so `L1` takes no `convention` argument.
"""

import keras
from keras import ops

from kreg.argument_checks import check_choice, check_non_negative_float

_CONVENTIONS = ("keras", "textbook")


def _strength(name, value):
    check_non_negative_float(name, value)
    return float(value)


def _convention(convention):
    check_choice("convention", convention, _CONVENTIONS)
    return convention


def _l2_factor(l2, convention):
    return l2 if convention == "keras" else 0.5 * l2


@keras.saving.register_keras_serializable(package="kreg")
class L1(keras.regularizers.Regularizer):
    """A regularizer that applies an L1 penalty: `l1 * sum(abs(w))`.

    The value equals `keras.regularizers.L1(l1)`; the penalty has no
    halving convention, hence no `convention` argument. Trained with a plain
    (sub)gradient optimizer the penalty drives the weights of useless inputs
    to within about `learning_rate * l1` of zero rather than to exact zeros.

    Args:
        l1: Finite float >= 0, the L1 regularization factor. Defaults to
            `0.01`.

    Example:

    >>> regularizer = L1(0.1)
    >>> round(float(regularizer(keras.ops.convert_to_tensor([[1.0, -2.0]]))), 4)
    0.3
    >>> layer = keras.layers.Dense(4, kernel_regularizer=L1(1e-4))

    Reference:
        - [Tibshirani, 1996](https://doi.org/10.1111/j.2517-6161.1996.tb02080.x)
    """

    def __init__(self, l1=0.01):
        self.l1 = _strength("l1", l1)

    def __call__(self, x):
        return ops.cast(self.l1, x.dtype) * ops.sum(ops.absolute(x))

    def get_config(self):
        return {"l1": self.l1}


@keras.saving.register_keras_serializable(package="kreg")
class L2(keras.regularizers.Regularizer):
    """A regularizer that applies an L2 penalty in a chosen convention.

    - `convention="keras"`: `l2 * sum(w ** 2)`, equal to
      `keras.regularizers.L2(l2)`; gradient `2 * l2 * w`.
    - `convention="textbook"`: `0.5 * l2 * sum(w ** 2)`, as `tf.nn.l2_loss`
      and CS231n; gradient `l2 * w`, so that `l2` is the "weight decay" of
      papers (with plain SGD each step shrinks `w` by `lr * l2 * w`).

    L2 or weight decay? Keras optimizers also take `weight_decay`, which
    shrinks each weight by `learning_rate * weight_decay * w` at each step,
    apart from the gradient (decoupled, as in AdamW).

    - Plain SGD (no momentum): `L2(l, "textbook")` (equivalently Keras's
      `L2(l / 2)`) and `SGD(weight_decay=l)` take the same steps. Either.
    - Adam, RMSprop, momentum: they differ. The penalty's gradient `l * w`
      goes through the optimizer's averaging and rescaling, the decay does
      not. Under Adam, at the first step, `L2` moves every weight whose loss
      gradient is negligible by about `learning_rate` towards zero, whatever
      its size and whatever `l`, and a weight with large loss gradients is
      hardly decayed at all; the decay shrinks every weight by the same
      factor `1 - learning_rate * weight_decay`. Prefer `weight_decay`
      (`keras.optimizers.AdamW`, Loshchilov & Hutter, 2019) there; keep `L2`
      for reproducing work that used a penalty.

    Use one of the two on a weight, not both (`AdamW` decays by default):
    `kreg.regularizers.check_weight_decay(model)` warns when a compiled
    model does both, and `kreg.regularizers.apply_regularizer` checks a
    model that is already compiled.

    Args:
        l2: Finite float >= 0, the L2 regularization factor. Defaults to
            `0.01`.
        convention: `"keras"` (default) or `"textbook"`, see above.

    Example:

    >>> w = keras.ops.ones((2, 2))
    >>> round(float(L2(0.1)(w)), 4)
    0.4
    >>> round(float(L2(0.1, convention="textbook")(w)), 4)
    0.2
    >>> layer = keras.layers.Dense(4, kernel_regularizer=L2(5e-4, "textbook"))

    Reference:
        - Krogh & Hertz, 1991, "A Simple Weight Decay Can Improve
          Generalization", NIPS 4.
        - [CS231n, Regularization](https://cs231n.github.io/neural-networks-2/)
        - [Loshchilov & Hutter, 2019, "Decoupled Weight Decay
          Regularization"](https://arxiv.org/abs/1711.05101)
    """

    def __init__(self, l2=0.01, convention="keras"):
        self.l2 = _strength("l2", l2)
        self.convention = _convention(convention)

    def __call__(self, x):
        factor = _l2_factor(self.l2, self.convention)
        return ops.cast(factor, x.dtype) * ops.sum(ops.square(x))

    def get_config(self):
        return {"l2": self.l2, "convention": self.convention}


@keras.saving.register_keras_serializable(package="kreg")
class ElasticNet(keras.regularizers.Regularizer):
    """A regularizer that applies both an L1 and an L2 penalty.

    The penalty is `l1 * sum(abs(w)) + c * l2 * sum(w ** 2)` with `c = 1`
    for `convention="keras"` (equal to `keras.regularizers.L1L2(l1, l2)`)
    and `c = 0.5` for `convention="textbook"`. The convention only affects
    the L2 term.

    Args:
        l1: Finite float >= 0, the L1 regularization factor. Defaults to
            `0.01`.
        l2: Finite float >= 0, the L2 regularization factor. Defaults to
            `0.01`.
        convention: `"keras"` (default) or `"textbook"`, see `L2`.

    Example:

    >>> w = keras.ops.convert_to_tensor([[1.0, -2.0]])
    >>> round(float(ElasticNet(l1=0.1, l2=0.1)(w)), 4)
    0.8
    >>> layer = keras.layers.Dense(4, kernel_regularizer=ElasticNet(1e-4, 1e-4))

    Reference:
        - [Zou & Hastie, 2005](
          https://doi.org/10.1111/j.1467-9868.2005.00503.x)
    """

    def __init__(self, l1=0.01, l2=0.01, convention="keras"):
        self.l1 = _strength("l1", l1)
        self.l2 = _strength("l2", l2)
        self.convention = _convention(convention)

    def __call__(self, x):
        factor = _l2_factor(self.l2, self.convention)
        return ops.cast(self.l1, x.dtype) * ops.sum(ops.absolute(x)) + ops.cast(
            factor, x.dtype
        ) * ops.sum(ops.square(x))

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2, "convention": self.convention}
