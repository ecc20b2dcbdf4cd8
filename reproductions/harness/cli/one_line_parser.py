"""The suite's argument parser: every error is one line (no usage block).

Light on purpose (argparse only), so that a command answers `--help` and
bad flags before the heavy stack is imported.
"""

import argparse

from harness.cli.settings import fill_settings


class ScriptParser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors are one line (no usage block), and
    whose declared settings (`harness.cli.settings`, in `self.settings`)
    come back filled with their full or quick values."""

    settings = ()

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        fill_settings(self.settings, namespace)
        return namespace, extras
