"""`harness.jobs.cluster`, through `run_jobs(scheduler=...)`: the same jobs
on a Dask cluster, the data set up once per worker, the same numbers."""

import os

import numpy as np
import pytest

from harness.jobs import ONE_THREAD, Job, run_jobs

distributed = pytest.importorskip("distributed", reason="Dask is the cluster extra")

SETUPS = []


def setup_here(value):
    """What a worker builds once: stands for the data."""
    return {"value": value, "pid": os.getpid(), "id": os.urandom(4).hex()}


def draw(setup_result, seed):
    """A job: where it ran, what it saw, and numbers from its seed."""
    return {"pid": os.getpid(), "setup": setup_result,
            "threads": os.environ.get("OMP_NUM_THREADS"),
            "numbers": np.random.default_rng(seed).normal(size=3).tolist()}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_jobs_on_a_cluster_set_up_once_per_worker(cluster):
    jobs = [Job(seed, draw, (seed,), env=ONE_THREAD) for seed in range(8)]
    remote = run_jobs(jobs, setup=setup_here, setup_args=(7,), scheduler=cluster)
    assert sorted(remote) == list(range(8))
    workers = {r["pid"] for r in remote.values()}
    assert os.getpid() not in workers and 1 <= len(workers) <= 2
    # One setup per worker, in that worker, shared by all its jobs.
    setups = {r["setup"]["id"] for r in remote.values()}
    assert len(setups) == len(workers)
    for r in remote.values():
        assert r["setup"]["pid"] == r["pid"] and r["setup"]["value"] == 7
        assert r["threads"] == "1"  # the jobs' environment, set before use
    here = run_jobs(jobs, setup=setup_here, setup_args=(7,))
    assert {k: r["numbers"] for k, r in remote.items()} == {
        k: r["numbers"] for k, r in here.items()}


def test_jobs_that_need_their_own_process_stay_local(cluster):
    env = {"KREG_TEST_MARKER": "alone"}
    results = run_jobs([Job("x", draw, (1,), env=env, own_process=True)],
                       scheduler=cluster)
    assert results["x"]["pid"] != os.getpid()
