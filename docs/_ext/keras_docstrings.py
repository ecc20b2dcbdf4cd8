"""Griffe extension for the API pages: read kreg's Keras-style docstrings.

kreg's docstrings are Google style with two Keras conventions that griffe does
not know, adapted here before griffe parses each docstring (the kreg sources
are not changed):

1. Examples. Keras's convention is an `Example:` line,
a blank line, then a doctest block at the docstring's own indentation::

    Example:

    >>> layer = InvertedDropout(0.5, seed=1)
    >>> ...

Google style (as parsed by griffe) expects a section's content indented under
its title, and griffe reads only `Examples:` (plural) as an examples section,
so such a doctest would render as nested block quotes and its `[...]` output
lines as broken cross-references. This extension rewrites each such doctest
block, before griffe parses the docstring, as a `pycon` code block indented
under its title: the section then renders as an "Example" box with highlighted
code. Doctests already indented under an `Example:` title are fenced the
same way (Markdown would otherwise read `>>>` as block quotes).

2. `Call arguments:`, a Keras section that griffe renders as a box of plain
text, so its `name: description` items would run together in one paragraph.
This extension turns the items into a Markdown list (`- `name`: ...`).

3. Lists glued to their lead-in. A description that introduces its options
with a colon and lists them on the next lines (`sampling: How a training
call draws from the posterior:` then `- "weights" ...`) is one paragraph to
Markdown, which starts a list only after a blank line: the options ran
together. This extension puts a blank line before such a list, and after it
where the description goes on at the list's own indentation.

Only the documentation build uses this file (see `mkdocs.yml`); it is not
part of the kreg package.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_TITLE = re.compile(r"^(?P<indent>[ \t]*)Examples?:[ \t]*$")
_CALL_TITLE = re.compile(r"^(?P<indent>[ \t]*)Call arguments:[ \t]*$")
_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])[ \t]+\S")
# A Google section title alone on its line ("Reference:"): its content,
# indented under it, must follow it directly, or griffe reads the section as
# plain text.
_SECTION_TITLE = re.compile(r"^[ \t]*[A-Z][A-Za-z ]*:[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_ITEM = re.compile(
    r"^(?P<indent>[ \t]+)(?P<name>\*{0,2}\w+)"
    r"(?P<annotation> \([^)]*\))?:[ \t]+(?P<text>.*)$"
)


def _next_nonblank(lines: list[str], start: int) -> int:
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def indent_doctest_examples(text: str) -> str:
    """Fence (and indent if needed) the doctests under an `Example(s):` title."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        match = _TITLE.match(line)
        if not match:
            continue
        j = _next_nonblank(lines, i)
        if j >= len(lines) or not lines[j].lstrip().startswith(">>>"):
            continue
        title_indent = match["indent"]
        block_indent = lines[j][: len(lines[j]) - len(lines[j].lstrip())]
        if len(block_indent) <= len(title_indent):
            # Keras style: the doctest sits at the title's indentation.
            block_indent = title_indent + "    "
        # Drop the blank lines between the title and the doctest, then fence
        # each doctest block (blocks separated by blank lines) that follows.
        i = j
        while i < len(lines) and lines[i].lstrip().startswith(">>>"):
            prefix = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            out.append(block_indent + "```pycon")
            while i < len(lines) and lines[i].strip():
                body = lines[i][len(prefix):] if lines[i].startswith(prefix) else lines[i].lstrip()
                out.append(block_indent + body)
                i += 1
            out.append(block_indent + "```")
            j = _next_nonblank(lines, i)
            if j < len(lines) and lines[j].lstrip().startswith(">>>"):
                out.append("")
                i = j
    return "\n".join(out)


def list_call_arguments(text: str) -> str:
    """Turn the `name: description` items of `Call arguments:` into a list."""
    out: list[str] = []
    section_indent = None  # the title's indentation while inside the section
    item_indent = None  # the first item's indentation
    for line in text.split("\n"):
        title = _CALL_TITLE.match(line)
        if title:
            section_indent, item_indent = title["indent"], None
        elif section_indent is not None and line.strip():
            indent = line[: len(line) - len(line.lstrip())]
            item = _ITEM.match(line)
            if len(indent) <= len(section_indent):
                section_indent = None  # the next section or paragraph
            elif item and item_indent in (None, item["indent"]):
                item_indent = item["indent"]
                line = f"{item_indent}- `{item['name']}`{item['annotation'] or ''}: {item['text']}"
        out.append(line)
    return "\n".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def separate_lists(text: str) -> str:
    """Blank lines around each list that a line of text touches.

    Before a list whose first item follows a line of text (not the title of
    a section whose content it is, indented under it), and after a list
    that a line of text at its items' own indentation continues. Fenced code
    is left as it is.
    """
    out: list[str] = []
    list_indent = None  # the items' indentation while inside a list
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.strip():
            previous = out[-1] if out else ""
            if _LIST_ITEM.match(line):
                if list_indent is None or _indent(line) < list_indent:
                    under_title = (_SECTION_TITLE.match(previous)
                                   and _indent(line) > _indent(previous))
                    if previous.strip() and not under_title:
                        out.append("")
                    list_indent = _indent(line)
            elif list_indent is not None and _indent(line) <= list_indent:
                if _indent(line) == list_indent and previous.strip():
                    out.append("")
                list_indent = None
        out.append(line)
    return "\n".join(out)


class KerasDocstrings(griffe.Extension):
    """Adapt kreg's Keras-style `Example:` and `Call arguments:` sections,
    and its lists glued to their lead-in."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            value = indent_doctest_examples(obj.docstring.value)
            obj.docstring.value = separate_lists(list_call_arguments(value))
