"""The benchmark scripts (`benchmarks/*.py`, not a package), loaded by path."""

import importlib.util
import pathlib

BENCHMARKS = pathlib.Path(__file__).resolve().parents[2] / "benchmarks"


def load(name):
    """`benchmarks/<name>.py` as a module, its `main` not run."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refused(main, argv, capsys):
    """What `main(argv)` says on stderr, having checked that it refused the
    command line in one line with exit code 2."""
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1, err
    return err
