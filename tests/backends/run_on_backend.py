"""Run the library's tests again on another Keras backend.

Keras picks its backend once per process, so the library's tests
(`tests/kreg`) run again in a subprocess per backend (one test file per
backend, so that `pytest -n 2` runs them side by side). A backend that is not installed is skipped and says so; CI installs
both (`.ci/run`).
"""

import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The library's tests: everything under tests/kreg, and nothing of the suite.
LIBRARY_TESTS = ["tests/kreg"]


def run_library_tests(backend, paths=LIBRARY_TESTS):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed; install it to test that backend")
    env = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-o", "addopts=-ra", *paths],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    tail = "\n".join(result.stdout.splitlines()[-30:])
    assert result.returncode == 0, f"{backend} backend:\n{tail}\n{result.stderr[-2000:]}"
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary), summary
    assert not re.search(r"\d+ (failed|error)", summary), summary
