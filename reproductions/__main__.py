"""`python -m reproductions`: the suite as one command (see
`harness/cli/suite.py`, or run it with `--help`)."""

import pathlib
import sys

# The scripts' machinery, `harness`, lies beside them.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from harness.cli.suite import main  # noqa: E402

sys.exit(main())
