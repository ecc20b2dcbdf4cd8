"""The Python examples of the README, the home page and the guide pages run
as written (each page's blocks in turn, in one namespace per page)."""

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", ROOT / "docs" / "index.md",
         *sorted((ROOT / "docs" / "guide").glob("*.md"))]


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def test_the_examples_are_where_they_are_read():
    # The README's example (the home page includes it) and the library
    # guide's, one per piece.
    assert len(python_blocks(ROOT / "README.md")) == 1
    assert len(python_blocks(ROOT / "docs" / "guide" / "library.md")) >= 8


@pytest.mark.parametrize("path", [p for p in PAGES if python_blocks(p)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(path):
    namespace = {}
    for block in python_blocks(path):
        exec(compile(block, str(path.relative_to(ROOT)), "exec"), namespace)
