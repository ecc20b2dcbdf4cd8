"""Write a results folder all at once, or not at all."""

import contextlib
import os
import shutil
import tempfile


def check_writable_parent(path):
    """Raises `PermissionError` naming `path` when its folder cannot be made."""
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(
            f"Cannot write results to {path}: {parent} is not a writable folder"
        )
    if os.path.exists(path) and not os.path.isdir(path):
        raise PermissionError(f"Cannot write results to {path}: it is a file")


@contextlib.contextmanager
def atomic_output_dir(path):
    """Yields a fresh temporary folder that replaces `path` on success.

    Everything is written into a sibling temporary folder; only when the
    block finishes without an exception is the old `path` swapped out for it
    (two renames on the same file system) and removed. An interrupted or
    failing run leaves the previous results whole and no temporary folder.

    Example:

    >>> with atomic_output_dir("results/mnist_weight_images") as tmp:
    ...     write_everything_into(tmp)
    """
    path = os.path.abspath(path)
    check_writable_parent(path)
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    name = os.path.basename(path)
    tmp = tempfile.mkdtemp(prefix=f"{name}.tmp-", dir=parent)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if os.path.exists(path):
        old = tempfile.mkdtemp(prefix=f"{name}.old-", dir=parent)
        os.rmdir(old)
        os.rename(path, old)
    os.rename(tmp, path)
    os.chmod(path, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
