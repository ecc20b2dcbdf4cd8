"""`run_jobs`: every job run once, here, in local workers or on a cluster."""

from harness.jobs.local import run_local


class JobsFailed(RuntimeError):
    """A worker died (or a cluster lost it) while running jobs: the run
    stops, nothing is written, and the previous results stay whole."""


# Every job this process has run, `(key, seconds, where)`, until a results
# writer takes them (`take_job_log`): the jobs' own times, for metadata.json
# and the suite's benchmark, with no bookkeeping in the scripts.
_LOG = []


def take_job_log():
    """The jobs run since the last call: `{"count", "seconds", "where",
    "per_job"}` (`seconds`: their own times summed, the single-core work;
    `where`: here, local workers or the cluster's address)."""
    log, _LOG[:] = list(_LOG), []
    return {"count": len(log), "seconds": sum(s for _, s, _ in log),
            "where": sorted({w for _, _, w in log}),
            "per_job": [{"job": str(k), "seconds": s} for k, s, _ in log]}


def _no_setup():
    return None


def run_jobs(jobs, workers=1, setup=None, setup_args=(), on_result=None,
             scheduler=None, seconds=None):
    """Runs every job; returns `{key: result}`.

    Args:
        jobs: `Job`s, longest first (each group hands them out in this order
            to whichever worker is free).
        workers: the most local worker processes at once; 1 runs the jobs
            without environment overrides in this process.
        setup: a module-level function run once per worker (or once here);
            its result is every job's first argument. Default: `None` is
            passed.
        setup_args: the arguments of `setup`.
        on_result: called with `(key, result)` as each job finishes.
        scheduler: a Dask scheduler's address (`tcp://host:port`): the jobs
            go to that cluster (`harness.jobs.cluster`), but for those that
            need a process of their own, which stay local.
        seconds: an optional dict, filled with `{key: seconds}`: each job's
            own time, in the process that ran it (the benchmark's single-core
            job times).

    Raises:
        JobsFailed: a worker died while running jobs.
    """
    setup = setup or _no_setup
    jobs = list(jobs)
    results = {}

    def finished(key, result, took):
        results[key] = result
        if seconds is not None:
            seconds[key] = took
        _LOG.append((key, took, where(key)))
        if on_result is not None:
            on_result(key, result)

    def where(key):
        if scheduler and key in remote_keys:
            return scheduler
        return "here" if workers == 1 else "local workers"

    remote = [job for job in jobs if scheduler and not job.own_process]
    local = [job for job in jobs if not scheduler or job.own_process]
    remote_keys = {job.key for job in remote}
    try:
        if remote:
            from harness.jobs.cluster import run_on_cluster

            run_on_cluster(remote, scheduler, setup, setup_args, finished)
        if local:
            run_local(local, workers, setup, setup_args, finished)
    except Exception as error:
        if _is_worker_death(error):
            pending = [job.key for job in jobs if job.key not in results]
            raise JobsFailed(
                f"a worker died while running jobs ({len(pending)} of {len(jobs)} "
                f"unfinished, e.g. {pending[:3]}): {type(error).__name__}: "
                f"{error}".strip()) from error
        raise
    return results


def _is_worker_death(error):
    """A local worker process that died, or a Dask worker the cluster lost."""
    from concurrent.futures.process import BrokenProcessPool

    return (isinstance(error, BrokenProcessPool)
            or type(error).__name__ in ("KilledWorker", "CommClosedError"))
