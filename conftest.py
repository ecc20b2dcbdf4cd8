"""pytest's settings for the whole repository (the library, the suite and
the tests), so that they also hold for `pytest --doctest-modules kreg`.

The library's docstring examples, as Keras's own, use `keras`, `np` (NumPy)
and `kreg` without importing them: the one definition of those names is
`docstring_example_names` below, given to pytest's `doctest_namespace`. The
standard `pytest --doctest-modules kreg` reads it, and so does
tests/kreg/test_docstring_examples.py (the examples on each backend, in the
README's `pytest`).

Nothing is imported here at module level: tests/conftest.py must set the
backends' environment (log level, device counts) before Keras or TensorFlow
is first imported.
"""

import pytest


def docstring_example_names():
    """The names a docstring example may use without importing them."""
    import keras
    import numpy as np

    import kreg

    return {"keras": keras, "np": np, "kreg": kreg}


@pytest.fixture(scope="session", autouse=True)
def _docstring_example_names(doctest_namespace):
    doctest_namespace.update(docstring_example_names())
