"""The library's tests on the JAX and PyTorch backends.

Keras picks its backend once per process, so the layer, constraint,
regularizer, callback, loss and training-loop tests run again here in a subprocess per
backend. A backend that is not installed is skipped and says so; CI installs
both (`.ci/run`).
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARY_TESTS = ["tests/layers", "tests/constraints", "tests/regularizers",
                 "tests/callbacks", "tests/losses", "tests/training"]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_library_on_backend(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed; install it to test that backend")
    env = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-o", "addopts=-ra", *LIBRARY_TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    tail = "\n".join(result.stdout.splitlines()[-30:])
    assert result.returncode == 0, f"{backend} backend:\n{tail}\n{result.stderr[-2000:]}"
    assert " passed" in tail
