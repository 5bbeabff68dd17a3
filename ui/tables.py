"""Display and export shapes of the tables (same numbers, two presentations): the export keeps
numbers for Excel; the screen shape is Indonesian text sized to fit an office laptop (1366 px
with the sidebar open) - the key columns (name, lampu, pagu, serapan, fisik, deviasi) first,
money compact (``Rp 1,23 M``; the full value in the Excel download), numbers right-aligned,
a JUMLAH row where the print-ready Excel has one - and, for a phone, OPD cards."""

from __future__ import annotations

import html
from typing import NamedTuple

import pandas as pd
import streamlit as st

from core.format import number, percent, points, rupiah, rupiah_compact
from core.metrics import traffic_light
from core.recap import kabupaten_totals
from core.recap import target_serapan as recap_target_serapan

from .charts import LIGHT_DOT, LIGHT_LABEL, ranking_rows
from .safe import md_escape


def recap_export(recap: pd.DataFrame, name: str = "opd", label: str = "OPD") -> pd.DataFrame:
    """Recap with Indonesian headers and numeric values (for Excel): per OPD (:func:`core.recap.recap_opd`)
    or per kabupaten/kota (:func:`core.wilayah.wilayah_recap`: ``name="wilayah"``, with the
    count of OPDs that reported)."""
    counts = (
        {"OPD Melapor": recap["opd_reported"].astype(int), "Jumlah OPD": recap["opd_total"].astype(int)}
        if "opd_total" in recap
        else {}
    )
    return pd.DataFrame(
        {
            label: recap[name],
            **counts,
            "Jumlah Sub Kegiatan": recap["sub_kegiatan"].astype(int),
            "Pagu (Rp)": recap["pagu"],
            "Realisasi Keuangan (Rp)": recap["realisasi_keuangan"],
            "Keuangan (%)": recap["keuangan_pct"].round(2),
            "Fisik (%)": recap["fisik_pct"].round(2),
            "Target Fisik (%)": recap["target_fisik_pct"].round(2),
            "Deviasi (poin)": recap["deviasi"].round(2),
            "Pagu Fisik (Rp)": recap["fisik_pagu"],
            "Pagu Non Fisik (Rp)": recap["non_fisik_pagu"],
            "Status": recap["reported"].map({True: "Sudah lapor", False: "Belum lapor"}),
        }
    )


def with_lights(df: pd.DataFrame, target_serapan: float, kuning: float, merah: float) -> pd.DataFrame:
    """Add the traffic light (``lampu``: hijau/kuning/merah/None) of each row (DESIGN §5); the
    absorption target is the anggaran kas where the rows have one, else ``target_serapan``."""
    targets = recap_target_serapan(df, target_serapan)
    return df.assign(
        lampu=[traffic_light(d, k, t, kuning, merah) for d, k, t in zip(df["deviasi"], df["keuangan_pct"], targets)]
    )


def level_export(df: pd.DataFrame, code: str | None, name: str, name_label: str) -> pd.DataFrame:
    """A rollup (or leaf) table with Indonesian headers and numbers kept as numbers (for Excel)."""
    out = {}
    if code:
        out["Kode"] = df[code]
    out[name_label] = df[name]
    if "sub_kegiatan" in df:
        out["Jumlah Sub Kegiatan"] = df["sub_kegiatan"]
    fis = "fisik_pct" if "fisik_pct" in df else "realisasi_fisik"
    tgt = "target_fisik_pct" if "target_fisik_pct" in df else "target_fisik"
    out.update(
        {
            "Pagu (Rp)": df["pagu"],
            "Realisasi Keuangan (Rp)": df["realisasi_keuangan"],
            "Keuangan (%)": df["keuangan_pct"].round(2),
            "Target Fisik (%)": df[tgt].round(2),
            "Realisasi Fisik (%)": df[fis].round(2),
            "Deviasi (poin)": df["deviasi"].round(2),
        }
    )
    if "lampu" in df:
        out["Status"] = df["lampu"].map(lambda v: LIGHT_LABEL.get(v, "-"))
    return pd.DataFrame(out).reset_index(drop=True)


