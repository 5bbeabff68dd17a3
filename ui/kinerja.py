"""What the data kinerja pages show (issue 6): recap tables for the screen and for Excel, the
predicate colours, the trend chart, the review history and the tracking table of the SOP
steps. Plain functions on the frames of :mod:`core.kinerja` and :mod:`core.review`, tested
without Streamlit; the numbers come from the backend unchanged, only their presentation is here.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal

from core.colors import COLOURS
from core.format import LOCALE, percent, tanggal
from core.kinerja import DEFAULT_CAPAIAN_MAKS, PREDIKAT, ROMAN, SANGAT_RENDAH, capped_mean, period, target_text
from core.months import BULAN
from core.review import STATUS_LABEL, STEP_LABEL, WORKDAY_END, WORKDAY_START

from .charts import _LAYOUT

HOURS_PER_DAY = WORKDAY_END - WORKDAY_START
DASH = "–"  # an empty cell ("-" alone would render as a list bullet in st.table)
NBSP = "\u00a0"
STATUS_ICON = {"draft": "📝", "submitted": "📨", "verified": "✅", "returned": "↩️", "approved": "🔒"}
# Cell background and text colour per predikat (light tints with dark text: readable on a projector).
PREDIKAT_STYLE = {
    "Sangat Tinggi": ("#a5d6a7", "#1b5e20"),
    "Tinggi": ("#dcedc8", "#33691e"),
    "Sedang": ("#fff59d", "#5d4037"),
    "Rendah": ("#ffcc80", "#6d2c00"),
    SANGAT_RENDAH: ("#ef9a9a", "#7f0000"),
}
PREDIKAT_COLOUR = {
    "Sangat Tinggi": "#1b5e20",
    "Tinggi": COLOURS["hijau"],
    "Sedang": COLOURS["kuning"],
    "Rendah": "#ef6c00",
    SANGAT_RENDAH: COLOURS["merah"],
}
PREDIKAT_ORDER = [label for _, label in PREDIKAT] + [SANGAT_RENDAH]
ARAH_LABEL = {"naik": "Naik (makin tinggi makin baik)", "turun": "Turun (makin rendah makin baik)"}
AGREGASI_LABEL = {"stok": "Stok (nilai bulan terakhir)", "alir": "Alir (dijumlahkan)"}
# The SOP steps in order, as the columns of the tracking table.
TRACK_STEPS = [
    ("requested", "Permintaan"),
    ("submitted", "Disampaikan unit"),
    ("compiled", "Dihimpun staf"),
    ("analysed", "Dianalisis"),
    ("verified", "Verifikasi Sekcam"),
    ("approved", "Persetujuan Camat"),
]


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def value_text(value, dash: str = DASH) -> str:
    """A target or realisasi the Indonesian way, up to two decimals: ``1.110``, ``19,92``."""
    if _missing(value):
        return dash
    return format_decimal(round(float(value), 2), format="#,##0.##", locale=LOCALE)


def capaian_text(value) -> str:
    """``104,30 %`` (kept on one line) or the dash."""
    return percent(value, dash=DASH).replace(" %", NBSP + "%")


def status_text(status: str | None) -> str:
    """Review status with its icon: ``🔒 Disetujui``; ``-`` when the period has no data."""
    if not status:
        return DASH
    return f"{STATUS_ICON.get(status, '')} {STATUS_LABEL.get(status, status)}".strip()


def when_text(value) -> str:
    """``23 November 2026 14.05`` (or ``-``)."""
    if _missing(value):
        return DASH
    t = pd.Timestamp(value)
    return f"{tanggal(t)} {t:%H.%M}"


def short_when(value) -> str:
    """``23 Nov 14.05`` (the year is the period's; or ``-``)."""
    if _missing(value):
        return DASH
    t = pd.Timestamp(value)
    return f"{t.day} {BULAN[t.month - 1][:3]} {t:%H.%M}"


def duration_text(hours) -> str:
    """Office hours as a reader says them: ``12 menit``, ``3,5 jam``, ``2 hari kerja 1 jam``
    (a working day is 8 office hours, as in :mod:`core.review`)."""
    if _missing(hours):
        return DASH
    minutes = round(float(hours) * 60)
    if minutes < 60:
        return f"{minutes} menit"
    if minutes < HOURS_PER_DAY * 60:
        return f"{format_decimal(round(minutes / 60, 1), format='#,##0.#', locale=LOCALE)} jam"
    days, rest = divmod(minutes, HOURS_PER_DAY * 60)
    rest_h = round(rest / 60)
    return f"{days} hari kerja" + (f" {rest_h} jam" if rest_h else "")


# ---------------------------------------------------------------------------- periods
def period_options(month: int) -> dict[str, object]:
    """The period choices of the recap for the sidebar month: key -> :class:`core.kinerja.Period` args."""
    return {"bulan": dict(month=month), "triwulan": dict(triwulan=(month - 1) // 3 + 1), "tahun": dict(annual=True)}


def period_of(year: int, kind: str, month: int, triwulan: int | None = None):
    """The :class:`core.kinerja.Period` of a choice on the page (``bulan`` | ``triwulan`` | ``tahun``)."""
    if kind == "bulan":
        return period(year, month=month)
    if kind == "triwulan":
        return period(year, triwulan=triwulan or (month - 1) // 3 + 1)
    return period(year, annual=True)


# ---------------------------------------------------------------------------- recap tables
def recap_export(recap: pd.DataFrame) -> pd.DataFrame:
    """The recap with Indonesian headers, numbers kept as numbers (the Excel download)."""
    return pd.DataFrame(
        {
            "Unit Kerja": recap["unit"],
            "No": recap["no"],
            "Indikator Kinerja": recap["indikator"],
            "Satuan": recap["satuan"],
            "Arah": recap["arah"].map(lambda a: ARAH_LABEL.get(a, a)),
            "Agregasi": recap["agregasi"].map(lambda a: AGREGASI_LABEL.get(a, a)),
            "Target": recap["target"],
            "Realisasi": recap["realisasi"],
            "Tidak dilaporkan (bulan)": recap["tidak_dilaporkan"],
            "Capaian (%)": recap["capaian"].round(2),
            "Predikat": recap["predikat"],
            "Bulan terisi": [f"{a}/{b}" for a, b in zip(recap["bulan_terisi"], recap["bulan_periode"])],
            "Keterangan": recap["keterangan"],
            "Catatan": recap["catatan"],
            "Status": recap["status"].map(lambda s: STATUS_LABEL.get(s, DASH) if isinstance(s, str) else DASH),
        }
    ).reset_index(drop=True)


def recap_display(
    recap: pd.DataFrame, with_unit: bool = True, with_months: bool = True, with_status: bool = True
) -> pd.DataFrame:
    """The recap for the screen: Indonesian number text, the reason where there is no
    capaian, months reported (``with_months``) and the review status with its icon. A unit's
    name is written on its first row only (the rows are grouped by unit)."""
    notes = [
        c if isinstance(c, str) and c else (k if isinstance(k, str) and k else "")
        for c, k in zip(recap["catatan"], recap["keterangan"])
    ]
    units = recap["unit"].tolist()
    first = [i == 0 or units[i - 1] != u for i, u in enumerate(units)]
    df = pd.DataFrame(
        {
            "Unit": [u if f else "" for u, f in zip(units, first)],
            "No": recap["no"].map(lambda v: "" if _missing(v) else str(int(v))),
            "Indikator": recap["indikator"],
            "Satuan": recap["satuan"].fillna(""),
            "Target": [target_text(t, sat, DASH) for t, sat in zip(recap["target"], recap["satuan"])],
            "Realisasi": [
                realisasi_text(v, n, k)
                for v, n, k in zip(recap["realisasi"], recap["tidak_dilaporkan"], recap["satuan"])
            ],
            "Capaian": recap["capaian"].map(capaian_text),
            "Predikat": recap["predikat"].map(lambda p: p.replace(" ", NBSP) if isinstance(p, str) else DASH),
            "Bulan terisi": [f"{a}/{b}" for a, b in zip(recap["bulan_terisi"], recap["bulan_periode"])],
            "Catatan": notes,
            # the review status is the unit's: written once per unit, like its name
            "Status": [
                status_text(s) if isinstance(s, str) and f else ("" if isinstance(s, str) else DASH)
                for s, f in zip(recap["status"], first)
            ],
        }
    ).reset_index(drop=True)
    drop = (
        ([] if with_unit else ["Unit"])
        + ([] if with_months else ["Bulan terisi"])
        + ([] if with_status else ["Status"])
    )
    return df.drop(columns=drop)


def realisasi_text(value, not_reported: int = 0, satuan: str | None = None) -> str:
    """A realisasi on screen: the number (``value_text``), or ``⚠️ tidak dilaporkan`` when a file
    wrote text in place of it (``not_reported`` months) and there is no number; a number with
    some months not reported gets the ⚠️ too (the Catatan column says which)."""
    if _missing(value):
        return "⚠️" + NBSP + "tidak dilaporkan" if not_reported else DASH
    return ("⚠️ " if not_reported else "") + value_text(value)


def predikat_css(value) -> str:
    """CSS of a Predikat cell (Styler.map)."""
    style = PREDIKAT_STYLE.get(value.replace(NBSP, " ") if isinstance(value, str) else value)
    return f"background-color: {style[0]}; color: {style[1]}; font-weight: 600" if style else ""


def style_recap(df: pd.DataFrame):
    """A Styler colouring the Predikat column of :func:`recap_display` (index hidden)."""
    return df.style.map(predikat_css, subset=["Predikat"]).hide(axis="index")


def predikat_counts(recap: pd.DataFrame) -> dict[str, int]:
    """Indicators per predikat, best first (indicators without capaian are not counted)."""
    return {label: int((recap["predikat"] == label).sum()) for label in PREDIKAT_ORDER}


def predikat_frame(summary: dict) -> pd.DataFrame:
    """The predikat distribution of :func:`core.kinerja.recap_summary` as a small table:
    Predikat, Rentang capaian, Jumlah indikator (best first)."""
    ranges = ["≥ 91 %", "76 - 90 %", "66 - 75 %", "51 - 65 %", "≤ 50 %"]
    return pd.DataFrame(
        {
            "Predikat": PREDIKAT_ORDER,
            "Rentang capaian": ranges,
            "Jumlah indikator": [summary["predikat"][label] for label in PREDIKAT_ORDER],
        }
    )


def summary_caption(summary: dict) -> str:
    """How the mean was computed, in words (under the summary cards)."""
    maks = percent(summary["maks"], 0)
    text = (
        f"Rata-rata capaian dihitung dengan capaian di atas {maks} sebagai {maks} (batas di Pengaturan); "
        "capaian setiap indikator di tabel tetap apa adanya. Median: nilai tengah capaian."
    )
    if summary["dibatasi"]:
        text += (
            f" {summary['dibatasi']} indikator di atas {maks}; tanpa batas rata-ratanya "
            f"{percent(summary['rata_mentah'])}."
        )
    if summary.get("tidak_dilaporkan"):
        text += f" {summary['tidak_dilaporkan']} indikator ditandai ⚠️ tidak dilaporkan (realisasi bukan angka)."
    return text


# ---------------------------------------------------------------------------- trend chart
def trend_figure(monthly: pd.DataFrame, title: str) -> go.Figure:
    """One indicator month by month (rows of :func:`core.kinerja.kinerja_monthly`): the
    realisasi as bars coloured by predikat, the month's target as a dashed line."""
    months = [BULAN[m - 1][:3] for m in monthly["bulan"]]
    satuan = next((s for s in monthly["satuan"] if isinstance(s, str) and s), "")
    colours = [PREDIKAT_COLOUR.get(p, COLOURS["non_fisik"]) for p in monthly["predikat"]]
    fig = go.Figure()
    fig.add_bar(
        x=months,
        y=monthly["realisasi"],
        name="Realisasi",
        marker_color=colours,
        text=[value_text(v, dash="") for v in monthly["realisasi"]],
        textposition="outside",
        customdata=[[percent(c), p or DASH] for c, p in zip(monthly["capaian"], monthly["predikat"])],
        hovertemplate="%{x}: %{y:,.2f} " + satuan + "<br>Capaian %{customdata[0]} (%{customdata[1]})<extra></extra>",
    )
    fig.add_scatter(
        x=months,
        y=monthly["target"],
        name="Target",
        mode="lines+markers",
        line=dict(color=COLOURS["target"], dash="dash", width=3),
        hovertemplate="%{x}: target %{y:,.2f} " + satuan + "<extra></extra>",
    )
    top = pd.concat([monthly["realisasi"], monthly["target"]]).max()
    fig.update_layout(
        title=title,
        yaxis=dict(
            title=satuan or "Nilai",
            gridcolor="#e0e0e0",
            range=[0, float(top) * 1.18] if not _missing(top) and top > 0 else None,
        ),
        **_LAYOUT,
    )
    return fig


# ---------------------------------------------------------------------------- review and tracking
def person(names: dict[str, str], username) -> str:
    """``Nama Lengkap`` of a username (the username itself when unknown, ``-`` when empty)."""
    if _missing(username) or not username:
        return DASH
    return names.get(username, username)


def history_frame(events: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Review events (:meth:`Store.review_events`) for the screen, oldest first; ``names``
    (username -> full name) writes who by name."""
    return pd.DataFrame(
        {
            "Waktu": events["created_at"].map(when_text),
            "Langkah": events["step"].map(lambda s: STEP_LABEL.get(s, s)),
            "Oleh": events["actor"].map(lambda u: person(names or {}, u)),
            "Status": [
                f"{STATUS_LABEL.get(a, a)} → {STATUS_LABEL.get(b, b)}" if a != b else STATUS_LABEL.get(b, b)
                for a, b in zip(events["status_before"], events["status_after"])
            ],
            "Catatan": events["note"].fillna(""),
        }
    ).reset_index(drop=True)


def last_return(events: pd.DataFrame) -> dict | None:
    """The latest ``returned`` event of a unit-month (actor, created_at, note), or ``None``."""
    returned = events[events["step"] == "returned"]
    if returned.empty:
        return None
    row = returned.iloc[-1]
    return {"actor": row["actor"], "created_at": row["created_at"], "note": row["note"]}


def _step_cell(row) -> str:
    text = f"{short_when(row.selesai)} · {row.actor}"
    if not _missing(row.jam_kerja):
        text += f" · {duration_text(row.jam_kerja)}"
    return ("⚠️ " + text) if row.melebihi else text


def tracking_frame(durations: pd.DataFrame, units: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """One row per unit for a month: status, each SOP step (when, who, office time it took,
    ⚠️ when longer than the SOP), the step awaited with the time so far and ``Terlambat``
    (``⚠️ Ya`` when any step or the wait took longer than the SOP, else empty). ``durations`` from
    :func:`core.review.step_durations` (with ``now``), ``units`` as :meth:`Store.kinerja_units`,
    ``reviews`` as :meth:`Store.review_rows` of the month."""
    status = dict(zip(reviews["unit_id"], reviews["status"])) if not reviews.empty else {}
    rows = []
    for unit_id, nama in zip(units["id"], units["nama"]):
        mine = durations[durations["unit_id"] == unit_id]
        finished = mine["selesai_flag"].astype(bool)  # an empty frame's object column would select columns
        done = mine[finished]
        row = {"Unit": nama, "Status": status_text(status.get(unit_id, "draft"))}
        for step, label in TRACK_STEPS:
            steps = done[done["step"].isin(("verified", "returned") if step == "verified" else (step,))]
            if steps.empty:
                row[label] = ""
            else:
                last = steps.iloc[-1]
                cell = _step_cell(last)
                if last["step"] == "returned":
                    cell = "↩️ dikembalikan " + cell
                row[label] = cell
        waiting = mine[~finished]
        if waiting.empty:
            row["Menunggu"] = "Selesai" if status.get(unit_id) == "approved" else DASH
        else:
            w = waiting.iloc[-1]
            row["Menunggu"] = (
                f"{'⚠️ ' if w['melebihi'] else ''}{w['langkah']}: {duration_text(w['jam_kerja'])} "
                f"(batas SOP {duration_text(w['sop_jam'])})"
            )
        row["Terlambat"] = "⚠️ Ya" if mine["melebihi"].any() else ""
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["Unit", "Status"] + [label for _, label in TRACK_STEPS] + ["Menunggu", "Terlambat"]
    )


def steps_frame(durations: pd.DataFrame) -> pd.DataFrame:
    """Every step of a month with its time against the SOP (the detail under the tracking table)."""
    return pd.DataFrame(
        {
            "Unit": durations["unit"],
            "Langkah": durations["langkah"],
            "Oleh": durations["actor"].fillna(DASH),
            "Dari": durations["mulai"].map(when_text),
            "Selesai": [
                when_text(s) if f else "(belum)" for s, f in zip(durations["selesai"], durations["selesai_flag"])
            ],
            "Lama (jam kerja)": durations["jam_kerja"].map(duration_text),
            "Batas SOP": durations["sop"].fillna(DASH),
            "Keterangan": [
                "⚠️ Melebihi SOP" if m else ("Sesuai SOP" if f and not _missing(j) else ("Menunggu" if not f else DASH))
                for m, f, j in zip(durations["melebihi"], durations["selesai_flag"], durations["jam_kerja"])
            ],
            "Catatan": durations["note"].fillna(""),
        }
    ).reset_index(drop=True)


def late_css(row: pd.Series) -> list[str]:
    """Row CSS of :func:`tracking_frame` / :func:`steps_frame`: late rows stand out."""
    late = str(row.get("Terlambat", "")).startswith("⚠️") or str(row.get("Keterangan", "")).startswith("⚠️")
    return ["background-color: #ffebee; color: #7f0000" if late else "" for _ in row]


def review_overview(
    units: pd.DataFrame,
    reviews: pd.DataFrame,
    recap: pd.DataFrame,
    names: dict[str, str] | None = None,
    maks: float = DEFAULT_CAPAIAN_MAKS,
) -> pd.DataFrame:
    """One row per unit of a month for the Review page: status (🔒 when approved), indicators
    filled (``⚠️`` with how many were not reported), mean capaian (each capaian above ``maks``
    counted as ``maks``: :func:`core.kinerja.capped_mean`), who (by name, with ``names``)
    submitted / verified / approved and when, and the last note."""
    rev = {int(r["unit_id"]): r for r in reviews.to_dict("records")} if not reviews.empty else {}
    rows = []
    for unit_id, nama in zip(units["id"], units["nama"]):
        r = rev.get(int(unit_id), {})
        mine = recap[recap["unit_id"] == unit_id]
        caps = mine["capaian"].dropna()

        def who(stamp, r=r):
            by = r.get(f"{stamp}_by")
            return (
                f"{person(names or {}, by)}, {when_text(r.get(f'{stamp}_at'))}" if isinstance(by, str) and by else DASH
            )

        rows.append(
            {
                "Unit": nama,
                "Status": status_text(r.get("status", "draft")),
                "Terisi": f"{int(mine['realisasi'].notna().sum())}/{len(mine)}"
                + (
                    f" (⚠️ {missing} tidak dilaporkan)" if (missing := int((mine["tidak_dilaporkan"] > 0).sum())) else ""
                ),
                "Rata-rata capaian": capaian_text(capped_mean(caps, maks)) if len(caps) else DASH,
                "Disampaikan": who("submitted"),
                "Diverifikasi": who("verified"),
                "Disetujui": who("approved"),
                "Catatan terakhir": r.get("note") or "",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Unit",
            "Status",
            "Terisi",
            "Rata-rata capaian",
            "Disampaikan",
            "Diverifikasi",
            "Disetujui",
            "Catatan terakhir",
        ],
    )


# ---------------------------------------------------------------------------- held matches
def candidates(row) -> list[dict]:
    """The candidate indicators of a held row (``candidates_json``), best first."""
    raw = row.get("candidates_json") if isinstance(row, dict) else getattr(row, "candidates_json", None)
    if not isinstance(raw, str) or not raw:
        return []
    return json.loads(raw)


def candidate_label(c: dict) -> str:
    """``Persentase kehadiran pegawai (%) - kemiripan 87 %`` (``score`` 0..1 from etl.indikator_match)."""
    sat = f" ({c['satuan']})" if c.get("satuan") else ""
    score = c.get("score")
    sim = f" - kemiripan {round(float(score) * 100)} %" if score is not None else ""
    return f"{c['nama']}{sat}{sim}"


# ---------------------------------------------------------------------------- import preview
MATCH_LABEL = {
    "exact": "Sama persis",
    "normalised": "Sama (ejaan/huruf berbeda)",
    "fuzzy": "⚠️ Mirip (dicocokkan otomatis, periksa)",
    "unsure": "❓ Ragu: menunggu konfirmasi",
    "none": "❓ Tidak dikenal: menunggu konfirmasi",
    "confirmed": "Dikonfirmasi pengguna",
    "form": "Formulir",
}
KINERJA_KIND_LABEL = {"targets": "Perjanjian Kinerja (target)", "kinerja": "Data kinerja unit"}


def _report_period(rep) -> str:
    if rep.month and rep.year:
        return f"{BULAN[rep.month - 1]} {rep.year}"
    return f"Tahun {rep.year}" if rep.year else DASH


def kinerja_summary_rows(analysis) -> pd.DataFrame:
    """One row per report of an analysed targets workbook or unit format (Impor preview):
    unit, period, indicator rows, how many were matched and how many wait for a person."""
    rows = []
    for rep in analysis.reports:
        status = "Ditolak" if analysis.rejected else ("Ada catatan" if rep.warnings or analysis.issues else "Siap")
        if rep.kind == "targets":
            table = rep.targets
            unit = f"{len(table.units)} unit" if table else DASH
            matched, held = DASH, DASH
        else:
            table = rep.kinerja
            unit = rep.unit.nama if rep.unit else (rep.unit_text or "?")
            matched = str(len(table.attached)) if table else DASH
            held = str(len(table.held)) if table else DASH
        rows.append(
            {
                "Berkas": analysis.name,
                "Lembar": rep.sheet or DASH,
                "Jenis": KINERJA_KIND_LABEL.get(rep.kind, rep.kind),
                "Unit": unit,
                "Periode": _report_period(rep),
                "Baris indikator": len(table.rows) if table else 0,
                "Dicocokkan": matched,
                "Menunggu konfirmasi": held,
                "Status": status,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Berkas",
            "Lembar",
            "Jenis",
            "Unit",
            "Periode",
            "Baris indikator",
            "Dicocokkan",
            "Menunggu konfirmasi",
            "Status",
        ],
    )


def match_frame(rep) -> pd.DataFrame:
    """How each row of a unit's format was matched to the Perjanjian Kinerja (shown before saving)."""
    rows = []
    for r in rep.kinerja.rows if rep.kinerja else []:
        m = r.match
        how = m.how if m else None
        if m and m.attached:
            target = m.nama
        elif m and m.candidates:
            target = "Kandidat: " + "; ".join(f"{c.nama} ({round(c.score * 100)} %)" for c in m.candidates)
        else:
            target = DASH
        rows.append(
            {
                "Baris": r.row,
                "Nama di berkas": r.nama,
                "Dicocokkan dengan": target,
                "Cara": MATCH_LABEL.get(how, DASH),
                "Realisasi": (
                    f"⚠️ tidak dilaporkan ('{r.teks}')" if r.realisasi is None and r.teks else value_text(r.realisasi)
                ),
                "Keterangan": r.keterangan or "",
            }
        )
    return pd.DataFrame(
        rows, columns=["Baris", "Nama di berkas", "Dicocokkan dengan", "Cara", "Realisasi", "Keterangan"]
    )


def targets_frame(rep) -> pd.DataFrame:
    """The indicators of a Perjanjian Kinerja workbook as read (shown before saving), with how
    the aggregation over months was decided."""
    rows = []
    for t in rep.targets.rows if rep.targets else []:
        agg = AGREGASI_LABEL.get(t.agregasi, t.agregasi)
        if t.agregasi_source != "file":
            agg += f" - ditentukan otomatis: {t.agregasi_rule}" if t.agregasi_rule else " - ditentukan otomatis"
        rows.append(
            {
                "Unit": t.unit,
                "No": t.no,
                "Indikator": t.nama,
                "Satuan": t.satuan or "",
                "Arah": t.arah,
                "Agregasi": agg,
                "Target tahunan": value_text(t.target_tahunan),
                **{f"TW {ROMAN[k]}": value_text(v) for k, v in enumerate(t.tw, start=1)},
            }
        )
    return pd.DataFrame(rows)


def kinerja_history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """Kinerja imports (:meth:`Store.kinerja_imports`) for the screen."""
    status = {"accepted": "Diterima", "flagged": "Diterima dengan catatan", "rejected": "Ditolak"}
    return pd.DataFrame(
        {
            "ID": history["id"],
            "Waktu": history["created_at"].map(when_text),
            "Berkas": history["file_name"],
            "Jenis": history["kind"].map(lambda k: KINERJA_KIND_LABEL.get(k, k)),
            "Unit": history["unit"].fillna(DASH),
            "Periode": [
                f"{BULAN[int(m) - 1]} {int(y)}" if pd.notna(m) else (f"Tahun {int(y)}" if pd.notna(y) else DASH)
                for y, m in zip(history["tahun"], history["bulan"])
            ],
            "Baris": history["rows_accepted"],
            "Menunggu konfirmasi": history["held"],
            "Status": [
                f"Digantikan (#{int(s)})" if pd.notna(s) else status.get(x, x)
                for x, s in zip(history["status"], history["superseded_by"])
            ],
            "Oleh": history["created_by"],
        }
    ).reset_index(drop=True)
