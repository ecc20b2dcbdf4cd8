"""Tests for `kreg.layers.gaussian_weight_dense`: the deprecated
`GaussianWeightDense` name, and `.keras` files saved by the former layer.

The files in `legacy/` were saved by the former two-mode
`GaussianWeightDense` (kreg 0.3.0.dev0, Keras 3.15, TensorFlow backend), one
`Sequential([Input((4,)), layer])` per case, after two training calls:

- `gaussian_function.keras`: `GaussianWeightDense(3, activation="sigmoid",
  noise_scale=0.7, seed=11)`, its `step` then set to 2;
- `reparameterized_exp_local.keras`: `mode="reparameterized",
  sampling="local", kl_weight=0.01, prior_stddev=0.5`, exp scale, random
  scale and bias initializers;
- `reparameterized_softplus_flipout.keras`: `sampling="flipout",
  scale_parameterization="softplus", prior=ScaleMixturePrior(0.25, 1.0,
  0.1), kl_weight=0.001, inference="sample", use_bias=False,
  activation="relu"`.

`expected.npz` holds the input `x`, every saved weight, the inference
outputs (`x @ effective_kernel()`, and the model's output where it is
deterministic) and the article layer's next training output, all computed
by the former layer.
"""

import json
import pathlib
import sys
import warnings
import zipfile

import keras
import numpy as np
import pytest
from packaging.version import Version

from kreg.layers import (
    BayesianDense,
    GaussianFunctionDense,
    GaussianWeightDense,
    ScaleMixturePrior,
)
from kreg.layers.deprecations import REMOVED_IN
from tests.kreg.layers.keras_layer_checks import run_keras_layer_test

_np = keras.ops.convert_to_numpy
LEGACY = pathlib.Path(__file__).parent / "legacy"
CASES = {
    "gaussian_function": GaussianFunctionDense,
    "reparameterized_exp_local": BayesianDense,
    "reparameterized_softplus_flipout": BayesianDense,
}


