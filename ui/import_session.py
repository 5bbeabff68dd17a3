"""The uploads of the Impor page between reruns: each file is analysed once per (bytes, hints)
and the analyses shown in the preview are the ones saved.

Streamlit reruns the page on every click; without this the page analysed every upload again on
each rerun and once more on save. :class:`ImportSession` lives in ``st.session_state`` (plain
Python, tested without Streamlit) and keeps:

- every upload analysed against the master list of the database, keyed by
  (sha256 of the bytes, file name, OPD hint, period hint, unit hint);
- for a batch with a DPA (or a Perjanjian Kinerja workbook) in it, the other files analysed
  once more against the master list as it will be after that file is loaded (the preview
  matches reports against the OPDs of a DPA uploaded beside them), keyed also by those files.

Everything is forgotten when the database changes (:meth:`db.store.Store.data_version`) or
another user signs in, and after a save. Saving commits the kept analyses: DPA and targets
files first; when one of them was loaded, the other files are analysed once more against the
new master list of the database, as the whole batch is matched against what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from core.access import User
from db.store import Store
from etl import pipeline
from etl.mapping import Mapping
from etl.pipeline import FileAnalysis, Master, Upload

Progress = Callable[[int, int, str], object]
MASTER_KINDS = ("dpa", "targets")  # files that change the master list the other files are matched against


def mapping_key(mapping: Mapping | None) -> tuple | None:
    """A confirmed column mapping as a hashable value (``None``: none)."""
    if mapping is None:
        return None
    return (mapping.sheet, tuple(mapping.header_rows), tuple(sorted(mapping.fields.items())))


def upload_key(upload: Upload) -> tuple:
    """What an analysis depends on besides the master list: the bytes, the file name (it may
    name the OPD and period), the user's hints, the column mapping the user confirmed and the
    kabupaten/kota the file is said to be from (a province install)."""
    return (
        upload.sha256,
        upload.name,
        upload.opd,
        upload.period,
        upload.unit,
        mapping_key(upload.mapping),
        upload.wilayah,
    )


def _analyse(upload: Upload, master: Master) -> FileAnalysis:
    return pipeline.analyse(
        upload.name,
        upload.data,
        master,
        opd=upload.opd,
        period=upload.period,
        unit=upload.unit,
        mapping=upload.mapping,
        wilayah=upload.wilayah,
    )


def _changes_master(analysis: FileAnalysis) -> bool:
    return analysis.kind in MASTER_KINDS and not analysis.rejected


class ImportSession:
    """The analyses of one browser session's uploads, kept until they are saved."""

    def __init__(self) -> None:
        self._context: Hashable = None
        self._plain: dict[tuple, FileAnalysis] = {}  # upload key -> analysis against the stored master
        self._merged: dict[tuple, FileAnalysis] = {}  # (upload key, master files' keys) -> analysis
        self._shown: list[tuple[Upload, FileAnalysis]] = []
        # after :meth:`save`: (upload, the analysis committed, its result rows) per committed file
        self.saved: list[tuple[Upload, FileAnalysis, list[dict]]] = []

    def analyses(
        self,
        uploads: list[Upload],
        master: Master,
        scope: User | None,
        context: Hashable,
        progress: Progress | None = None,
    ) -> list[FileAnalysis]:
        """The analysis of every upload, in input order, for the preview; only uploads (or
        hints) not seen before are analysed. ``master`` is the stored master list and
        ``context`` what it was read at (the database's data version): a new context starts
        afresh. ``scope`` is the signed-in user whose limits apply (see
        :func:`etl.pipeline.enforce_scope`). ``progress(done, total, name)`` after each file
        analysed."""
        context = (context, scope)
        if context != self._context:
            self.clear()
            self._context = context
        keys = [upload_key(u) for u in uploads]
        merging = scope is None or scope.is_admin  # an OPD user loads no DPA: its files never change the master
        todo = list({k: u for u, k in zip(uploads, keys) if k not in self._plain}.values())
        done = 0

        def analysed(upload: Upload, against: Master, total: int) -> FileAnalysis:
            nonlocal done
            analysis = _analyse(upload, against)
            pipeline.enforce_scope([analysis], scope, against)
            done += 1
            if progress:
                progress(done, total, upload.name)
            return analysis

        for u in todo:
            self._plain[upload_key(u)] = analysed(u, master, len(todo))
        plain = [self._plain[k] for k in keys]
        masters = tuple(k for k, a in zip(keys, plain) if merging and _changes_master(a))
        out = plain
        if masters:
            merged = pipeline.preview_master(master, [a for a in plain if _changes_master(a)])
            others = {
                (k, masters): u
                for u, k, a in zip(uploads, keys, plain)
                if a.kind not in MASTER_KINDS and (k, masters) not in self._merged
            }
            total = len(todo) + len(others)
            for key, u in others.items():
                self._merged[key] = analysed(u, merged, total)
            out = [a if a.kind in MASTER_KINDS else self._merged[(k, masters)] for k, a in zip(keys, plain)]
        self._forget_all_but(set(keys))
        self._shown = list(zip(uploads, out))
        return out

    def _forget_all_but(self, keys: set[tuple]) -> None:
        """Drop the analyses of files no longer uploaded (removed, or their hints changed)."""
        self._plain = {k: a for k, a in self._plain.items() if k in keys}
        self._merged = {k: a for k, a in self._merged.items() if k[0] in keys and set(k[1]) <= keys}

    def clear(self) -> None:
        """Forget every analysis."""
        self._context = None
        self._plain.clear()
        self._merged.clear()
        self._shown = []

    def save(
        self,
        store: Store,
        user: str,
        scope: User | None,
        progress: Progress | None = None,
        skip: set[int] | frozenset[int] = frozenset(),
    ) -> list[list[dict]]:
        """Commit the files the last :meth:`analyses` showed as acceptable, except the positions
        (in that preview's order) in ``skip`` (a conflict the user did not settle for them, a
        mapping not confirmed), then forget every analysis. DPA and targets files are committed
        first; when one was loaded, the other files are analysed again against the new stored
        master list. Returns :func:`etl.pipeline.result_rows` per committed file, in the
        preview's order (also kept with its upload and analysis in :attr:`saved`).
        ``progress(done, total, name)`` after each file committed."""
        shown = [(u, a) for pos, (u, a) in enumerate(self._shown) if not a.rejected and pos not in skip]
        total = len(shown)
        out: dict[int, list[dict]] = {}
        first = [i for i, (_, a) in enumerate(shown) if a.kind in MASTER_KINDS]
        for i in first:  # master lists first: the other files are matched against them
            out[i] = pipeline.commit(store, shown[i][1], user)
            if progress:
                progress(len(out), total, shown[i][1].name)
        rest = [i for i in range(total) if i not in out]
        analyses = [shown[i][1] for i in rest]
        if rest and any(r["status"] in ("accepted", "flagged") for i in first for r in out[i]):
            master = Master.from_store(store)
            analyses = [_analyse(shown[i][0], master) for i in rest]
            pipeline.enforce_scope(analyses, scope, master)
        committed = {i: shown[i][1] for i in first}
        for i, a, res in zip(rest, analyses, pipeline.commit_many(store, analyses, user, scope)):
            out[i] = res
            committed[i] = a
            if progress:
                progress(len(out), total, shown[i][1].name)
        self.saved = [(shown[i][0], committed[i], out[i]) for i in range(total)]
        self.clear()  # only once saved: a save that failed (database busy) may be tried again
        return [out[i] for i in range(total)]
