"""Write a results folder all at once, or not at all."""

import contextlib
import os
import shutil
import tempfile


def check_writable_parent(path):
    """Raises `PermissionError` naming `path` unless a results folder can
    really be written there.

    It does what `atomic_output_dir` will do, not a guess from permission
    bits (which say "writable" for root even under `/proc`): it makes, then
    removes, a temporary folder in the nearest existing ancestor of `path`'s
    parent. `path` itself may exist only as a folder.
    """
    path = os.path.abspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise PermissionError(f"Cannot write results to {path}: it is a file")
    existing = os.path.dirname(path)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise PermissionError(
            f"Cannot write results to {path}: {existing} is a file, not a folder"
        )
    try:
        probe = tempfile.mkdtemp(prefix=".write-test-", dir=existing)
    except OSError as e:
        raise PermissionError(
            f"Cannot write results to {path}: cannot create a folder in "
            f"{existing} ({e.strerror or e})"
        ) from None
    os.rmdir(probe)


@contextlib.contextmanager
def atomic_output_dir(path):
    """Yields a fresh temporary folder that replaces `path` on success.

    Everything is written into a sibling temporary folder; only when the
    block finishes without an exception is the old `path` moved aside and the
    new folder renamed into its place (renames on one file system). If that
    swap fails, the old folder is moved back. An interrupted or failing run
    leaves the previous results whole and no temporary folder.

    Example:

    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "results")
    >>> with atomic_output_dir(out) as folder:
    ...     with open(os.path.join(folder, "table.csv"), "w") as f:
    ...         _ = f.write("a,b\\n")
    >>> os.listdir(out)
    ['table.csv']
    """
    path = os.path.abspath(path)
    check_writable_parent(path)
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    name = os.path.basename(path)
    tmp = tempfile.mkdtemp(prefix=f"{name}.tmp-", dir=parent)
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        holder = tempfile.mkdtemp(prefix=f"{name}.old-", dir=parent)
        old = os.path.join(holder, name)
        had_old = os.path.exists(path)
        if had_old:
            os.rename(path, old)
        try:
            os.rename(tmp, path)
        except BaseException:
            if had_old:
                os.rename(old, path)
            raise
        finally:
            shutil.rmtree(holder, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
