"""The detail view of one report on the Impor page (issue 16): what the user must settle (OPD,
period, column mapping), the stored report it replaces, its recognised fields with header paths
and sample values, its unsure name matches, its issues and its rows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.access import User
from core.format import percent, rupiah
from core.months import BULAN
from etl.pipeline import FileAnalysis, Master
from ui.kinerja import kinerja_summary_rows, match_frame, targets_frame
from ui.mapping_editor import mapping_editor
from ui.preview import (
    KONFIRMASI,
    columns_text,
    fields_frame,
    issues_frame,
    leaves_frame,
    mappable,
    name_matches_frame,
    report_period,
    summary_rows,
    supersedes,
)
from ui.safe import md_escape


def conflict_key(key: tuple, batch_id: str) -> str:
    """Widget key of the pick for one in-batch conflict (new for another batch)."""
    opd_kode, year, month = key
    return f"conflict_{batch_id}_{opd_kode}_{year}_{month}"


def _hints(file_id: str, analysis: FileAnalysis, opd_names: dict, unit_names: dict, period_now: tuple) -> None:
    """Ask the OPD, unit kerja or period a file does not state (rerun when the answer changes)."""
    needs = sorted({n for r in analysis.reports for n in r.needs})
    if not needs:
        return
    st.warning(
        "Berkas ini tidak menyebutkan (atau tidak konsisten tentang) "
        + " dan ".join({"opd": "OPD", "period": "periode", "unit": "unit kerja"}[n] for n in needs)
        + ". Pilih yang benar di bawah ini.",
        icon=":material/help:",
    )
    year_now, month_now = period_now
    hint = dict(st.session_state["hints"].get(file_id, {}))
    cols = st.columns(3)
    if "opd" in needs and opd_names:
        choice = cols[0].selectbox(
            "OPD",
            [""] + list(opd_names),
            key=f"opd_{file_id}",
            format_func=lambda k: opd_names.get(k, "- pilih OPD -"),
        )
        if choice:
            hint["opd"] = choice
    if "unit" in needs and unit_names:
        choice = cols[0].selectbox(
            "Unit kerja",
            [""] + list(unit_names),
            key=f"unit_{file_id}",
            format_func=lambda k: unit_names.get(k, "- pilih unit kerja -"),
        )
        if choice:
            hint["unit"] = choice
    if "period" in needs:
        year = cols[1].number_input("Tahun", 2000, 2100, value=year_now, key=f"year_{file_id}")
        month = cols[2].selectbox(
            "Bulan",
            list(range(1, 13)),
            key=f"month_{file_id}",
            format_func=lambda m: BULAN[m - 1],
            index=month_now - 1,
        )
        if st.checkbox("Pakai periode ini", key=f"useperiod_{file_id}"):
            hint["period"] = (int(year), int(month))
    if hint != st.session_state["hints"].get(file_id, {}):
        st.session_state["hints"][file_id] = hint
        st.rerun()


def _replaced(old: dict, rep) -> None:
    """Old vs new totals of a report that replaces a stored one."""
    st.info(
        f"Laporan ini akan **menggantikan** impor #{int(old['id'])} ({md_escape(old['file_name'])}) untuk OPD dan "
        "bulan yang sama. Laporan lama tetap tercatat di riwayat impor.",
        icon=":material/swap_horiz:",
    )
    st.dataframe(
        pd.DataFrame(
            {
                "": ["Berkas", "Baris sub kegiatan", "Pagu", "Realisasi keuangan"],
                "Tersimpan (lama)": [
                    old["file_name"],
                    str(int(old["rows_accepted"])),
                    rupiah(old["pagu"]),
                    rupiah(old["realisasi_keuangan"]),
                ],
                "Unggahan ini (baru)": [
                    "",
                    str(rep.rows),
                    rupiah(rep.pagu),
                    rupiah(rep.realisasi_keuangan),
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def detail_report(
    file_id: str,
    analysis: FileAnalysis,
    rep_i: int,
    status: str,
    stored: dict,
    *,
    master: Master,
    opd_names: dict,
    unit_names: dict,
    period_now: tuple,
    user: User,
    data: bytes,
) -> None:
    """Everything about one report of the batch (``rep_i``: its index in the file)."""
    rep = analysis.reports[rep_i] if rep_i < len(analysis.reports) else None
    kinerja_file = analysis.kind in ("targets", "kinerja")
    where = f" (lembar {md_escape(rep.sheet)})" if rep is not None and rep.sheet else ""
    st.markdown(f"**{md_escape(analysis.name)}**{where} - status: **{status}**")
    _hints(file_id, analysis, opd_names, unit_names, period_now)
    confirmed = st.session_state.get("mappings", {}).get(file_id)
    if confirmed is not None:
        wish = st.session_state.get("remember", {}).get(file_id)
        st.success(
            "Pemetaan kolom dikonfirmasi"
            + (f"; format akan diingat sebagai **{md_escape(wish[0])}**" if wish else "")
            + ". Berkas dibaca dengan pemetaan ini.",
            icon=":material/task_alt:",
        )
        if st.button("Ubah pemetaan kolom", key=f"unmap_{file_id}"):
            st.session_state["mappings"].pop(file_id, None)
            st.session_state.get("remember", {}).pop(file_id, None)
            st.rerun()
    elif status == KONFIRMASI and mappable(analysis):
        st.markdown("#### Pemetaan kolom")
        st.caption(
            "Pantau tidak dapat memastikan kolom mana yang berisi isian laporan ini. Tentukan baris judul "
            "dan kolom setiap isian; berkas hanya disimpan setelah pemetaan dikonfirmasi."
        )
        opd = rep.opd.singkatan or rep.opd.nama if rep is not None and rep.opd else None
        default = f"Format {opd}" if opd else f"Format {analysis.name.rsplit('.', 1)[0]}"
        hints = {k: v for k, v in st.session_state["hints"].get(file_id, {}).items() if k in ("opd", "period", "unit")}
        mapping_editor(file_id, analysis, data, master, hints, user.is_admin, default[:80])
    if rep is not None and (old := supersedes(rep, analysis, stored)):
        _replaced(old, rep)
    if rep is not None and rep.layout_name:
        st.caption(f"Format dikenal: {md_escape(rep.layout_name)} (format kolom yang diingat).")
    for err in analysis.errors:  # the reason in full, not only in a narrow table cell
        st.error(md_escape(err.message), icon=":material/block:")
    if rep is not None:
        if kinerja_file:
            st.dataframe(kinerja_summary_rows(analysis), hide_index=True, width="stretch")
        st.caption(
            f"Kolom dikenali{' (lembar ' + md_escape(rep.sheet) + ')' if rep.sheet else ''}: "
            f"{md_escape(columns_text(rep))}"
        )
        fields = fields_frame(rep)
        if not fields.empty and not kinerja_file:
            st.dataframe(fields, hide_index=True, width="stretch")
        names = name_matches_frame(rep)
        if not names.empty:
            st.warning(
                f"{len(names)} sub kegiatan tanpa kode tidak pasti cocok dengan DPA menurut namanya; baris dimuat "
                "tanpa dicocokkan. Tulis kodenya di berkas atau samakan namanya dengan DPA.",
                icon=":material/help:",
            )
            st.dataframe(names, hide_index=True, width="stretch")
        if rep.kinerja is not None and rep.kinerja.rows:
            st.caption(
                "Pencocokan nama indikator dengan Perjanjian Kinerja (yang ragu tidak dimuat sampai "
                "dikonfirmasi di halaman Data Kinerja):"
            )
            st.dataframe(match_frame(rep), hide_index=True, width="stretch")
        if rep.targets is not None and rep.targets.rows:
            with st.expander(f"Indikator yang terbaca ({len(rep.targets.rows)})"):
                st.dataframe(targets_frame(rep), hide_index=True, width="stretch")
    issues = issues_frame(analysis)
    if rep is not None and len(analysis.reports) > 1:
        issues = issues[issues["Lembar"].isin(["", rep.sheet or ""])]
    if not issues.empty:
        st.dataframe(
            issues.drop(columns=["Berkas"]),
            hide_index=True,
            width="stretch",
            column_config={"Pesan": st.column_config.TextColumn(width="large")},
        )
    if rep is not None and rep.leaves:
        with st.expander(f"Baris data yang terbaca ({len(rep.leaves)}; {report_period(rep)})"):
            st.dataframe(
                leaves_frame(rep),
                hide_index=True,
                width="stretch",
                column_config={
                    "Pagu": st.column_config.NumberColumn(format="localized"),
                    "Realisasi keuangan": st.column_config.NumberColumn(format="localized"),
                },
            )
            st.caption(
                f"Jumlah: pagu {rupiah(rep.pagu)}, realisasi keuangan {rupiah(rep.realisasi_keuangan)}, "
                f"fisik {percent(rep.fisik_pct)}."
            )
    elif rep is None and not analysis.errors:
        st.dataframe(summary_rows(analysis), hide_index=True, width="stretch")
