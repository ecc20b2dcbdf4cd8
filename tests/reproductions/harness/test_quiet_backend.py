"""`harness.quiet_backend`: a process of the suite starts Keras without
TensorFlow's start-up notices, and without hiding anything else."""

import pathlib
import subprocess
import sys

from harness.quiet_backend import without_start_up_notices

ROOT = pathlib.Path(__file__).resolve().parents[3]

# As TensorFlow 2.21's CUDA build prints them on a machine without a GPU.
NOTICES = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796399431.497877   19194 port.cc:153] oneDNN custom operations are on. \
You may see slightly different numerical results due to floating-point round-off \
errors from different computation orders. To turn them off, set the environment \
variable `TF_ENABLE_ONEDNN_OPTS=0`.
I0000 00:00:1796399431.498196   19194 cudart_stub.cc:31] Could not find cuda drivers \
on your machine, GPU will not be used.
I0000 00:00:1796399519.355876   21902 cpu_feature_guard.cc:227] This TensorFlow binary \
is optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild \
TensorFlow with the appropriate compiler flags.
E0000 00:00:1796399435.044199   19194 cuda_platform.cc:52] failed call to cuInit: \
INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)
"""


def test_only_the_start_up_notices_are_dropped():
    other = ("E0000 00:00:1796399435.044199   19194 some_op.cc:12] a real error\n"
             "Traceback (most recent call last):\n")
    assert without_start_up_notices(NOTICES) == ""
    assert without_start_up_notices(NOTICES + other) == other
    assert without_start_up_notices(other + NOTICES) == other


def test_a_process_starts_keras_with_nothing_on_stderr():
    code = ("import sys\n"
            "from harness.quiet_backend import start_backend_quietly\n"
            "start_backend_quietly()\n"
            "import keras\n"
            "keras.ops.convert_to_numpy(keras.ops.ones(3))\n"
            "print('after the start', file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=120, cwd=ROOT / "reproductions")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "after the start\n"
