"""Demonstration data: 150 organizations from public evaluation reports (see README.md)."""
