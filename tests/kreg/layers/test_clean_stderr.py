"""Every kreg layer trains on TensorFlow without an error on stderr.

A user reads an error line as a failure, even when training goes on: kreg
once printed three `tfg_optimizer_hook ... has an empty op name` errors in
every `model.fit` of `DropConnectDense(sampling="gaussian")` with a relu (its
graph hit a TensorFlow rewrite that broke the train step's graph
optimizations). TensorFlow's C++ logs go straight to file descriptor 2, which
pytest cannot capture in-process, so a child process (this module run with
`python -m`) trains one model with a branch per case, every public layer of
`kreg.layers` in each of its sampling and inference modes, through
`model.fit` with validation (the inference graph too), and the test reads
the child's stderr. Each kreg layer is named after its case, so an error
line names the case in its node names. The branches use relu activations and
batches that divide the data (static shapes): the setting in which
TensorFlow fuses the most.

The child's start-up, before TensorFlow has started, is not checked: there
TensorFlow logs its own condition (on a machine with CUDA libraries but no
GPU, a `cuInit` error), whatever kreg does.
"""

import functools
import os
import pathlib
import re
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest

from kreg import layers as kl
from kreg.layers.bayesian_dense import _INFERENCE_MODES as BAYESIAN_INFERENCES
from kreg.layers.bayesian_dense import _SAMPLING as BAYESIAN_SAMPLINGS
from kreg.layers.dropconnect_dense import _INFERENCES as DROPCONNECT_INFERENCES
from kreg.layers.dropconnect_dense import _SAMPLINGS as DROPCONNECT_SAMPLINGS

ROOT = pathlib.Path(__file__).resolve().parents[3]
CHILD_MODULE = ".".join(
    pathlib.Path(__file__).resolve().relative_to(ROOT).with_suffix("").parts)
# The child writes this line to stderr once TensorFlow has started.
START_MARK = "kreg-clean-stderr: TensorFlow started"
# An error as absl (TensorFlow's C++ logging: `E0000 ...`, `F0000 ...` for a
# fatal one) or Python's logging prints it, or a traceback.
ERROR_LINE = re.compile(
    r"^[EF]\d{4} |\bERROR\b|^Traceback \(most recent call last\)")


def _dense():
    return keras.layers.Dense(4, activation="relu")


def _kreg_layer(layer_class, name, **kwargs):
    return [layer_class(4, activation="relu", seed=0, name=name, **kwargs)]


def _each(layer_class, argument, values, **kwargs):
    """A case per value of the layer's `argument`."""
    return {f"{layer_class.__name__}({argument}={value!r})": functools.partial(
        _kreg_layer, layer_class, **{argument: value}, **kwargs)
        for value in values}


def _cases():
    """Case name -> a function of a layer name making the case's layers (the
    kreg layer under that name)."""
    return {
        **_each(kl.BayesianDense, "sampling", BAYESIAN_SAMPLINGS,
                bias_posterior=True),
        **_each(kl.BayesianDense, "inference", BAYESIAN_INFERENCES),
        "DropConnect(Dense)": lambda name: [
            kl.DropConnect(_dense(), seed=0, name=name)],
        **_each(kl.DropConnectDense, "sampling", DROPCONNECT_SAMPLINGS,
                drop_bias=True),
        **_each(kl.DropConnectDense, "inference", DROPCONNECT_INFERENCES,
                sampling="gaussian"),
        "GaussianFunctionDense": functools.partial(
            _kreg_layer, kl.GaussianFunctionDense),
        "GaussianWeightDense": _deprecated_gaussian_weight_dense,
        "InvertedDropout": lambda name: [
            _dense(), kl.InvertedDropout(0.5, seed=0, name=name)],
        "VanillaDropout": lambda name: [
            _dense(), kl.VanillaDropout(0.5, seed=0, name=name)],
        "WeightNormalization(Dense)": lambda name: [
            kl.WeightNormalization(_dense(), data_init=True, name=name)],
        "WeightNormDense": lambda name: [
            kl.WeightNormDense(4, activation="relu", data_init=True, name=name)],
    }


