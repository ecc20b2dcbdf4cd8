"""The reproduction suite as one command.

    python -m reproductions                  # the articles and their scripts
    python -m reproductions all              # regenerate every result, in order
    python -m reproductions all --quick      # a short look at each (results/quick/)
    python -m reproductions toy_regression cs231n_regularization --quick

Each script runs in a fresh process of this Python, one after another, the
main job first, printing its own progress. At the end: one row per script,
its exit code, wall time and where its results went. Ctrl-C stops the script
at work at once; as every script writes its results atomically, the results
it was replacing stay whole.
"""

import pathlib
import sys

# The scripts' machinery, `harness`, lies beside them.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from harness.cli.suite import main  # noqa: E402

sys.exit(main())
