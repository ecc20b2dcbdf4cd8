"""The library's tests on the jax backend (see run_on_backend.py)."""

from tests.backends.run_on_backend import run_library_tests


def test_library_on_jax():
    run_library_tests("jax")
