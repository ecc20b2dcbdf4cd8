"""L2 penalty against optimizer weight decay, and the double-decay warning."""

import warnings

import keras
import numpy as np
import pytest

from kreg.regularizers import L2, apply_regularizer, check_weight_decay


def train(optimizer, regularizer, steps=5):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, kernel_regularizer=regularizer, use_bias=False)])
    model.compile(optimizer, "mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 4)).astype("float32")
    y = rng.normal(size=(8, 3)).astype("float32")
    for _ in range(steps):
        model.train_on_batch(x, y)
    return keras.ops.convert_to_numpy(model.layers[0].kernel)


def test_sgd_textbook_l2_steps_exactly_as_weight_decay():
    penalty = train(keras.optimizers.SGD(0.1), L2(0.05, convention="textbook"))
    decay = train(keras.optimizers.SGD(0.1, weight_decay=0.05), None)
    plain = train(keras.optimizers.SGD(0.1), None)
    np.testing.assert_allclose(penalty, decay, rtol=1e-5, atol=1e-6)
    assert np.abs(penalty - plain).max() > 1e-3  # the decay did something


def test_adam_l2_and_weight_decay_differ():
    penalty = train(keras.optimizers.Adam(0.01), L2(0.5, convention="textbook"))
    decay = train(keras.optimizers.Adam(0.01, weight_decay=0.5), None)
    assert np.abs(penalty - decay).max() > 1e-3


def first_adam_step(regularizer, weight_decay, lr=0.01):
    """One Adam step on a kernel whose data gradient is zero (zero inputs,
    no bias), so that only the penalty or the decay moves it."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, kernel_regularizer=regularizer, use_bias=False)])
    model.compile(keras.optimizers.Adam(lr, weight_decay=weight_decay), "mse")
    w0 = keras.ops.convert_to_numpy(model.layers[0].kernel)
    model.train_on_batch(np.zeros((8, 4), "float32"), np.zeros((8, 3), "float32"))
    return w0, keras.ops.convert_to_numpy(model.layers[0].kernel)


def test_how_adam_l2_and_weight_decay_differ():
    """Adam divides the penalty's gradient `g = l * w` by its own scale: its
    first step is `lr * g / (|g| + eps')`, about `lr * sign(w)`: every
    weight moves by about `lr` towards zero whatever its size and whatever
    `l` (small weights are decayed relatively more). The decay shrinks every
    weight by the same factor `1 - lr * l`."""
    lr, strength0 = 0.01, 0.5
    adam = keras.optimizers.Adam()
    eps = adam.epsilon / np.sqrt(1 - adam.beta_2)  # bias-corrected, step 1
    moves = []
    for strength in (strength0, strength0 / 100):
        w0, w1 = first_adam_step(L2(strength, convention="textbook"), None, lr)
        g = strength * w0.astype("float64")
        np.testing.assert_allclose(w1, w0 - lr * g / (np.abs(g) + eps),
                                   rtol=0, atol=1e-6)
        moves.append(np.abs(w0 - w1))
    assert np.median(moves[0]) > 0.99 * lr and np.median(moves[1]) > 0.95 * lr
    _, decay = first_adam_step(None, strength0, lr)
    np.testing.assert_allclose(decay, w0 * (1 - lr * strength0), rtol=1e-6)
    # The penalty moves a small weight by more than the decay does.
    small = np.abs(w0) < 0.5
    assert small.any() and (moves[0][small] > np.abs(w0 - decay)[small]).all()


def model_with_both(**compile_kwargs):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, kernel_regularizer=L2(1e-3), name="fc")])
    model.compile(keras.optimizers.AdamW(weight_decay=1e-4), "mse")
    return model


def test_warns_when_a_weight_is_decayed_twice():
    model = model_with_both()
    with pytest.warns(UserWarning, match=r"\['sequential.*fc/kernel'\] carry a "
                      "weight penalty and are also decayed"):
        paths = check_weight_decay(model)
    assert len(paths) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_weight_decay(model, allow_weight_decay=True)  # meant: silent


def test_excluded_variables_and_apply_regularizer():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    optimizer = keras.optimizers.AdamW(weight_decay=1e-4)
    model.compile(optimizer, "mse")
    with pytest.warns(UserWarning, match="decayed twice"):
        apply_regularizer(model, L2(1e-3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        apply_regularizer(model, L2(1e-3), allow_weight_decay=True)
        optimizer.exclude_from_weight_decay(var_list=[model.layers[0].kernel])
        assert check_weight_decay(model) == []


def test_warns_under_mixed_precision(mixed_precision):
    """`compile` wraps the optimizer in a `LossScaleOptimizer`, whose own
    `weight_decay` is `None`: the check looks at the inner optimizer."""
    model = model_with_both()
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    with pytest.warns(UserWarning, match="decayed twice"):
        assert len(check_weight_decay(model)) == 1


def test_silent_without_decay_or_without_penalty():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, kernel_regularizer=L2(1e-3))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_weight_decay(model) == []  # not compiled
        model.compile(keras.optimizers.Adam(), "mse")
        assert check_weight_decay(model) == []  # no weight decay
        plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        plain.compile(keras.optimizers.AdamW(weight_decay=1e-4), "mse")
        assert check_weight_decay(plain) == []  # no penalty


def test_argument_error():
    with pytest.raises(ValueError, match=r"argument `allow_weight_decay`.*"
                       r"Received: allow_weight_decay=yes"):
        check_weight_decay(model_with_both(), allow_weight_decay="yes")
