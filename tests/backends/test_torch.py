"""The library's tests on the torch backend (see run_on_backend.py)."""

from tests.backends.run_on_backend import run_library_tests


def test_library_on_torch():
    run_library_tests("torch")
