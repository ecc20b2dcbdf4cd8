"""`harness.cli.section_jobs`: a script's sections, their jobs in stages."""

import argparse

import pytest

from harness.cli import section_jobs
from harness.cli.section_jobs import run_sections
from harness.jobs import ONE_THREAD, default_workers


def scaled(data, value):
    """A job: `value` times the data's factor, and what it saw."""
    return {"value": value * data["factor"], "data": data}


def load(factor):
    return {"factor": factor, "loaded": True}


def grid(order):
    """A section: three jobs, then one that needs their results (the best)."""
    done = yield [(("grid", v), v, scaled, (v,)) for v in (1, 3, 2)]
    order.append(("grid", sorted(done)))
    best = max(done[("grid", v)]["value"] for v in (1, 3, 2))
    done = yield [(("grid", "best"), 1, scaled, (best,))]
    order.append(("grid again", sorted(done)))
    return done[("grid", "best")]["value"]


def single(order):
    """A section of one stage."""
    done = yield [(("single",), 10, scaled, (5,))]
    order.append(("single", sorted(done)))
    return done[("single",)]["value"]


def command_line(workers=None, scheduler=None):
    return argparse.Namespace(workers=workers, scheduler=scheduler)


def test_stages_run_in_order_each_on_the_earlier_ones_results():
    order = []
    args = command_line(workers=1)
    results, seconds = run_sections(
        {"grid": grid(order), "single": single(order)}, args, {"factor": 10},
        load, (2,), ONE_THREAD)
    # The later stage trains on the best of the first: 3 x 10, then x 10.
    assert results == {"grid": 300, "single": 50}
    assert list(results) == ["grid", "single"]
    # Both sections' first stages trained together, and were sent back
    # together; the second stage alone.
    first = sorted([("grid", 1), ("grid", 2), ("grid", 3), ("single",)])
    assert order == [("grid", first), ("single", first),
                     ("grid again", [("grid", "best")])]
    assert set(seconds) == {"grid", "single"}
    assert all(s >= 0 for s in seconds.values())


def test_the_costliest_jobs_go_first_and_seconds_add_up_by_section(monkeypatch):
    calls = []

    def recording_run_jobs(jobs, workers, setup, setup_args, on_result, scheduler,
                           seconds):
        calls.append({"keys": [job.key for job in jobs], "workers": workers,
                      "envs": [dict(job.env) for job in jobs], "setup": setup,
                      "setup_args": setup_args, "scheduler": scheduler})
        data = setup(*setup_args)
        done = {}
        for job in jobs:
            done[job.key] = job.function(data, *job.args)
            seconds[job.key] = 1.5
            on_result(job.key, done[job.key])
        return done

    monkeypatch.setattr(section_jobs, "run_jobs", recording_run_jobs)
    args = command_line()
    results, seconds = run_sections({"grid": grid([]), "single": single([])},
                                    args, {"factor": 10}, load, (2,), ONE_THREAD)
    assert [call["keys"] for call in calls] == [
        [("single",), ("grid", 3), ("grid", 2), ("grid", 1)], [("grid", "best")]]
    assert seconds == {"grid": 4 * 1.5, "single": 1.5}
    # The default: one worker per core, no more than the first stage's jobs,
    # each worker of the given environment, loading the data itself.
    assert args.workers == default_workers(4)
    assert [call["workers"] for call in calls] == [args.workers] * 2
    factor = 10 if args.workers == 1 else 2  # this process's data, or loaded
    assert results == {"grid": 3 * factor * factor, "single": 5 * factor}
    if args.workers > 1:
        assert all(env == ONE_THREAD for call in calls for env in call["envs"])
        assert calls[0]["setup"] is load and calls[0]["setup_args"] == (2,)


@pytest.mark.parametrize("workers, scheduler, here", [
    (1, None, True), (2, None, False), (1, "tcp://somewhere:8786", False)])
def test_one_worker_and_no_scheduler_train_here(monkeypatch, workers, scheduler,
                                                 here):
    seen = {}

    def recording_run_jobs(jobs, workers, setup, setup_args, on_result, scheduler,
                           seconds):
        seen.update(envs={tuple(job.env.items()) for job in jobs},
                    data=setup(*setup_args), workers=workers, scheduler=scheduler)
        return {job.key: job.function(seen["data"], *job.args) for job in jobs}

    monkeypatch.setattr(section_jobs, "run_jobs", recording_run_jobs)
    given = {"factor": 10}
    results, _ = run_sections({"single": single([])},
                              command_line(workers, scheduler), given, load, (2,),
                              ONE_THREAD)
    assert seen["workers"] == workers and seen["scheduler"] == scheduler
    if here:  # this process's data and threads
        assert seen["data"] is given and seen["envs"] == {()}
        assert results == {"single": 50}
    else:  # each worker loads the data, in the environment given
        assert seen["data"] == {"factor": 2, "loaded": True}
        assert seen["envs"] == {tuple(ONE_THREAD.items())}
        assert results == {"single": 10}
