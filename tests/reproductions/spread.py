"""Measure how much a short run's golden numbers move when the floating
point is perturbed the way another CPU perturbs it, and derive tolerances.

Run, from the project's root:
    PYTHONPATH=reproductions python -m tests.reproductions.spread \
        test_mnist_weight_images [more ...]

For each test module named, its `golden_values()` (the short run of the
numeric golden) is computed in fresh processes under:

- `default`: this machine as it is;
- `onednn_off`: `TF_ENABLE_ONEDNN_OPTS=0` (other matmul and convolution
  kernels, as on a CPU where oneDNN takes other paths);
- `one_thread`: one intra-op and one inter-op thread (other reduction
  orders);
- `onednn_off_one_thread`: both;
- `onednn_avx2`, `onednn_sse41`: oneDNN's kernels for a narrower
  instruction set (`ONEDNN_MAX_CPU_ISA`), as on a CPU where it dispatches
  to other kernels (the Intel/AMD difference that moved a golden before);
- `xla_avx2`, `xla_sse4`: XLA code generated for a narrower instruction set
  (`--xla_cpu_max_isa`), i.e. other vector widths and summation orders, as
  on a CPU without AVX-512.

The largest deviation of each number from `default` is its spread. Those
conditions imitate another CPU on this one, which does not catch everything
(a real AVX2-only CPU moved numbers none of them moved): with
`--machine LABEL`, the tool instead runs each module once, as it is, on the
machine at hand and widens the stored spread to each number's deviation
there from the stored value, if that is larger. The values stay; the label is
recorded beside the conditions. The tolerance written into the golden is
`max(resolution, 3 * spread)`, where
`resolution(key)` of the test module is the quantity's own grain (one test
digit of an accuracy, ...). The spread, the conditions and the rule are
stored beside the values in `goldens/<name>.json`, so every tolerance says
where it comes from. Goldens change only on request: this tool is the
request.
"""

import importlib
import json
import os
import subprocess
import sys

from tests.reproductions.goldens import GOLDEN_DIR

CONDITIONS = {
    "default": {},
    "onednn_off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "one_thread": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"},
    "onednn_off_one_thread": {"TF_ENABLE_ONEDNN_OPTS": "0",
                              "TF_NUM_INTRAOP_THREADS": "1",
                              "TF_NUM_INTEROP_THREADS": "1"},
    # XLA compiles for the host's instruction set; a CPU with narrower
    # vectors sums in another order.
    "onednn_avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2"},
    "onednn_sse41": {"ONEDNN_MAX_CPU_ISA": "SSE41"},
    "xla_avx2": {"XLA_FLAGS": "--xla_cpu_max_isa=AVX2"},
    "xla_sse4": {"XLA_FLAGS": "--xla_cpu_max_isa=SSE4_2"},
}
SAFETY = 3


def values_in_subprocess(module, environment):
    code = (f"import json; from tests.reproductions import {module} as m; "
            "print('@@' + json.dumps(m.golden_values()))")
    env = {**os.environ, **environment, "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": os.pathsep.join(["reproductions", "."])}
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(next(line for line in out.splitlines()
                           if line.startswith("@@"))[2:])


def derivation(machines):
    text = (f"tolerance = max(resolution, {SAFETY} x spread); spread = largest "
            f"deviation from 'default' over the conditions {list(CONDITIONS)}")
    if machines:
        text += f" and from the values measured on the machines {machines}"
    return text + " (tests/reproductions/spread.py)"


def measure(module, rederive=False, machine=None):
    """Measures the spread (or, with `rederive`, takes the stored one; with
    `machine`, widens the stored one to this machine's deviations) and writes
    the golden with its derived tolerances."""
    test = importlib.import_module(f"tests.reproductions.{module}")
    path = GOLDEN_DIR / f"{test.GOLDEN}.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    machines = stored.get("machines", [])
    if rederive:
        default, spread = stored["values"], stored["spread"]
    elif machine:
        default, spread = stored["values"], dict(stored["spread"])
        here = values_in_subprocess(module, {})
        for key, value in default.items():
            spread[key] = max(spread[key], abs(here[key] - value))
        machines = sorted({*machines, machine})
    else:
        machines = []
        runs = {name: values_in_subprocess(module, env)
                for name, env in CONDITIONS.items()}
        default = runs["default"]
        spread = {key: max(abs(run[key] - value) for run in runs.values())
                  for key, value in default.items()}
    tolerance = {key: max(test.resolution(key), SAFETY * spread[key])
                 for key in default}
    golden = {
        "values": default,
        "tolerance": tolerance,
        "spread": spread,
        "machines": machines,
        "derivation": derivation(machines),
    }
    path.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n")
    moved = sum(1 for s in spread.values() if s > 0)
    print(f"{module}: {len(spread)} numbers, {moved} moved; largest spread "
          f"{max(spread.values()):.3g}; written to {path}")


if __name__ == "__main__":
    # `--rederive`: keep the measured spread, derive the tolerances again
    # (after a change of a module's `resolution`). `--machine LABEL`: widen
    # the spread to this machine's deviations (see the module docstring).
    args = sys.argv[1:]
    rederive = "--rederive" in args
    machine = None
    if "--machine" in args:
        at = args.index("--machine")
        machine = args[at + 1]
        del args[at:at + 2]
    for name in args:
        if name != "--rederive":
            measure(name, rederive, machine)
