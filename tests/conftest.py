"""Fixtures shared by the whole suite."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts with a clean Keras session and float32 policy."""
    keras.backend.clear_session(free_memory=False)
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")


@pytest.fixture
def mixed_precision():
    """Run the test under the `mixed_float16` dtype policy."""
    keras.config.set_dtype_policy("mixed_float16")
    yield
    keras.config.set_dtype_policy("float32")


@pytest.fixture
def keras_roundtrip(tmp_path):
    """Save a model to `.keras`, load it back with `safe_mode=True`.

    Returns a function `roundtrip(model) -> loaded_model`.
    """

    def roundtrip(model):
        path = tmp_path / "model.keras"
        model.save(path)
        return keras.saving.load_model(path, safe_mode=True)

    return roundtrip


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