# ---------------------------------------------------------------------------- screen shapes (issue 17)
class Screen(NamedTuple):
    """A table for ``st.dataframe``: the frame (text), its ``column_config`` and ``column_order``
    (``None``: every column, in the frame's order)."""

    frame: pd.DataFrame
    config: dict
    order: list[str] | None = None

    @property
    def data(self) -> pd.DataFrame:
        """The table's frame (a Styler's data when the frame is styled)."""
        return self.frame.data if hasattr(self.frame, "data") else self.frame  # a Styler has .data

    def show(self, **kwargs):
        """``st.dataframe`` of this table (full width, no index), tall enough for every row up to
        :data:`FULL_ROWS` rows (a JUMLAH row last must not hide below the fold); returns its event."""
        rows = len(self.data)
        kwargs.setdefault("height", ROW_PX * (rows + 1) + 3 if rows <= FULL_ROWS else "auto")
        return st.dataframe(
            self.frame,
            hide_index=True,
            width="stretch",
            column_config=self.config,
            column_order=self.order,
            **kwargs,
        )


ROW_PX = 35  # a data grid row (and the header) in pixels
FULL_ROWS = 60  # drawn whole up to this many rows (a kabupaten has 30-50 OPDs), no scroll bar of its own


# Column widths in pixels (at 14 px type; the grid shares out what is left over). The sums stay
# under ~880 px: what a 1366 px screen leaves for a table beside the open sidebar.
W_NAME, W_LIGHT, W_MONEY, W_PCT, W_COUNT = 280, 104, 86, 70, 64
MONEY_HELP = "Dibulatkan (jt = juta, M = miliar, T = triliun); nilai lengkap dalam rupiah ada di unduhan Excel."
JUMLAH = "JUMLAH"
NOT_REPORTED = "⚪ Belum lapor"


def _text(label: str, width: int, help: str | None = None, right: bool = False):
    return st.column_config.TextColumn(label, width=width, help=help, alignment="right" if right else None)


def money_column(label: str, help: str | None = None, width: int = W_MONEY):
    """A right-aligned column of compact Rupiah text; its header's tooltip says where the full value is."""
    return _text(label, width, f"{help} {MONEY_HELP}" if help else MONEY_HELP, right=True)


def number_column(label: str, help: str | None = None, width: int = W_PCT):
    """A right-aligned column of formatted numbers (percent, points, counts)."""
    return _text(label, width, help, right=True)


def lampu_text(light, reported=True) -> str:
    """The traffic light with its word (``🟢 Hijau``); an OPD that has not reported: ``⚪ Belum lapor``."""
    if light is None or (isinstance(light, float) and pd.isna(light)):
        return LIGHT_DOT[None] if reported is None or bool(reported) else NOT_REPORTED
    return LIGHT_DOT.get(light, LIGHT_DOT[None])


def totals(df: pd.DataFrame) -> dict:
    """The JUMLAH of a per-OPD table: :func:`core.recap.kabupaten_totals` (the same numbers as the
    Ringkasan cards and the print-ready recap's JUMLAH row)."""
    filled = df.assign(**{c: 0.0 for c in ("fisik_pagu", "non_fisik_pagu") if c not in df})
    return kabupaten_totals(filled)


def _code_width(codes: pd.Series) -> int:
    longest = int(codes.astype(str).str.len().max()) if len(codes) else 4
    return min(132, max(56, 7 * longest + 12))


