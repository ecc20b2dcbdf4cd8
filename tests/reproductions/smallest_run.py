"""A script run with every flag at its smallest allowed value.

Each script's test calls `completes_or_refused`: the run either completes
and writes a ledger, every claim it cannot decide `not tested`, or is
refused in one line with exit code 2 before any training, nothing written.
Together with the degenerate settings each script tries (one evaluation
point, one seed, one section), any valid command completes.
"""


from harness.claims.ledger import read_ledger
from harness.cli.settings import show


def smallest_flags(script):
    """Every declared setting of `script` at its smallest allowed value."""
    flags = []
    for setting in script.PARAMETERS:
        if setting.smallest is not None:
            flags += [setting.flag, show(setting.smallest).replace(",", "")
                      if not isinstance(setting.smallest, list)
                      else ",".join(show(v) for v in setting.smallest)]
    return flags


def completes_or_refused(script, tmp_path, capsys, extra=()):
    """Runs `script.main` with `smallest_flags` (and `extra`); returns the
    ledger written, or `None` where the run was refused as it must be."""
    out = tmp_path / "smallest"
    argv = smallest_flags(script) + ["--out", str(out), *extra]
    try:
        script.main(argv)
    except SystemExit as exit_info:
        err = capsys.readouterr().err
        assert exit_info.value.code == 2, err
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert not out.exists()
        return None
    ledger = read_ledger(out / "claims.csv")
    assert len(ledger), argv
    return ledger
