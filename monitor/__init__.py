"""The OGP commitment monitor: core package (database, queries, metrics, exports, CLI)."""
