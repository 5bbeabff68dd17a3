"""Pantau on the command line: ``python -m cli --help`` (``python -m etl`` is an alias)."""
