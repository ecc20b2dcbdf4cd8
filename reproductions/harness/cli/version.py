"""kreg's version, as the suite's commands print it with `--version`."""

import ast
import pathlib

_KREG_INIT = pathlib.Path(__file__).resolve().parents[3] / "kreg" / "__init__.py"


def kreg_version():
    """`kreg.__version__`, read from the source without importing kreg (and
    so Keras and its backend): a command's `--version` answers at once."""
    for node in ast.parse(_KREG_INIT.read_text()).body:
        if (isinstance(node, ast.Assign)
                and getattr(node.targets[0], "id", None) == "__version__"):
            return node.value.value
    raise LookupError(f"no __version__ in {_KREG_INIT}")
