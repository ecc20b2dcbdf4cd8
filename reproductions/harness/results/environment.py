"""What a results folder records about the machine and the libraries."""

import os
import platform
import sys
from importlib import metadata

LIBRARIES = ("kreg", "keras", "tensorflow", "numpy", "pandas", "matplotlib",
             "scikit-learn", "mlxtend", "jax", "torch")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def library_versions(names=LIBRARIES):
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def environment():
    import keras

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu_name(),
        "cpu_count": os.cpu_count(),
        "keras_backend": keras.backend.backend(),
        "libraries": library_versions(),
    }