def _deprecated_gaussian_weight_dense(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [kl.GaussianWeightDense(4, activation="relu", seed=0, name=name)]


def _layer_name(case):
    """The case's kreg layer's name, which TensorFlow's logs show in the
    names of its graph's nodes."""
    return re.sub(r"\W+", "_", case).strip("_")


def _public_layer_names():
    """The public layers of `kreg.layers`: the `Layer` classes with a `call`
    of their own (not the base `DropoutBase`), and `GaussianWeightDense`,
    which makes layers of that class name."""
    names = {"GaussianWeightDense"}
    for name, value in vars(kl).items():
        if (isinstance(value, type) and issubclass(value, keras.layers.Layer)
                and value.call is not keras.layers.Layer.call):
            names.add(name)
    return names


def test_every_public_layer_has_a_case():
    built = {type(layer).__name__ for case, make in _cases().items()
             for layer in make(_layer_name(case))}
    assert _public_layer_names() <= built, _public_layer_names() - built


def _train_every_layer():
    """The child: one model with a branch per case, `Input((8,))` -> the
    case's layers -> `Dense(1)`, the branches summed, trained by
    `model.fit` with validation. It writes `START_MARK` to stderr once
    TensorFlow has started."""
    keras.ops.convert_to_numpy(keras.ops.ones(1))  # TensorFlow's start-up
    print(START_MARK, file=sys.stderr, flush=True)
    inputs = keras.Input((8,))
    branches = []
    for case, make in _cases().items():
        outputs = inputs
        for layer in make(_layer_name(case)):
            outputs = layer(outputs)
        branches.append(keras.layers.Dense(1)(outputs))
    model = keras.Model(inputs, keras.layers.Add()(branches))
    model.compile("adam", "mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 8)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    model.fit(x, y, batch_size=8, epochs=1, validation_data=(x, y), verbose=0)


def _error_lines(stderr):
    """The error lines of the child's stderr after `START_MARK` (all of
    them if the mark is missing)."""
    lines = stderr.splitlines()
    if START_MARK in lines:
        lines = lines[lines.index(START_MARK) + 1:]
    return [line for line in lines if ERROR_LINE.search(line)]


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="TensorFlow's C++ logs; the other backends print "
                           "through Python")
@pytest.mark.slow
def test_training_every_layer_prints_no_error():
    env = {**os.environ, "KERAS_BACKEND": "tensorflow",
           # Errors and warnings, as a user sees them by default.
           "TF_CPP_MIN_LOG_LEVEL": "1"}
    # TensorFlow's default rewrites (oneDNN's on x86 CPUs), as a user gets.
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    child = subprocess.run([sys.executable, "-m", CHILD_MODULE], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=600)
    assert child.returncode == 0, child.stderr[-5000:]
    assert START_MARK in child.stderr.splitlines()
    errors = _error_lines(child.stderr)
    assert errors == [], "\n".join(errors)


def test_error_lines_are_recognized():
    # What the check must catch, and ordinary lines it must let pass.
    assert _error_lines(
        f"E0000 00:00:1.2 1 cuda.cc:1] start-up\n{START_MARK}\n"
        "E0000 00:00:1.2 1 x.cc:1] bad\nok\n") == [
            "E0000 00:00:1.2 1 x.cc:1] bad"]
    for line in ["E0000 00:00:1796399458.073507   19381 tfg_optimizer_hook.cc:135] "
                 "tfg_optimizer{...} failed: INVALID_ARGUMENT: Node x/Relu has "
                 "an empty op name",
                 "F0521 12:00:00.000000 1 check.cc:1] Check failed",
                 "ERROR:absl:something went wrong",
                 "Traceback (most recent call last):"]:
        assert ERROR_LINE.search(line), line
    for line in ["W0000 00:00:1.2 1 graph.cc:1] a warning",
                 "I0000 00:00:1.2 1 port.cc:1] oneDNN custom operations are on",
                 "Epoch 1/2", "Errors: 0"]:
        assert not ERROR_LINE.search(line), line


if __name__ == "__main__":
    _train_every_layer()
