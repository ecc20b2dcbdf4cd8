"""What a package index and a user's requirements see of kreg.

These read the repository's own files (pyproject.toml, .ci/run, README.md,
CHANGELOG.md, LICENSE); CI also builds the wheel and the sdist and checks that
both ship the licence (`.ci/check_distribution.py`).
"""

import pathlib
import re

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import kreg
from kreg.layers.deprecations import REMOVED_IN

# Python 3.11's TOML reader; on 3.10 these checks skip and say so (CI runs
# them on 3.11).
tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")

ROOT = pathlib.Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def _declared_minimum(name):
    for line in PROJECT["dependencies"]:
        requirement = Requirement(line)
        if requirement.name == name:
            (spec,) = [s for s in requirement.specifier if s.operator == ">="]
            return Version(spec.version)
    raise AssertionError(f"{name} is not a dependency")


def _ci_setting(name):
    match = re.search(rf"^{name}=(\S+)$", (ROOT / ".ci/run").read_text(), re.M)
    assert match, f".ci/run sets no {name}"
    return Version(match.group(1))


def test_library_needs_keras_and_numpy_only():
    names = sorted(Requirement(line).name for line in PROJECT["dependencies"])
    assert names == ["keras", "numpy"]


def test_ci_tests_exactly_the_declared_minimums():
    assert _ci_setting("KERAS_MIN") == _declared_minimum("keras")
    assert _ci_setting("NUMPY_MIN") == _declared_minimum("numpy")


def test_version_has_one_source():
    assert "version" not in PROJECT
    assert "version" in PROJECT["dynamic"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "kreg.__version__"}
    Version(kreg.__version__)  # a valid version string


def test_changelog_has_the_current_version():
    release = Version(kreg.__version__).base_version
    headings = re.findall(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert headings[0] == release, headings


def test_changelog_names_the_release_that_removes_deprecated_names():
    text = " ".join((ROOT / "CHANGELOG.md").read_text().split())
    assert f"removed in {REMOVED_IN}" in text


def test_licence_text_is_apache_2_and_declared():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]


def test_classifiers_name_every_supported_python():
    minimum = Version(PROJECT["requires-python"].removeprefix(">="))
    classifiers = PROJECT["classifiers"]
    versions = sorted(
        Version(c.rsplit(" ", 1)[-1]) for c in classifiers
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert versions[0] == minimum
    # No gap between the oldest and the newest declared version.
    assert [v.minor for v in versions] == list(
        range(versions[0].minor, versions[-1].minor + 1))
    for topic in ("Development Status ::", "Intended Audience ::",
                  "Operating System ::", "License ::"):
        if topic == "License ::":
            # PEP 639: the licence is the `license` expression, and a
            # licence classifier beside it is an error for setuptools.
            assert not any(c.startswith(topic) for c in classifiers)
        else:
            assert any(c.startswith(topic) for c in classifiers), topic


def test_readme_links_work_on_a_package_index_page():
    # A package index shows the README without the repository around it:
    # a relative link there points nowhere.
    text = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [t for t in targets if not re.match(r"(https?://|mailto:|#)", t)]
    assert relative == []
