"""Machinery shared by the scripts in `reproductions/`."""