def quietly(function, *args, **kwargs):
    """Calls `function`, returning its result and its deprecation
    warnings' messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, [str(w.message) for w in caught
                    if issubclass(w.category, DeprecationWarning)
                    and "GaussianWeightDense" in str(w.message)]


def skip_if_saved_by_a_newer_keras(path):
    """Keras loads files saved by its own or an older version only (a newer
    one writes initializer arguments an older one does not take)."""
    with zipfile.ZipFile(path) as archive:
        saved_by = json.loads(archive.read("metadata.json"))["keras_version"]
    if Version(keras.__version__) < Version(saved_by):
        pytest.skip(f"{path.name} was saved by Keras {saved_by}; this is "
                    f"Keras {keras.__version__}, which cannot load it")


@pytest.fixture(scope="module")
def expected():
    with np.load(LEGACY / "expected.npz") as arrays:
        return dict(arrays)


@pytest.mark.parametrize("case", sorted(CASES))
def test_old_files_load_into_the_new_layers(case, expected, tmp_path):
    skip_if_saved_by_a_newer_keras(LEGACY / f"{case}.keras")
    model, messages = quietly(keras.saving.load_model, LEGACY / f"{case}.keras")
    layer = model.layers[0]
    assert isinstance(layer, CASES[case])
    assert isinstance(layer, GaussianWeightDense)
    assert len(messages) == 1 and CASES[case].__name__ in messages[0]
    # Every weight, by name and value: the saved weights loaded.
    names = [w.name for w in layer.weights]
    stored = sorted(k.rsplit("/", 1)[1] for k in expected
                    if k.startswith(f"{case}/weight/"))
    assert sorted(names) == stored
    for weight in layer.weights:
        np.testing.assert_array_equal(
            _np(weight), expected[f"{case}/weight/{case}/layer/{weight.name}"])
    x = expected["x"]
    np.testing.assert_allclose(x @ _np(layer.effective_kernel()),
                               expected[f"{case}/inference_mean"],
                               rtol=1e-5, atol=1e-6)
    if expected[f"{case}/inference"].size:
        np.testing.assert_allclose(_np(model(x)), expected[f"{case}/inference"],
                                   rtol=1e-5, atol=1e-6)
    if case == "gaussian_function":
        # Same noise, same step: the same next training kernel.
        np.testing.assert_allclose(_np(model(x, training=True)),
                                   expected[f"{case}/training"],
                                   rtol=1e-5, atol=1e-6)
        assert int(_np(layer.step)) == 3
    else:
        # The saved options, and the former defaults of the new layer.
        config = layer.get_config()
        assert config["kl_weight"] in (0.01, 0.001)
        assert config["bias_posterior"] is False
        if case == "reparameterized_softplus_flipout":
            assert isinstance(layer.prior, ScaleMixturePrior)
            assert (layer.sampling, layer.inference) == ("flipout", "sample")
    # Saved again, it loads again (as the same layer, with its weights).
    model.save(tmp_path / "again.keras")
    again, _ = quietly(keras.saving.load_model, tmp_path / "again.keras")
    assert isinstance(again.layers[0], CASES[case])
    for old, new in zip(layer.weights, again.layers[0].weights):
        np.testing.assert_array_equal(_np(old), _np(new))


def test_constructing_warns_and_returns_the_new_layer():
    layer, messages = quietly(GaussianWeightDense, 3, seed=0)
    assert type(layer).__mro__[1] is GaussianFunctionDense
    assert len(messages) == 1 and "GaussianFunctionDense" in messages[0]
    # The arguments of the other mode did nothing there; they are dropped.
    layer, _ = quietly(GaussianWeightDense, 3, kl_weight=0, inference="sample")
    assert isinstance(layer, GaussianFunctionDense)

    layer, messages = quietly(GaussianWeightDense, 3, "reparameterized",
                              sampling="flipout")
    assert isinstance(layer, BayesianDense)
    assert "BayesianDense" in messages[0]
    # The former defaults: no KL, the exp scale with S = 1e-3.
    assert (layer.kl_weight, layer.scale_parameterization,
            layer.sampling) == (0.0, "exp", "flipout")
    layer.build((None, 4))
    np.testing.assert_allclose(_np(layer.kernel_scale()), 1e-3, rtol=1e-5)
    layer(np.ones((2, 4), "float32"), training=True)
    assert layer.losses == []
    assert isinstance(layer, GaussianWeightDense)
    assert issubclass(BayesianDense, GaussianWeightDense)
    assert not isinstance(keras.layers.Dense(2), GaussianWeightDense)
    with pytest.raises(ValueError, match="`mode`.*Received: mode=bayes"):
        quietly(GaussianWeightDense, 3, mode="bayes")
    with pytest.raises(ValueError, match="Unrecognized keyword.*bogus"):
        quietly(GaussianWeightDense, 3, mode="reparameterized", noise_scale=1.0,
                bogus=1)


def test_a_config_without_the_later_keys_loads_with_their_defaults():
    """A config of the former layer from before `sampling`, `prior`,
    `scale_parameterization` and `kl_estimate` existed."""
    config = {"name": "old", "units": 3, "mode": "reparameterized",
              "kl_weight": 0.1, "prior_stddev": 1.0, "inference": "mean",
              "noise_scale": 0.5, "seed": None}
    old, _ = quietly(GaussianWeightDense.from_config, config)
    assert isinstance(old, BayesianDense)
    assert (old.sampling, old.scale_parameterization, old.kl_estimate,
            old.kl_weight) == ("weights", "exp", "auto", 0.1)
    assert old.prior.stddev == 1.0
    function_config = {"name": "f", "units": 2, "noise_scale": 0.3}
    article, _ = quietly(GaussianWeightDense.from_config, function_config)
    assert isinstance(article, GaussianFunctionDense)
    assert article.noise_scale == 0.3


def test_the_new_layers_save_under_their_own_names(keras_roundtrip):
    model = keras.Sequential([keras.Input((4,)), GaussianFunctionDense(3),
                              BayesianDense(2)])
    loaded = keras_roundtrip(model)
    assert [type(layer) for layer in loaded.layers] == [
        GaussianFunctionDense, BayesianDense]


@pytest.mark.parametrize("mode, kwargs, weights, seed_generators, losses", [
    # The kernel's mean and log scale and the bias; the noise and the step.
    ("gaussian_function", {}, (3, 2), 0, 0),
    # The kernel's mean and scale and the bias; the KL term.
    ("reparameterized", {"kl_weight": 0.1}, (3, 0), 1, 1),
])
def test_keras_layer_checks(mode, kwargs, weights, seed_generators, losses):
    """Keras's own `run_layer_test` passes on the deprecated name, as on the
    new layers, while it is kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        run_keras_layer_test(
            GaussianWeightDense, {"units": 3, "mode": mode, "seed": 1, **kwargs},
            input_shape=(2, 4), call_kwargs={"training": True},
            expected_output_shape=(2, 3),
            expected_num_trainable_weights=weights[0],
            expected_num_non_trainable_weights=weights[1],
            expected_num_seed_generators=seed_generators,
            expected_num_losses=losses, supports_masking=True)


@pytest.mark.parametrize("mode", ["gaussian_function", "reparameterized"])
def test_a_deprecated_layer_clones_and_reports_its_mode(mode, rng):
    layer, _ = quietly(GaussianWeightDense, 3, mode=mode, activation="relu",
                       seed=2)
    assert layer.mode == mode
    with pytest.raises(AttributeError):
        layer.mode = "other"
    model = keras.Sequential([keras.Input((4,)), layer])
    # Keras's ways of making a layer again from its config.
    clone = keras.models.clone_model(model)
    again = type(layer).from_config(layer.get_config())
    for copy in (clone.layers[0], again):
        assert type(copy) is type(layer) and copy.mode == mode
        assert copy.get_config() == layer.get_config()
    clone.set_weights(model.get_weights())
    x = rng.normal(size=(5, 4)).astype("float32")
    np.testing.assert_array_equal(_np(clone(x)), _np(model(x)))
    # A layer of one mode is not made from the other mode's config.
    other = ({"gaussian_function", "reparameterized"} - {mode}).pop()
    with pytest.raises(ValueError, match=f"`mode`.*Received: mode={other}"):
        type(layer)(3, mode=other)


def test_the_docs_name_the_release_that_removes_the_name():
    module = GaussianWeightDense.__module__
    assert f"kreg {REMOVED_IN}" in " ".join(sys.modules[module].__doc__.split())
    assert f"kreg {REMOVED_IN}" in " ".join(GaussianWeightDense.__doc__.split())
    _, messages = quietly(GaussianWeightDense, 3)
    assert f"removed in kreg {REMOVED_IN}" in messages[0]
