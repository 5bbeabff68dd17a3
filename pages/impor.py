"""Impor Laporan: upload many files, preview what was recognised, confirm, see history."""

import pandas as pd
import streamlit as st

from core.months import BULAN
from etl.pipeline import Master, Upload, preview_master
from ui.auth import require_page
from ui.downloads import audited_download
from ui.import_session import ImportSession
from ui.kinerja import kinerja_history_frame, kinerja_summary_rows, match_frame, targets_frame
from ui.preview import STATUS_LABEL, columns_text, history_frame, issues_frame, stored_issues_frame, summary_rows
from ui.safe import md_escape
from ui.state import current_period, current_user, get_store, set_period

user = require_page("impor", "impor")
store = get_store()
scope = user.opd_scope
unit_scope = user.unit_id if user.role == "unit" else None
st.title("Impor Laporan")
st.caption(
    "Unggah DPA (daftar sub kegiatan dari BPKAD) dan laporan realisasi fisik dan keuangan OPD, serta "
    "Perjanjian Kinerja (target per unit kerja) dan format data kinerja yang sudah diisi unit. "
    "Format yang diterima: Excel (.xlsx, .xls), CSV, dan tabel HTML hasil ekspor aplikasi. "
    "Periksa pratinjau sebelum menyimpan; berkas yang ditolak tidak mengubah data apa pun."
)

master = Master.from_store(store)
if unit_scope is not None:
    own_unit = dict(store.unit_kerja()).get(unit_scope, str(unit_scope))
    st.info(
        f"Akun Anda untuk **{md_escape(own_unit)}**: hanya format data kinerja unit ini yang dapat diunggah "
        "dan dilihat riwayatnya.",
        icon=":material/badge:",
    )
elif scope:
    own = master.by_kode(scope)
    st.info(
        f"Akun Anda untuk **{md_escape(own.nama if own else scope)}**: hanya laporan OPD ini yang dapat diunggah dan "
        "dilihat riwayatnya.",
        icon=":material/badge:",
    )
elif not master.opds:
    st.info(
        "Daftar OPD masih kosong. Unggah **DPA** terlebih dahulu (boleh bersamaan dengan laporan OPD).",
        icon=":material/info:",
    )

if "upload_round" not in st.session_state:
    st.session_state["upload_round"] = 0
if "hints" not in st.session_state:
    st.session_state["hints"] = {}
if "import_session" not in st.session_state:  # each upload analysed once, kept until saved
    st.session_state["import_session"] = ImportSession()
session = st.session_state["import_session"]

files = st.file_uploader(
    "Pilih berkas laporan (boleh beberapa sekaligus)",
    accept_multiple_files=True,
    key=f"uploader_{st.session_state['upload_round']}",
)

last = st.session_state.pop("last_results", None)
if last:
    counts = {}
    for r in last:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    summary = ", ".join(f"{n} {STATUS_LABEL[s].lower()}" for s, n in counts.items())
    (st.error if "rejected" in counts else st.success)(f"Impor selesai: {summary}.", icon=":material/task_alt:")
    held = sum(r.get("held") or 0 for r in last)
    if held:
        st.warning(
            f"{held} baris data kinerja belum dimuat karena nama indikatornya tidak pasti cocok dengan "
            "Perjanjian Kinerja. Pilih indikator yang benar di halaman **Data Kinerja**, tab **Konfirmasi "
            "indikator**.",
            icon=":material/help:",
        )

if not files:
    session.clear()  # nothing uploaded (any more): nothing kept
