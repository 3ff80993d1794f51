"""Benchmark: synthetic records at any size, our search against SQLite FTS5."""
