"""`benchmarks/suite_time.py`: its arithmetic, on made-up run records."""

import json

import pytest

from tests.benchmarks.benchmark_scripts import load, refused

suite_time = load("suite_time")


def test_makespan_hands_the_longest_jobs_out_first():
    assert suite_time.makespan([], 4) == 0
    assert suite_time.makespan([5, 1, 1, 1, 1, 1], 2) == 5
    assert suite_time.makespan([3, 3, 2, 2, 2], 2) == 7
    assert suite_time.makespan([1] * 64, 32) == 2


def test_a_scripts_row_and_its_projection(tmp_path, capsys):
    metadata = {"wall_seconds": 60.0, "jobs": {
        "count": 4, "seconds": 100.0, "where": ["local workers"],
        "per_job": [{"job": str(i), "seconds": 25.0} for i in range(4)]}}
    folder = tmp_path / "mnist_weight_images"
    folder.mkdir()
    (folder / "metadata.json").write_text(json.dumps(metadata))
    [row] = suite_time.report(tmp_path, cores=2)
    assert row["speedup"] == pytest.approx(100 / 60)
    assert row["outside_s"] == pytest.approx(10.0)   # 60 - 2 x 25 on 2 cores
    assert row["on_8_s"] == pytest.approx(35.0)      # 10 + one job's 25
    out = capsys.readouterr().out
    assert "job seconds / cores = 50 s" in out


@pytest.mark.parametrize("argv, named", [
    (["--from", "/no/such/folder"], "argument --from"),
    (["--data", "nowhere.npz"], "argument --data"),
])
def test_bad_input_is_one_line_and_exit_code_2(argv, named, capsys):
    assert named in refused(suite_time.main, argv, capsys)