def level_screen(
    df: pd.DataFrame,
    code: str | None,
    name: str,
    name_label: str,
    total: dict | None = None,
    counts: bool = True,
) -> Screen:
    """A recap level (OPD, program, kegiatan, sub kegiatan; rows as :func:`with_lights` gives
    them) for the screen: [Kode], name, Lampu, Pagu, Realisasi, Serapan, Target, Fisik, Deviasi
    and (``counts``) the number of sub kegiatan. With ``total`` (:func:`totals`) a JUMLAH row ends
    the table, its Lampu cell saying how many OPDs reported."""
    rows = df.reset_index(drop=True)
    # "Belum lapor" is said of an OPD; a program or sub kegiatan without figures shows "-"
    reported = rows["reported"] if "reported" in rows and not code else pd.Series([None] * len(rows))
    fis = "fisik_pct" if "fisik_pct" in rows else "realisasi_fisik"
    tgt = "target_fisik_pct" if "target_fisik_pct" in rows else "target_fisik"
    lights = rows["lampu"] if "lampu" in rows else pd.Series([None] * len(rows))
    out: dict[str, list] = {}
    if code:
        out["Kode"] = rows[code].astype(str).tolist()
    out[name_label] = rows[name].tolist()
    out["Lampu"] = [lampu_text(v, r) for v, r in zip(lights, reported)]
    out["Pagu"] = rows["pagu"].map(rupiah_compact).tolist()
    out["Realisasi"] = rows["realisasi_keuangan"].map(rupiah_compact).tolist()
    out["Serapan"] = rows["keuangan_pct"].map(percent).tolist()
    out["Target"] = rows[tgt].map(percent).tolist()
    out["Fisik"] = rows[fis].map(percent).tolist()
    out["Deviasi"] = rows["deviasi"].map(points).tolist()
    if counts:
        out["Sub keg."] = rows["sub_kegiatan"].map(number).tolist() if "sub_kegiatan" in rows else ["1"] * len(rows)
    if total is not None:
        values = {
            name_label: JUMLAH,
            "Lampu": f"{number(total['opd_reported'])} dari {number(total['opd_total'])} OPD",
            "Pagu": rupiah_compact(total["pagu"]),
            "Realisasi": rupiah_compact(total["realisasi_keuangan"]),
            "Serapan": percent(total["keuangan_pct"]),
            "Target": percent(total["target_fisik_pct"]),
            "Fisik": percent(total["fisik_pct"]),
            "Deviasi": points(total["deviasi"]),
            "Sub keg.": number(total["sub_kegiatan"]),
            "Kode": "",
        }
        for col in out:
            out[col].append(values[col])
    config = {
        "Kode": _text("Kode", _code_width(rows[code]) if code else 56),
        name_label: _text(name_label, W_NAME if not code else 180),
        "Lampu": _text(
            "Lampu",
            W_LIGHT if not code else 90,
            "Lampu lalu lintas menurut deviasi fisik dan serapan terhadap target serapan bulan ini "
            "(hijau, kuning, merah).",
        ),
        "Pagu": money_column("Pagu"),
        "Realisasi": money_column("Realisasi", "Realisasi keuangan s.d. akhir bulan."),
        "Serapan": number_column("Serapan", "Realisasi keuangan dibagi pagu (%)."),
        "Target": number_column("Target", "Target fisik s.d. akhir bulan (%).", W_COUNT),
        "Fisik": number_column("Fisik", "Realisasi fisik (%), rata-rata sub kegiatan tertimbang pagu.", W_COUNT),
        "Deviasi": number_column(
            "Deviasi", "Realisasi fisik dikurangi target fisik, dalam poin; negatif berarti terlambat.", W_COUNT
        ),
        "Sub keg.": number_column("Sub keg.", "Jumlah sub kegiatan.", W_COUNT),
    }
    frame = pd.DataFrame(out)
    return Screen(frame, {k: v for k, v in config.items() if k in frame})


def recap_screen(recap: pd.DataFrame, target_serapan: float, kuning: float, merah: float) -> Screen:
    """The Ringkasan's recap per OPD (:func:`core.recap.recap_opd`) with its lights and the JUMLAH
    row (not for a single OPD: an operator's own)."""
    lit = with_lights(recap, target_serapan, kuning, merah)
    return level_screen(lit, None, "opd", "OPD", total=totals(recap) if len(recap) > 1 else None)


