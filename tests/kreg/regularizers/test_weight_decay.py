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
