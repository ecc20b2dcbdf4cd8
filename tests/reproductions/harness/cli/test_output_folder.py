"""Where results go: checked before any work, never replacing full results
with a quick or shortened run."""

import json

import pytest

from harness.cli import output_folder


def write_metadata(folder, **metadata):
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps(metadata))


def test_shortened_run_never_replaces_full_results(tmp_path, monkeypatch):
    monkeypatch.setattr(output_folder, "RESULTS_ROOT", tmp_path / "results")
    full = tmp_path / "results" / "demo"
    write_metadata(full, quick=False, full_setting=True)
    with pytest.raises(FileExistsError, match="holds results of the full setting"):
        output_folder.resolve_output(str(full), "demo", full_setting=False)
    # A full run may replace them; a shortened one may replace a quick one.
    assert output_folder.resolve_output(str(full), "demo", True) == str(full)
    quick = tmp_path / "elsewhere"
    write_metadata(quick, quick=True, full_setting=False)
    assert output_folder.resolve_output(str(quick), "demo", False) == str(quick)


def test_unwritable_places_are_refused(tmp_path):
    (tmp_path / "a_file").write_text("x")
    for bad in ("/proc/kreg", "/proc/kreg/deeper", str(tmp_path / "a_file"),
                str(tmp_path / "a_file" / "below")):
        with pytest.raises(PermissionError, match="Cannot write results to"):
            output_folder.resolve_output(bad, "demo", True)
    # Nothing is left behind by the check.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]
