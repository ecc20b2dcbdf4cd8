"""Every `>>>` example in the library's docstrings runs as written.

The examples are collected from every module under `kreg/` and run with
`doctest` on the current backend (CI runs this file once per backend, like
the rest of `tests/kreg`). As in Keras's own docstrings, an example may use
`keras`, `np` (NumPy) and `kreg` without importing them; everything else it
needs it imports or defines itself. Printed values are compared with
`NORMALIZE_WHITESPACE` and `ELLIPSIS`, so an example prints numbers only where
they are the same on every backend.

The names and the option flags are the ones the standard
`pytest --doctest-modules kreg` uses, defined once for both: pytest's
`doctest_namespace` (filled by the repository's conftest.py) and its
`doctest_optionflags` setting (pyproject.toml).
"""

import doctest
import functools
import importlib
import operator
import pkgutil

import pytest

import kreg


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


def _option_flags(config):
    """pytest's `doctest_optionflags` setting, as `doctest` flags."""
    return functools.reduce(operator.or_, (
        doctest.OPTIONFLAGS_BY_NAME[name]
        for name in config.getini("doctest_optionflags")), 0)


def test_examples_run_as_pytest_runs_them(doctest_namespace, pytestconfig):
    assert {"keras", "np", "kreg"} <= set(doctest_namespace)
    assert doctest_namespace["kreg"] is kreg
    assert _option_flags(pytestconfig) == (
        doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)


@pytest.mark.parametrize("test", EXAMPLES, ids=[t.name for t in EXAMPLES])
def test_docstring_example_runs(test, doctest_namespace, pytestconfig):
    test.globs = {**test.globs, **doctest_namespace}
    runner = doctest.DocTestRunner(optionflags=_option_flags(pytestconfig))
    report = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
