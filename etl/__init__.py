"""Pantau ETL: read -> normalise -> validate -> load.

Run ``python -m etl --help`` for the command-line interface.
"""