def wilayah_screen(rows: pd.DataFrame, recap: pd.DataFrame, target_serapan: float, kuning: float, merah: float):
    """The province overview: one row per kabupaten/kota (:func:`core.wilayah.wilayah_recap`)
    with its lights, how many of its OPDs reported, and the JUMLAH of every OPD of ``recap``."""
    lit = with_lights(rows, target_serapan, kuning, merah)
    tot = totals(recap)
    screen = level_screen(lit, None, "wilayah", "Kabupaten/Kota", total=tot)
    reported = [f"{number(r)} / {number(t)}" for r, t in zip(rows["opd_reported"], rows["opd_total"])]
    frame = screen.data.copy()
    frame.insert(2, "OPD lapor", reported + [f"{number(tot['opd_reported'])} / {number(tot['opd_total'])}"])
    frame.loc[frame.index[-1], "Lampu"] = ""
    config = dict(screen.config)
    config["OPD lapor"] = number_column("OPD lapor", "OPD yang sudah melapor dari seluruh OPD kabupaten/kota.", 84)
    return Screen(frame, config)


RANK_LIMIT = 10  # the ranking shows the 10 best and the 10 worst OPDs when there are more than 20


def ranking_search(lit: pd.DataFrame, query: str) -> Screen:
    """The OPDs whose name or short name contains ``query`` (any case) with their rank (``3 dari
    37``) in serapan and in fisik among the OPDs that have a value: how to find one OPD in a
    ranking cut to its top and bottom (:data:`RANK_LIMIT`)."""
    q = query.strip()
    ranks = {}
    for column in ("keuangan_pct", "fisik_pct"):
        ranked = ranking_rows(lit, column)
        ranks[column] = (dict(zip(ranked.index, ranked["peringkat"])), len(ranked))
    names = lit["opd"].astype(str)
    short = lit["singkatan"].fillna("").astype(str) if "singkatan" in lit else names
    found = names.str.contains(q, case=False, regex=False) | short.str.contains(q, case=False, regex=False)
    hit = lit[found] if q else lit.iloc[:0]

    def rank(column: str, i) -> str:
        where, total = ranks[column]
        return f"{number(where[i])} dari {number(total)}" if i in where else "-"

    frame = pd.DataFrame(
        {
            "OPD": hit["opd"].tolist(),
            "Lampu": [lampu_text(v, r) for v, r in zip(hit["lampu"], hit["reported"])],
            "Peringkat serapan": [rank("keuangan_pct", i) for i in hit.index],
            "Serapan": hit["keuangan_pct"].map(percent).tolist(),
            "Peringkat fisik": [rank("fisik_pct", i) for i in hit.index],
            "Fisik": hit["fisik_pct"].map(percent).tolist(),
        }
    )
    config = {
        "OPD": _text("OPD", W_NAME),
        "Lampu": _text("Lampu", W_LIGHT),
        "Peringkat serapan": number_column(
            "Peringkat serapan", "Peringkat realisasi keuangan (%) di antara OPD yang melapor.", 130
        ),
        "Serapan": number_column("Serapan", "Realisasi keuangan dibagi pagu (%)."),
        "Peringkat fisik": number_column(
            "Peringkat fisik", "Peringkat realisasi fisik (%) di antara OPD yang melapor.", 130
        ),
        "Fisik": number_column("Fisik", "Realisasi fisik (%).", W_COUNT),
    }
    return Screen(frame, config)


KRITIS_SHOWN = 100  # kontrak kritis drawn on screen at most (a province has thousands); search and Excel for the rest


def matching_rows(table: pd.DataFrame, query: str, columns: list[str]) -> pd.DataFrame:
    """The rows of ``table`` where any of the text ``columns`` contains ``query`` (any case, as
    typed, no pattern); every row when the query is blank."""
    q = query.strip()
    if not q:
        return table
    found = pd.Series(False, index=table.index)
    for column in columns:
        found |= table[column].fillna("").astype(str).str.contains(q, case=False, regex=False)
    return table[found]


