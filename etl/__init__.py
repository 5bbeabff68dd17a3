"""Pantau ETL: read -> normalise -> validate -> load.

The command line is :mod:`cli` (``python -m cli --help``; ``python -m etl`` is an alias).
"""
