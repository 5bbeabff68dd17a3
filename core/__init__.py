"""Computations shared by pages, exports and the CLI (one formula, one function)."""
