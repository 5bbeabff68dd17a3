"""Database package: the one module (:mod:`db.store`) that owns the connection and every query."""
