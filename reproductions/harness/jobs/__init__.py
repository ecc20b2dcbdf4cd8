"""The suite's one way to run work: every independent training is a `Job`,
run by `run_jobs` in this process, in local worker processes, or on a Dask
cluster (`--scheduler`).

- `job`: the `Job` (a key, a module-level function, its arguments, the
  environment of its process), how its function travels to a worker by
  name, and a worker's environment of one thread or more (`threads_env`)
  and how many such workers the cores hold (`workers_for`);
- `local`: this process and fresh local worker processes;
- `cluster`: a Dask distributed cluster, through its scheduler's address;
- `runner`: `run_jobs`, which hands jobs to one or the other, times each,
  and turns a worker's death into one clear error (`JobsFailed`).
"""

from harness.jobs.job import ONE_THREAD, Job, default_workers, threads_env, workers_for
from harness.jobs.runner import JobsFailed, run_jobs
