import os

import pytest

from harness.results.atomic_dir import atomic_output_dir, check_writable_parent


def test_success_replaces_old_results(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with atomic_output_dir(out) as folder:
        assert not os.path.samefile(folder, out)
        with open(os.path.join(folder, "new.txt"), "w") as f:
            f.write("new")
    assert sorted(os.listdir(out)) == ["new.txt"]
    assert sorted(os.listdir(tmp_path)) == ["res"]  # no temporary left


def test_interruption_keeps_old_results_whole(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_output_dir(out) as folder:
            with open(os.path.join(folder, "half.txt"), "w") as f:
                f.write("half")
            raise KeyboardInterrupt
    assert sorted(os.listdir(out)) == ["old.txt"]
    assert (out / "old.txt").read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["res"]


def test_creates_missing_parents(tmp_path):
    out = tmp_path / "a" / "b" / "res"
    with atomic_output_dir(out) as folder:
        open(os.path.join(folder, "x"), "w").close()
    assert os.listdir(out) == ["x"]


def test_file_in_the_way(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(PermissionError, match="it is a file"):
        check_writable_parent(tmp_path / "f")


def test_failed_swap_restores_old_results(tmp_path, monkeypatch):
    out = tmp_path / "res"
    out.mkdir()
    (out / "old.txt").write_text("old")
    real_rename = os.rename

    def rename(src, dst):
        if ".tmp-" in os.path.basename(src):
            raise OSError("disk went away")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="disk went away"):
        with atomic_output_dir(out) as folder:
            open(os.path.join(folder, "new.txt"), "w").close()
    assert sorted(os.listdir(out)) == ["old.txt"]
    assert sorted(os.listdir(tmp_path)) == ["res"]
