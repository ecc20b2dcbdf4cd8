"""The Keras backend started without TensorFlow's start-up notices.

Every process of the suite (a script, and each worker it spawns) imports
Keras, and with it TensorFlow, whose C++ start-up prints lines that
`TF_CPP_MIN_LOG_LEVEL` cannot hold back, as they come before TensorFlow
initializes its logging: that logging is not initialized yet, that oneDNN is
on, that no CUDA driver was found, and, on a machine without a GPU, an
`E0000 ... failed call to cuInit` *error*. A user reads the last as a
failure. None says anything about the run (the environment is recorded in
`metadata.json`), so they are dropped here, and only they: anything else the
start-up prints reaches stderr as it was.
"""

import os
import re
import sys
import tempfile

# The start-up notices dropped, by what they say.
START_UP_NOTICES = re.compile(
    r"All log messages before absl::InitializeLog\(\) is called"
    r"|port\.cc:\d+\] oneDNN custom operations are on"
    r"|cudart_stub\.cc:\d+\] Could not find cuda drivers"
    r"|cuda_platform\.cc:\d+\] failed call to cuInit"
    r"|cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized"
    r"|^To enable the following instructions:.*rebuild TensorFlow")


def start_backend_quietly():
    """Imports Keras and starts its backend with the start-up notices dropped.

    Call it before the first `import keras` of a process. Standard error is
    redirected to a file while TensorFlow loads and looks for GPUs (where
    CUDA reports its absence), then restored; what TensorFlow printed goes
    on to stderr, less the notices of `START_UP_NOTICES`. TensorFlow's
    runtime is not started (its thread counts can still be set).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import keras

            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                tf.config.list_physical_devices("GPU")  # CUDA looks, here
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        printed = captured.read().decode(errors="replace")
    sys.stderr.write(without_start_up_notices(printed))
    sys.stderr.flush()


def without_start_up_notices(text):
    """`text` less its lines that are start-up notices."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not START_UP_NOTICES.search(line))
