"""Command-line plumbing of the reproduction scripts."""
