"""Loaders: pure functions from a file people have to a validated Batch. They never open the database."""
