"""`harness.jobs.local`, through `run_jobs`: work here or in fresh local
worker processes."""

import multiprocessing
import os

import pytest

from harness.jobs import ONE_THREAD, Job, default_workers, run_jobs


def where(setup_result, tag):
    """What a job sees: its process, its setup's result and the environment."""
    return {"pid": os.getpid(), "setup": setup_result, "tag": tag,
            "threads": os.environ.get("OMP_NUM_THREADS"),
            "marker": os.environ.get("KREG_TEST_MARKER")}


def setup_here(value):
    return {"value": value, "pid": os.getpid()}


def fail(setup_result):
    raise ValueError("a job failed")


def test_one_worker_runs_here_with_one_setup():
    calls = []
    results = run_jobs([Job(k, where, (k,)) for k in "abc"],
                       setup=lambda: calls.append(1) or "data",
                       on_result=lambda key, result: calls.append(key))
    assert sorted(results) == ["a", "b", "c"]
    assert {r["pid"] for r in results.values()} == {os.getpid()}
    assert {r["setup"] for r in results.values()} == {"data"}
    assert calls == [1, "a", "b", "c"]  # setup once, then each job in order


def test_workers_get_the_overrides_and_set_up_once_each():
    before = dict(os.environ)
    jobs = [Job(k, where, (k,), env={**ONE_THREAD, "KREG_TEST_MARKER": "on"})
            for k in range(4)]
    results = run_jobs(jobs, workers=2, setup=setup_here, setup_args=(7,))
    assert dict(os.environ) == before  # this process's environment restored
    pids = {r["pid"] for r in results.values()}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    for r in results.values():
        assert r["threads"] == "1" and r["marker"] == "on"
        # Each worker's setup ran in that worker, once.
        assert r["setup"] == {"value": 7, "pid": r["pid"]}
    assert multiprocessing.active_children() == []


def test_own_process_jobs_each_get_a_fresh_process():
    env = {"KREG_TEST_MARKER": "alone"}
    results = run_jobs([Job(k, where, (k,), env=env, own_process=True)
                        for k in ("x", "y")])
    assert results["x"]["pid"] != results["y"]["pid"]
    assert results["x"]["marker"] == results["y"]["marker"] == "alone"


def test_a_failing_job_raises_and_leaves_no_worker():
    jobs = [Job("bad", fail, env={"KREG_TEST_MARKER": "x"})]
    with pytest.raises(ValueError, match="a job failed"):
        run_jobs(jobs, workers=2)
    assert multiprocessing.active_children() == []
    with pytest.raises(ValueError, match="a job failed"):
        run_jobs([Job("bad", fail)])  # in process: the same exception


def test_default_workers_is_one_per_core_at_most_the_jobs():
    assert default_workers(1) == 1
    assert default_workers(10_000) == (os.cpu_count() or 1)


def die(setup_result):
    os._exit(3)  # a worker killed mid-run (out of memory, say)


def test_a_worker_that_dies_fails_the_run_clearly():
    from harness.jobs import JobsFailed

    jobs = [Job("ok", where, ("ok",), env=ONE_THREAD), Job("dies", die, env=ONE_THREAD)]
    with pytest.raises(JobsFailed, match="a worker died while running jobs"):
        run_jobs(jobs, workers=2)
    assert multiprocessing.active_children() == []


def test_each_jobs_own_time_is_reported():
    seconds = {}
    run_jobs([Job(k, where, (k,)) for k in "ab"], seconds=seconds)
    assert sorted(seconds) == ["a", "b"] and all(s >= 0 for s in seconds.values())
