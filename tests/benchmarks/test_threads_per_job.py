"""`benchmarks/threads_per_job.py`: its command line (the measurement itself
trains models in spawned processes; it is a benchmark, not a test)."""

import importlib

import pytest

from tests.benchmarks.benchmark_scripts import load, refused

threads_per_job = load("threads_per_job")


@pytest.mark.parametrize("argv, named", [
    (["--models", "lenet6"], "argument --models"),
    (["--steps", "0"], "argument --steps"),
])
def test_bad_input_is_one_line_and_exit_code_2(argv, named, capsys):
    assert named in refused(threads_per_job.main, argv, capsys)


@pytest.mark.parametrize("model, script", [("lenet5", "regularization_overview"),
                                           ("regression_mlp", "toy_regression")])
def test_a_model_is_timed_at_its_scripts_full_batch_size(model, script):
    module = importlib.import_module(script)
    batch = next(s.full for s in module.PARAMETERS if s.flag == "--batch-size")
    assert threads_per_job.MODELS[model][1] == batch
