"""Writing reproduction results: atomic folders, tables, environment."""

from kreg.results.atomic_dir import atomic_output_dir, check_writable_parent
from kreg.results.environment import environment
from kreg.results.tables import write_table
