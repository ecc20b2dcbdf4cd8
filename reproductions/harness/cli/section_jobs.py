"""A script's sections, whose trainings run as jobs (`harness.jobs`), in
stages.

A section is a generator. It yields a stage, a list of jobs `(key, cost,
function, arguments)`, and is sent back their results, `{key: result}`; a
training that needs others' results (a model chosen on their validation
scores, say) it yields in a later stage, after them; what it returns is the
section's result. At each step the stages of every section still running
train together, in one `run_jobs` call, the costliest first: the sections'
independent trainings share the workers.

Where they train follows the script's `--workers` and `--scheduler`: with
one worker and no scheduler, here, one after the other, on the data already
loaded (with this process's threads); otherwise in local workers of the
given environment (`ONE_THREAD`, say), or on the Dask cluster, each worker
loading the data once.
"""

import sys

from harness.jobs import Job, default_workers, run_jobs


def run_sections(sections, args, data, load, load_args, env):
    """Runs the jobs of a script's sections, stage by stage.

    Args:
        sections: `{name: generator}`, each a section as above. A job's
            `function(data, *arguments)` is a module-level function; its key
            is unique among the jobs of all sections.
        args: the script's command line: `args.workers` (`None`: one worker
            per core, no more than the first stage has jobs; the number is
            set here, so that the metadata records it) and `args.scheduler`.
        data: the jobs' data in this process.
        load: a module-level function returning the data in a worker, called
            there once as `load(*load_args)`.
        load_args: its arguments.
        env: the environment of a worker process.

    Returns:
        `({name: the section's result}, {name: its jobs' own seconds,
        summed})`, in the order of `sections`.
    """
    from tqdm import tqdm

    stages, results = {}, {}
    seconds = dict.fromkeys(sections, 0.0)

    def advance(name, done):
        try:
            stages[name] = sections[name].send(done)
        except StopIteration as end:
            stages.pop(name, None)
            results[name] = end.value

    for name in sections:
        advance(name, None)
    with tqdm(total=0, desc="jobs", unit="job", file=sys.stdout, mininterval=2.0,
              dynamic_ncols=True) as bar:
        while stages:
            owner = {job[0]: name for name, stage in stages.items() for job in stage}
            jobs = sorted((job for stage in stages.values() for job in stage),
                          key=lambda job: -job[1])
            args.workers = args.workers or default_workers(len(jobs))
            here = args.workers == 1 and not args.scheduler
            bar.total += len(jobs)
            took = {}
            done = run_jobs(
                [Job(key, function, tuple(arguments), {} if here else env)
                 for key, _, function, arguments in jobs], args.workers,
                *(((lambda: data), ()) if here else (load, tuple(load_args))),
                on_result=lambda *_: bar.update(1), scheduler=args.scheduler,
                seconds=took)
            for key, job_seconds in took.items():
                seconds[owner[key]] += job_seconds
            for name in list(stages):
                advance(name, done)
    return {name: results[name] for name in sections}, seconds
