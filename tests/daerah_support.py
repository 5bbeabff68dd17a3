"""A configured daerah for tests of exports written before the first-run setup existed (issue 17):
a new install names no daerah, so these tests see the sample data's fictional daerah, as an
install that has loaded the sample data does."""

from __future__ import annotations

import dataclasses

import pytest

from core import settings as settings_mod

# The daerah fields that named the fictional kabupaten by default before issue 17.
OLD_DEFAULTS = {k: settings_mod.DEMO_DAERAH[k] for k in ("nama_daerah", "kop_1", "tempat")}


@pytest.fixture
def demo_daerah(monkeypatch):
    """Settings that leave ``nama_daerah``, ``kop_1`` or ``tempat`` empty read the sample data's
    (the defaults these tests were written against); what a test saves still wins."""
    own = settings_mod.load_own

    def load_own(store):
        s = own(store)
        return dataclasses.replace(s, **{k: v for k, v in OLD_DEFAULTS.items() if not getattr(s, k)})

    monkeypatch.setattr(settings_mod, "load_own", load_own)
