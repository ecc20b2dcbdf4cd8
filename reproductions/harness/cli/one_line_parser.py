"""The suite's argument parser: every error is one line (no usage block).

Light on purpose (argparse only), so that a command answers `--help` and
bad flags before the heavy stack is imported.
"""

import argparse


class ScriptParser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors are one line (no usage block)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")