# ---------------------------------------------------------------------------- OPD cards for a phone
CARD_LIMIT = 40  # cards drawn at most (a province has 1,400 OPDs); a search finds the others
CARD_FIELDS = ("Pagu", "Realisasi", "Serapan", "Fisik", "Target", "Deviasi")


def card_rows(frame: pd.DataFrame, name_label: str, query: str = "", limit: int = CARD_LIMIT):
    """The rows of a screen table (:func:`level_screen`) whose name contains ``query`` (any case),
    at most ``limit`` of them, the JUMLAH row kept last; and how many OPDs matched."""
    body = frame[frame[name_label] != JUMLAH]
    if query.strip():
        body = body[body[name_label].str.contains(query.strip(), case=False, regex=False)]
    shown = pd.concat([body.head(limit), frame[frame[name_label] == JUMLAH]])
    return shown, len(body)


def cards_html(frame: pd.DataFrame, name_label: str) -> str:
    """One card per row of a screen table: the name and its lamp on top, then the figures two by
    two (a phone shows these instead of the wide table). Every text is escaped."""
    cards = []
    for row in frame.to_dict("records"):
        total = row[name_label] == JUMLAH
        fields = [f for f in CARD_FIELDS if f in row]
        if all(row[f] == "-" for f in fields[1:]):  # not reported: the pagu alone
            fields = fields[:1]
        cells = "".join(f"<div><span>{html.escape(f)}</span><b>{html.escape(str(row[f]))}</b></div>" for f in fields)
        cards.append(
            f'<div class="pantau-kartu{" pantau-kartu-jumlah" if total else ""}">'
            f'<div class="pantau-kartu-kepala"><b>{html.escape(str(row[name_label]))}</b>'
            f"<span>{html.escape(str(row['Lampu']))}</span></div>"
            f'<div class="pantau-kartu-isi">{cells}</div></div>'
        )
    return '<div class="pantau-kartu-daftar">' + "".join(cards) + "</div>"


# ---------------------------------------------------------------------------- other pages
def split_screen(split: pd.DataFrame) -> Screen:
    """Fisik konstruksi vs non fisik (:func:`core.recap.jenis_recap`) for the screen."""
    frame = pd.DataFrame(
        {
            "Jenis": split["label"],
            "Sub keg.": split["sub_kegiatan"].map(number),
            "Pagu": split["pagu"].map(rupiah_compact),
            "Realisasi": split["realisasi_keuangan"].map(rupiah_compact),
            "Serapan": split["keuangan_pct"].map(percent),
        }
    ).reset_index(drop=True)
    config = {
        "Jenis": _text("Jenis", 120),
        "Sub keg.": number_column("Sub keg.", "Jumlah sub kegiatan.", W_COUNT),
        "Pagu": money_column("Pagu"),
        "Realisasi": money_column("Realisasi", "Realisasi keuangan s.d. akhir bulan."),
        "Serapan": number_column("Serapan", "Realisasi keuangan dibagi pagu (%)."),
    }
    return Screen(frame, config)


def kritis_screen(table: pd.DataFrame) -> Screen:
    """The kontrak kritis table (Excel shape: OPD, Kode, Sub kegiatan, Pagu (Rp), Target Fisik (%),
    Realisasi Fisik (%), Deviasi (poin), Permasalahan) for the screen."""
    frame = pd.DataFrame(
        {
            "OPD": table["OPD"],
            "Kode": table["Kode"],
            "Sub kegiatan": table["Sub kegiatan"],
            "Pagu": table["Pagu (Rp)"].map(rupiah_compact),
            "Target": table["Target Fisik (%)"].map(percent),
            "Fisik": table["Realisasi Fisik (%)"].map(percent),
            "Deviasi": table["Deviasi (poin)"].map(points),
            "Permasalahan": table["Permasalahan"].fillna("").replace("", "-"),
        }
    ).reset_index(drop=True)
    config = {
        "OPD": _text("OPD", 150),
        "Kode": _text("Kode", _code_width(frame["Kode"])),
        "Sub kegiatan": _text("Sub kegiatan", 200),
        "Pagu": money_column("Pagu"),
        "Target": number_column("Target", "Target fisik s.d. akhir bulan (%).", W_COUNT),
        "Fisik": number_column("Fisik", "Realisasi fisik (%).", W_COUNT),
        "Deviasi": number_column("Deviasi", "Realisasi fisik dikurangi target fisik, dalam poin.", W_COUNT),
        "Permasalahan": _text("Permasalahan", 150),
    }
    return Screen(frame, config)


