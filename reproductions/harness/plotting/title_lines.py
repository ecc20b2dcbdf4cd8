"""A figure title wrapped to a width, line by line, so a long run label
under it is not cut off at the figure's edge."""

import textwrap


def wrapped(title, width=90):
    """`title` with each of its lines wrapped at `width` characters."""
    return "\n".join(textwrap.fill(line, width) if line else line
                     for line in title.split("\n"))
