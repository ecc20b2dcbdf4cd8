"""Every `>>>` example in the library's docstrings runs as written.

The examples are collected from every module under `kreg/` and run with
`doctest` on the current backend (CI runs this file once per backend, like
the rest of `tests/kreg`). As in Keras's own docstrings, an example may use
`keras`, `np` (NumPy) and `kreg` without importing them; everything else it
needs it imports or defines itself. Printed values are compared with
`NORMALIZE_WHITESPACE` and `ELLIPSIS`, so an example prints numbers only where
they are the same on every backend.
"""

import doctest
import importlib
import pkgutil

import keras
import numpy as np
import pytest

import kreg

OPTIONS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _library_modules():
    yield kreg
    for info in pkgutil.walk_packages(kreg.__path__, prefix="kreg."):
        yield importlib.import_module(info.name)


def _docstring_examples():
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = {}
    for module in _library_modules():
        for test in finder.find(module):
            # A name re-exported by a package is found again under the
            # package; its examples are the same docstring, run once.
            if test.examples and test.filename and test.lineno is not None:
                found.setdefault((test.filename, test.lineno), test)
    return sorted(found.values(), key=lambda test: test.name)


EXAMPLES = _docstring_examples()


def test_every_documented_module_is_collected():
    # The count grows with the library; a sudden drop means the collection
    # broke (a module no longer importable, examples no longer found).
    assert len(EXAMPLES) >= 15
    assert sum(len(test.examples) for test in EXAMPLES) >= 70


@pytest.mark.parametrize("test", EXAMPLES, ids=[t.name for t in EXAMPLES])
def test_docstring_example_runs(test):
    test.globs = {**test.globs, "keras": keras, "np": np, "kreg": kreg}
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
