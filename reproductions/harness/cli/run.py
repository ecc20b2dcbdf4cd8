"""How a reproduction script runs from the command line."""

import os
import sys

from harness.data.mnist_files import MnistDataError
from harness.jobs.runner import JobsFailed


def run_script(main, argv=None):
    """Runs a script's `main(argv)` as a command.

    - Figures go to files: a non-interactive Matplotlib backend is chosen
      here, when the script runs (importing the harness changes nothing).
    - An MNIST file that turns out to be corrupt when read (`--data`, after
      the cheap checks of the parser but before any training) ends in one
      line naming the argument, and exit code 2.
    - A worker that dies mid-run (`JobsFailed`) ends in one line and exit
      code 1; nothing is written.
    - Ctrl-C ends in one line and exit code 130; the results folder is
      written atomically, so the previous results stay whole.
    """
    import matplotlib

    matplotlib.use("Agg")
    prog = os.path.basename(sys.argv[0])
    try:
        main(argv)
    except MnistDataError as e:
        print(f"{prog}: error: argument --data: {e}", file=sys.stderr)
        sys.exit(2)
    except JobsFailed as e:
        print(f"{prog}: error: {e}; nothing was written, previous results are "
              "unchanged", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"\n{prog}: interrupted; nothing was written, previous results "
              "are unchanged", file=sys.stderr)
        sys.exit(130)
