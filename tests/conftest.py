"""Fixtures shared by the whole suite."""

import json
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Data-parallel tests (tests/kreg/test_data_parallel.py) need several
# devices in this process. Both settings must come before the backend's
# runtime starts, and neither changes what runs on one device.
DATA_PARALLEL_DEVICES = 2


def _keras_backend_name():
    """The backend `import keras` will pick (as Keras does: KERAS_BACKEND,
    else keras.json under KERAS_HOME or ~/.keras, else TensorFlow)."""
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME",
                          os.path.join(os.path.expanduser("~"), ".keras"))
    try:
        with open(os.path.join(home, "keras.json")) as config:
            return json.load(config).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


# JAX: host devices are forced by an XLA flag read when JAX starts; a
# device count already in XLA_FLAGS is kept.
if (_keras_backend_name() == "jax"
        and "xla_force_host_platform_device_count"
        not in os.environ.get("XLA_FLAGS", "")):
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count="
        f"{DATA_PARALLEL_DEVICES}").strip()

import keras  # noqa: E402


def _split_tensorflow_cpu():
    """TensorFlow: split the CPU into logical devices for
    `tf.distribute.MirroredStrategy`, before the runtime starts (importing
    Keras does not start it). Ops run on the first one unless a strategy
    places them; if the runtime has started already, nothing changes."""
    if keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    cpus = tf.config.list_physical_devices("CPU")
    if not cpus or tf.config.get_logical_device_configuration(cpus[0]):
        return
    try:
        tf.config.set_logical_device_configuration(
            cpus[0], [tf.config.LogicalDeviceConfiguration()
                      for _ in range(DATA_PARALLEL_DEVICES)])
    except RuntimeError:  # the runtime has started: keep one device
        pass


_split_tensorflow_cpu()


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
