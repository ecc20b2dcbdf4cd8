"""Tests for `kreg.layers.deprecations`: the warning of a deprecated name and
the release that removes the deprecated names."""

import warnings

import pytest
from packaging.version import Version

import kreg
from kreg.layers.deprecations import REMOVED_IN, warn_deprecated


def test_the_warning_names_the_release_and_the_callers_line():
    def deprecated_function():
        warn_deprecated("f() is deprecated: use g().", stacklevel=2)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        deprecated_function()
    (warning,) = caught
    assert warning.category is DeprecationWarning
    assert str(warning.message) == (
        f"f() is deprecated: use g(). It will be removed in kreg {REMOVED_IN}.")
    assert warning.filename == __file__


def test_the_deprecated_names_are_gone_in_their_release():
    """Fails from the development of `REMOVED_IN` on: then the deprecated
    names (see `kreg.layers.deprecations`) are removed, with their tests,
    and `REMOVED_IN` goes."""
    version = Version(Version(kreg.__version__).base_version)
    assert version < Version(REMOVED_IN), (
        f"kreg {kreg.__version__} removes the names deprecated until "
        f"{REMOVED_IN}: see kreg.layers.deprecations")


@pytest.mark.parametrize("words", [{"mask": "per_batch"},
                                   {"inference": "deterministic"}])
def test_dropconnect_dense_former_words_name_the_release(words):
    with pytest.warns(DeprecationWarning,
                      match=f"removed in kreg {REMOVED_IN}") as caught:
        kreg.layers.DropConnectDense(2, **words)
    assert caught[0].filename == __file__
