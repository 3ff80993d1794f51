"""The query language: what a user types, read into the engine's query, with spelling and relaxation."""
