"""Writing reproduction results: atomic folders (`atomic_dir`), tables,
metadata, reports and the one writer (`writer`). Import from the modules:
this package imports nothing, so that the light ones (`atomic_dir`) stay
light."""
