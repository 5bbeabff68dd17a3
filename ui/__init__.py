"""Shared presentation helpers (formatting, widgets)."""
