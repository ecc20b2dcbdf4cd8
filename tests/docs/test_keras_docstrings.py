"""The API pages' docstring adapter (docs/_ext/keras_docstrings.py): lists
in parameter descriptions render as lists."""

import textwrap

import pytest

griffe = pytest.importorskip("griffe", reason="the docs extra is not installed")
markdown = pytest.importorskip("markdown", reason="the docs extra is not installed")

from keras_docstrings import KerasDocstrings, separate_lists  # noqa: E402

import kreg  # noqa: E402


def _html(text):
    return markdown.markdown(text)


def test_a_list_after_its_lead_in_becomes_a_list():
    text = "How a call draws:\n- `a`: one\n  kernel.\n- `b`: two."
    assert "<ul>" not in _html(text)  # what Markdown makes of it unchanged
    html = _html(separate_lists(text))
    assert html.count("<li>") == 2
    assert "<p>How a call draws:</p>" in html


def test_text_after_a_list_at_its_indentation_is_a_paragraph_again():
    text = "Options:\n- `a`: one.\n- `b`: two.\nEither way it is cheap."
    assert separate_lists(text) == (
        "Options:\n\n- `a`: one.\n- `b`: two.\n\nEither way it is cheap.")
    assert "<p>Either way it is cheap.</p>" in _html(separate_lists(text))


def test_list_continuations_and_separated_lists_are_left_alone():
    text = ("Intro.\n\n- `a`: one\n  more of a.\n- `b`: two.\n\nAfter.\n"
            "Reference:\n    - [Paper](https://example.org)\n")
    # Already separated, and a list directly under a section title (griffe
    # reads the section only when its content follows the title at once).
    assert separate_lists(text) == text


def test_fenced_code_is_left_alone():
    text = "```python\nx = 1\n- 2\n```"
    assert separate_lists(text) == text


def test_bayesian_dense_sampling_options_render_as_a_list():
    # The case of the issue: BayesianDense's `sampling` ran its three options
    # together in one paragraph.
    docstring = griffe.Docstring(
        textwrap.dedent(kreg.layers.BayesianDense.__doc__),
        parser=griffe.Parser.google,
        parser_options={"warn_missing_types": False})
    obj = griffe.Class("BayesianDense", docstring=docstring)
    KerasDocstrings().on_instance(obj=obj)
    sections = obj.docstring.parse(warn_missing_types=False)
    (parameters,) = [s for s in sections if s.kind.value == "parameters"]
    sampling = next(p for p in parameters.value if p.name == "sampling")
    html = _html(sampling.description)
    assert html.count("<li>") == 3
    for option in ("weights", "local", "flipout"):
        assert f'<li><code>"{option}"</code>' in html