else:
    bar = st.progress(0.0, text="Membaca berkas ...")
    uploads = [Upload(f.name, f.getvalue(), **st.session_state["hints"].get(f.file_id, {})) for f in files]
    results = session.analyses(
        uploads,
        master,
        user,
        store.data_version(),
        progress=lambda d, t, n: bar.progress(d / t, text=f"Membaca {d} dari {t}: {n}"),
    )
    analyses = list(zip(files, results))
    bar.empty()
    preview = preview_master(master, results)
    opd_names = {o.kode: o.nama for o in preview.opds if not scope or o.kode == scope}
    unit_names = {
        (str(u.id) if u.id is not None else u.nama): u.nama
        for u in preview.kinerja.units
        if unit_scope is None or u.id == unit_scope
    }
    year_now, month_now = current_period()

    st.subheader("Pratinjau")
    ready = [a for _, a in analyses if not a.rejected]
    st.write(f"**{len(ready)}** dari **{len(analyses)}** berkas siap disimpan.")
    for f, a in analyses:
        icon = (
            ":material/cancel:"
            if a.rejected
            else (":material/warning:" if a.all_issues() else ":material/check_circle:")
        )
        with st.expander(
            md_escape(a.name), expanded=len(analyses) <= 5 or a.rejected or any(r.needs for r in a.reports), icon=icon
        ):
            kinerja_file = a.kind in ("targets", "kinerja")
            st.dataframe(kinerja_summary_rows(a) if kinerja_file else summary_rows(a), hide_index=True, width="stretch")
            for rep in a.reports:
                st.caption(
                    f"Kolom dikenali{' (lembar ' + md_escape(rep.sheet) + ')' if rep.sheet else ''}: "
                    f"{md_escape(columns_text(rep))}"
                )
                if rep.kinerja is not None and rep.kinerja.rows:
                    st.caption(
                        "Pencocokan nama indikator dengan Perjanjian Kinerja (yang ragu tidak dimuat sampai "
                        "dikonfirmasi di halaman Data Kinerja):"
                    )
                    st.dataframe(match_frame(rep), hide_index=True, width="stretch")
                if rep.targets is not None and rep.targets.rows:
                    with st.expander(f"Indikator yang terbaca ({len(rep.targets.rows)})"):
                        st.dataframe(targets_frame(rep), hide_index=True, width="stretch")
            needs = sorted({n for r in a.reports for n in r.needs})
            if needs:
                st.warning(
                    "Berkas ini tidak menyebutkan (atau tidak konsisten tentang) "
                    + " dan ".join({"opd": "OPD", "period": "periode", "unit": "unit kerja"}[n] for n in needs)
                    + ". Pilih yang benar di bawah ini.",
                    icon=":material/help:",
                )
                hint = dict(st.session_state["hints"].get(f.file_id, {}))
                cols = st.columns(3)
                if "opd" in needs and opd_names:
                    choice = cols[0].selectbox(
                        "OPD",
                        [""] + list(opd_names),
                        key=f"opd_{f.file_id}",
                        format_func=lambda k: opd_names.get(k, "- pilih OPD -"),
                    )
                    if choice:
                        hint["opd"] = choice
                if "unit" in needs and unit_names:
                    choice = cols[0].selectbox(
                        "Unit kerja",
                        [""] + list(unit_names),
                        key=f"unit_{f.file_id}",
                        format_func=lambda k: unit_names.get(k, "- pilih unit kerja -"),
                    )
                    if choice:
                        hint["unit"] = choice
                if "period" in needs:
                    year = cols[1].number_input("Tahun", 2000, 2100, value=year_now, key=f"year_{f.file_id}")
                    month = cols[2].selectbox(
                        "Bulan",
                        list(range(1, 13)),
                        key=f"month_{f.file_id}",
                        format_func=lambda m: BULAN[m - 1],
                        index=month_now - 1,
                    )
                    if st.checkbox("Pakai periode ini", key=f"useperiod_{f.file_id}"):
                        hint["period"] = (int(year), int(month))
                if hint != st.session_state["hints"].get(f.file_id, {}):
                    st.session_state["hints"][f.file_id] = hint
                    st.rerun()
            for err in a.errors:  # the reason in full, not only in a narrow table cell
                st.error(md_escape(err.message), icon=":material/block:")
            issues = issues_frame(a)
            if not issues.empty:
                st.dataframe(
                    issues.drop(columns=["Berkas"]),
                    hide_index=True,
                    width="stretch",
                    column_config={"Pesan": st.column_config.TextColumn(width="large")},
                )

    all_issues = [issues_frame(a) for _, a in analyses]
    errors = [df[df["Tingkat"] == "Galat"] for df in all_issues]
    errors = [df for df in errors if not df.empty]
    if errors:
        st.subheader("Berkas yang ditolak")
        st.caption("Perbaiki berkas sesuai pesan, lalu unggah kembali. Berkas lain tetap dapat disimpan.")
        st.dataframe(
            pd.concat(errors),
            hide_index=True,
            width="stretch",
            column_config={"Pesan": st.column_config.TextColumn(width="large")},
        )

    if st.button(
        f"Simpan {len(ready)} berkas ke basis data", type="primary", disabled=not ready, icon=":material/save:"
    ):
        bar = st.progress(0.0, text="Menyimpan ...")
        results = session.save(
            store,
            current_user(),
            user,
            progress=lambda d, t, n: bar.progress(d / t, text=f"Menyimpan {d} dari {t}: {n}"),
        )
        st.session_state["last_results"] = [r for rs in results for r in rs]
        loaded = sorted(
            {
                (r["year"], r["month"])
                for rs in results
                for r in rs
                if r["kind"] in ("realisasi", "kinerja") and r["status"] in ("accepted", "flagged")
            }
        )
        if loaded:
            set_period(*loaded[-1])  # show what was just imported
        st.session_state["upload_round"] += 1
        st.session_state["hints"] = {}
        st.rerun()

st.divider()
st.subheader("Riwayat impor")
if unit_scope is not None:
    history = store.kinerja_imports(unit_id=unit_scope)
    shown = kinerja_history_frame(history)
else:
    history = store.import_history(opd=scope)
    shown = history_frame(history)
if history.empty:
    st.caption("Belum ada impor.")
else:
    st.dataframe(shown, hide_index=True, width="stretch")
    col1, col2 = st.columns([2, 1])
    options = history["id"].tolist()
    labels = dict(zip(history["id"], history["file_name"]))
    chosen = col1.selectbox("Pilih impor", options, format_func=lambda i: f"#{i} - {labels[i]}", key="history_pick")
    original = store.read_archived(int(chosen), opd=scope) if chosen is not None else None
    issues = store.import_issues(int(chosen), opd=scope) if chosen is not None else None
    if original:
        with col2:
            audited_download(
                "Unduh berkas asli",
                original[1],
                original[0],
                what=f"berkas asli impor #{chosen}",
                key="download_original",
            )
    else:
        col2.caption("Berkas asli tidak ditemukan di arsip.")
    if issues is not None and not issues.empty:
        st.caption(f"Catatan impor #{chosen}:")
        st.dataframe(
            stored_issues_frame(issues),
            hide_index=True,
            width="stretch",
            column_config={"Pesan": st.column_config.TextColumn(width="large")},
        )