def classification_screen(table: pd.DataFrame) -> Screen:
    """The classification table (Excel shape: OPD, Kode, Sub kegiatan, Pagu (Rp), Jenis,
    Ditentukan oleh, Aturan / alasan) for the screen."""
    frame = table.assign(**{"Pagu (Rp)": table["Pagu (Rp)"].map(rupiah_compact)}).rename(columns={"Pagu (Rp)": "Pagu"})
    frame = frame.assign(**{"Aturan / alasan": frame["Aturan / alasan"].replace("", "-")}).reset_index(drop=True)
    config = {
        "OPD": _text("OPD", 150),
        "Kode": _text("Kode", _code_width(frame["Kode"])),
        "Sub kegiatan": _text("Sub kegiatan", 210),
        "Pagu": money_column("Pagu"),
        "Jenis": _text("Jenis", 110),
        "Ditentukan oleh": _text("Ditentukan oleh", 120),
        "Aturan / alasan": _text("Aturan / alasan", 120),
    }
    return Screen(frame, config)


def waktu(value) -> str:
    """A timestamp as ``02-12-2026 14:30``; ``-`` when there is none."""
    if value is None or pd.isna(value):
        return "-"
    return pd.Timestamp(value).strftime("%d-%m-%Y %H:%M")


HISTORY_KIND = {"dpa": "DPA", "realisasi": "Realisasi", "targets": "Target kinerja", "kinerja": "Data kinerja"}


def history_screen(shown: pd.DataFrame, history: pd.DataFrame) -> Screen:
    """The import history (``shown`` from :func:`ui.preview.history_frame` of ``history``) for the
    screen: short kinds, the rows with notes and the pagu left to the Excel download
    (:func:`history_export`)."""
    frame = shown.assign(Jenis=history["kind"].map(lambda k: HISTORY_KIND.get(k, "-")).to_numpy())
    frame = frame.assign(Baris=frame["Baris"].map(number), Oleh=frame["Oleh"].fillna("-"))
    order = ["ID", "Waktu", "Berkas", "Jenis", "OPD", "Periode", "Baris", "Status", "Oleh"]
    config = {
        "ID": number_column("ID", "Nomor impor (dipakai pada pilihan di bawah tabel).", 48),
        "Waktu": _text("Waktu", 122),
        "Berkas": _text("Berkas", 160),
        "Jenis": _text("Jenis", 84),
        "OPD": _text("OPD", 130),
        "Periode": _text("Periode", 100),
        "Baris": number_column("Baris", "Baris sub kegiatan yang diterima.", 56),
        "Status": _text("Status", 150),
        "Oleh": _text("Oleh", 96),
    }
    return Screen(frame, config, order)


