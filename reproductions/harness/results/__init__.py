"""Writing reproduction results: atomic folders, tables, metadata, reports."""

from harness.results.atomic_dir import atomic_output_dir, check_writable_parent
from harness.results.environment import environment
from harness.results.tables import write_table
from harness.results.writer import write_results
