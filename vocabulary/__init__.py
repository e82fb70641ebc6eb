"""The monitor's vocabulary: published scales, status words, their order and colours.

The lowest layer: it imports nothing of the project, and loaders, the writer, the queries and the
pages all read their words from here (docs/architecture.md).
"""