def history_export(shown: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The import history for Excel: every column of ``shown`` (:func:`ui.preview.history_frame`),
    the pagu as a number."""
    return shown.drop(columns=["Pagu"]).assign(**{"Pagu (Rp)": history["pagu"].to_numpy()})


STATUS_LABEL = {
    "tepat_waktu": "🟢 Tepat waktu",
    "terlambat": "🟡 Terlambat",
    "belum": "⚪ Belum lapor",
    "belum_lewat_batas": "🔴 Belum lapor (lewat batas)",
}


def status_export(status: pd.DataFrame) -> pd.DataFrame:
    """Status pengumpulan (:func:`core.status.reporting_status`) with Indonesian headers, for Excel."""
    return pd.DataFrame(
        {
            "OPD": status["opd"].fillna(status["opd_kode"]),
            "Status": status["status"].map(lambda s: STATUS_LABEL[s].split(" ", 1)[1]),
            "Diterima": status["received_at"].dt.strftime("%d-%m-%Y").fillna("-"),
            "Terlambat (hari)": [
                number(d) if s in ("terlambat", "belum_lewat_batas") else "-"
                for s, d in zip(status["status"], status["hari_terlambat"])
            ],
            "Berkas": status["file_name"].fillna("-"),
            "Oleh": status["created_by"].fillna("-"),
            "Baris": status["rows_accepted"].map(lambda v: number(v) if pd.notna(v) else "-"),
            "Baris bercatatan": status["rows_flagged"].map(lambda v: number(v) if pd.notna(v) else "-"),
            "Versi": status["versi"].map(lambda v: number(v) if pd.notna(v) else "-"),
        }
    ).reset_index(drop=True)


def status_screen(status: pd.DataFrame) -> Screen:
    """The same table for the screen: the status with its coloured mark, the rows with notes left
    to the Excel download."""
    frame = status_export(status).assign(Status=status["status"].map(STATUS_LABEL).to_numpy())
    order = ["OPD", "Status", "Diterima", "Terlambat (hari)", "Berkas", "Oleh", "Baris", "Versi"]
    config = {
        "OPD": _text("OPD", 250),
        "Status": _text("Status", 184),
        "Diterima": _text("Diterima", 92, "Tanggal laporan diterima."),
        "Terlambat (hari)": number_column("Terlambat", "Hari terlambat terhadap batas penyampaian.", 76),
        "Berkas": _text("Berkas", 140),
        "Oleh": _text("Oleh", 90, "Pengguna yang mengunggah laporan."),
        "Baris": number_column("Baris", "Baris sub kegiatan yang diterima.", 56),
        "Versi": number_column("Versi", "Versi laporan bulan ini (laporan baru menggantikan yang lama).", 54),
    }
    return Screen(frame, config, order)


ROLE_SHORT = {
    "admin": "Admin",
    "opd": "Operator OPD",
    "unit": "Unit kerja",
    "reviewer": "Pemeriksa (Sekcam)",
    "approver": "Penyetuju (Camat)",
    "viewer": "Pembaca",
}


def users_screen(users: pd.DataFrame, role_label) -> Screen:
    """The accounts (:meth:`db.store.Store.users`) for the screen: role, scope (the OPD or unit
    name, ``Semua`` otherwise), status with the lock, last sign-in as ``02-12-2026 14:30``; the
    e-mail column only when an account has one."""
    now = pd.Timestamp.now()
    status = []
    for active, locked in zip(users["active"], users["locked_until"]):
        if not bool(active):
            status.append("Nonaktif")
        elif pd.notna(locked) and pd.Timestamp(locked) > now:
            status.append(f"Terkunci s.d. {waktu(locked)}")
        else:
            status.append("Aktif")
    email = users["email"].fillna("").astype(str)
    frame = pd.DataFrame(
        {
            "Nama pengguna": users["username"],
            "Nama": users["nama"].fillna("-"),
            "Peran": users["role"].map(lambda r: ROLE_SHORT.get(r) or role_label(r)),
            "Cakupan": users["opd"].fillna(users["unit"]).fillna("Semua"),
            "E-mail (SSO)": email.replace("", "-"),
            "Status": status,
            "Terakhir masuk": users["last_login"].map(waktu),
        }
    ).reset_index(drop=True)
    order = [c for c in frame.columns if c != "E-mail (SSO)" or email.str.strip().ne("").any()]
    config = {
        "Nama pengguna": _text("Nama pengguna", 130),
        "Nama": _text("Nama", 150),
        "Peran": _text(
            "Peran",
            140,
            "Admin: semua halaman; Operator OPD: hanya OPD sendiri; Unit kerja: hanya unit "
            "sendiri; Pemeriksa (Sekcam) dan Penyetuju (Camat): data kinerja; Pembaca: hanya membaca.",
        ),
        "Cakupan": _text("Cakupan", 150),
        "E-mail (SSO)": _text("E-mail (SSO)", 140),
        "Status": _text("Status", 110),
        "Terakhir masuk": _text("Terakhir masuk", 124),
    }
    return Screen(frame, config, order)


def table_and_cards(screen: Screen, area: str, name_label: str = "OPD", choose: bool = False, **dataframe_kwargs):
    """Draw ``screen`` as a table (shown on a wide screen) and as OPD cards (shown on a phone
    instead; CSS in :mod:`ui.style` picks one by the width of the window). At most
    :data:`CARD_LIMIT` cards are drawn, with a search box when there are more. With ``choose``
    the cards come with a picker of one row (the phone's way to choose, as a click on a row of the
    table). Returns the table's selection event (with ``on_select`` in ``dataframe_kwargs``) and
    the position of the row picked on the phone (or ``None``)."""
    with st.container(key=f"pantau_tabel_{area}"):
        event = screen.show(**dataframe_kwargs)
    picked = None
    with st.container(key=f"pantau_kartu_{area}"):
        if choose:
            names = [n for n in screen.data[name_label] if n != JUMLAH]
            picked = st.selectbox(
                f"Lihat rincian {name_label}",
                range(len(names)),
                index=None,
                format_func=lambda i: names[i],
                placeholder=f"Pilih {name_label}",
                key=f"pilih_kartu_{area}",
            )
        query = ""
        if int((screen.data[name_label] != JUMLAH).sum()) > CARD_LIMIT:
            query = st.text_input(
                f"Cari {name_label}", key=f"cari_kartu_{area}", placeholder="Ketik sebagian nama, lalu Enter"
            )
        rows, matched = card_rows(screen.data, name_label, query)
        if matched > CARD_LIMIT:
            st.caption(f"Menampilkan {CARD_LIMIT} dari {number(matched)}; ketik sebagian nama untuk mencari yang lain.")
        elif not matched:
            st.caption(f"Tidak ada {name_label} yang cocok dengan \u201c{md_escape(query)}\u201d.")
        st.html(cards_html(rows, name_label))
    return event, picked


TL = "TL terbuka"


def with_followups(screen: Screen, terbuka, terlambat) -> Screen:
    """``screen`` (OPD level, one row per OPD, maybe a JUMLAH row last) with a column of the open
    follow-ups of the Rakor decisions (``3 (1 terlambat)``; ``-`` when none) in place of the count
    of sub kegiatan."""
    cells = [
        "-" if not o else (f"{number(o)} ({number(t)} terlambat)" if t else number(o))
        for o, t in zip(terbuka, terlambat)
    ]
    if len(screen.frame) > len(cells):  # the JUMLAH row
        o, t = int(sum(terbuka)), int(sum(terlambat))
        cells.append("-" if not o else (f"{number(o)} ({number(t)} terlambat)" if t else number(o)))
    frame = screen.frame.drop(columns=["Sub keg."], errors="ignore").assign(**{TL: cells})
    config = {k: v for k, v in screen.config.items() if k != "Sub keg."}
    name = str(frame.columns[0])
    config[name] = _text(name, 210)  # room for the column of follow-ups
    config[TL] = _text(
        TL, 110, "Tindak lanjut hasil Rakor yang belum selesai (yang melewati batas waktu ditulis merah).", right=True
    )
    return Screen(frame, config, screen.order)


def full_values(row) -> str:
    """The full Rupiah figures of one chosen row (the table shows them rounded)."""
    return (
        f"Pagu {rupiah(row['pagu'])} · realisasi keuangan {rupiah(row['realisasi_keuangan'])}"
        f" ({percent(row['keuangan_pct'])})"
    )
