"""`harness.plotting.title_lines`: titles wrapped line by line."""

from harness.plotting.title_lines import wrapped


def test_long_lines_wrap_and_short_ones_stay():
    title = "Short\n" + "word " * 30
    lines = wrapped(title, 40).split("\n")
    assert lines[0] == "Short" and len(lines) > 2
    assert all(len(line) <= 40 for line in lines)
    assert wrapped("a\nb") == "a\nb"
