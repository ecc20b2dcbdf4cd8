"""A script's run on a Dask cluster beside the same run in local workers.

Each converted script's test shows that a job's numbers do not depend on
where it trains: `cluster_and_local` runs `script.main(flags)` on a
`LocalCluster` of two one-thread workers (`--scheduler`) and in two local
one-thread workers (`--workers 2`); `assert_same_files` compares what the
two wrote, to the bit, but for the columns of seconds; `assert_jobs_ran`
checks where the jobs ran.
"""

import json

import pandas as pd
import pytest

from harness.jobs.runner import take_job_log


def cluster_and_local(script, flags, tmp_path):
    """`(on the cluster, in local workers, the scheduler's address)`: what
    `script.main` returned, its results written under `tmp_path / "remote"`
    and `tmp_path / "local"`. Skipped where Dask is not installed."""
    distributed = pytest.importorskip("distributed", reason="Dask is the cluster extra")
    take_job_log()  # jobs of earlier runs in this process that wrote nothing
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = script.main(flags + ["--out", str(tmp_path / "remote"),
                                      "--scheduler", cluster.scheduler_address])
    local = script.main(flags + ["--out", str(tmp_path / "local"), "--workers", "2"])
    return remote, local, cluster.scheduler_address


def assert_same_files(tmp_path, names, timing=("seconds",)):
    """The CSV files `names` of both runs are equal to the bit, but for the
    `timing` columns."""
    for name in names:
        remote, local = (pd.read_csv(tmp_path / where / name).drop(
            columns=list(timing), errors="ignore") for where in ("remote", "local"))
        pd.testing.assert_frame_equal(remote, local, check_exact=True)


def assert_jobs_ran(tmp_path, count, scheduler):
    """Each run's metadata counts `count` jobs, on the cluster or in local
    workers."""
    for where, ran in (("remote", [scheduler]), ("local", ["local workers"])):
        jobs = json.loads((tmp_path / where / "metadata.json").read_text())["jobs"]
        assert jobs["count"] == count and jobs["where"] == ran
