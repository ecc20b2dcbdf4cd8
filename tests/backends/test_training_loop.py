"""The suite's compiled training loop on JAX and PyTorch (see
run_on_backend.py): it must train exactly as the model's own step does."""

import pytest

from tests.backends.run_on_backend import run_library_tests

LOOP_TESTS = ["tests/reproductions/harness/training"]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_training_loop_on_backend(backend):
    run_library_tests(backend, LOOP_TESTS)
