"""A script's parameters, declared once.

Each `Setting` holds a flag, its type, its value at the full setting, its
value with `--quick` (when that differs) and its help. From the declaration
`script_parser` derives the flag, its help with both defaults shown, the value
a run gets when the flag is left out, and what makes a run other than the
full setting (`differences`: a setting that `defines_run` changed from its
full value). So a value is written once, where it is declared, and nothing
else can disagree with it.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

_SAME = object()  # `quick` left out: the full value with --quick too


def show(value):
    """A value as the help prints it: 150,000; 0.001; a,b,c."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ",".join(show(v) for v in value)
    return str(value)


@dataclasses.dataclass(frozen=True)
class Setting:
    """One parameter of a script: its flag, type, full value, help and, where
    `--quick` uses another, its quick value. `type=bool` declares a switch
    (a flag without a value, off at the full setting)."""

    flag: str
    type: Callable[[str], Any]
    full: Any
    help: str
    quick: Any = _SAME
    dest: str = ""  # the attribute of the parsed arguments; default from the flag
    defines_run: bool = True  # False: changing it keeps a run the full setting

    @property
    def name(self):
        return self.dest or self.flag.lstrip("-").replace("-", "_")

    def value(self, quick):
        """The value of a run that leaves the flag out (a fresh copy)."""
        value = self.full if self.quick is _SAME or not quick else self.quick
        return list(value) if isinstance(value, (list, tuple)) else value

    @property
    def smallest(self):
        """The smallest value the flag accepts (its type's), or `None` (a
        switch, or a type without one)."""
        return None if self.type is bool else getattr(self.type, "smallest", None)

    def help_text(self):
        text = f"{self.help} (default {show(self.full)}"
        if self.quick is not _SAME:
            text += f"; {show(self.quick)} with --quick"
        return (text + ")").replace("%", "%%")


def add_settings(parser, settings):
    """Adds each setting's flag to `parser` (left out: `None`, filled by
    `fill_settings`)."""
    for setting in settings:
        if setting.type is bool:
            parser.add_argument(setting.flag, dest=setting.name,
                                action="store_true", help=setting.help)
        else:
            parser.add_argument(setting.flag, dest=setting.name,
                                type=setting.type, default=None,
                                help=setting.help_text())


def fill_settings(settings, args):
    """Gives each setting left out its full or quick value."""
    for setting in settings:
        if getattr(args, setting.name) is None:
            setattr(args, setting.name, setting.value(args.quick))


def differences(settings, args):
    """What makes a run other than the full setting, as the flags that say
    it: `["--steps 5,000", "--only none"]` (empty for the full setting)."""
    return [s.flag if s.type is bool else f"{s.flag} {show(getattr(args, s.name))}"
            for s in settings
            if s.defines_run and getattr(args, s.name) != s.value(False)]
