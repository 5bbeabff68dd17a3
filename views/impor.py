"""Impor Laporan: upload many files, preview what was recognised, confirm, see history."""

import hashlib

import pandas as pd
import streamlit as st

from core import layouts
from core.format import percent, rupiah
from core.months import month_name
from etl.mapping import layout_from
from etl.pipeline import Master, Upload, batch_conflicts, preview_master
from exports.table_xlsx import RUPIAH
from ui.auth import require_page
from ui.cache import table_xlsx
from ui.downloads import audited_download
from ui.held_panel import held_panel
from ui.impor_detail import conflict_key, detail_report
from ui.import_session import ImportSession
from ui.kinerja import kinerja_history_frame
from ui.preview import (
    CATATAN,
    DITOLAK,
    KONFIRMASI,
    KONFLIK,
    SIAP,
    STATUS_COLOUR,
    STATUS_LABEL,
    STATUS_ORDER,
    batch_frame,
    file_status,
    history_frame,
    in_force,
    issues_frame,
    status_counts,
    stored_issues_frame,
)
from ui.safe import md_escape
from ui.state import current_period, current_user, current_wilayah, get_store, set_period
from ui.tables import history_export, history_screen

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

# A province install: the files are from the kabupaten/kota chosen in the sidebar (an OPD operator's:
# that of its OPD); their OPDs must belong to it (etl.wilayah), new OPDs take it.
wilayah = master.opd_wilayah.get(scope) if scope else current_wilayah()
if not scope and unit_scope is None and any(master.opd_wilayah.values()):
    if wilayah:
        st.info(
            f"Berkas yang diunggah dicatat sebagai berkas **{md_escape(wilayah)}** (pilihan Kabupaten/Kota di "
            f"samping): OPD-nya harus OPD {md_escape(wilayah)}, dan OPD baru ikut {md_escape(wilayah)}.",
            icon=":material/location_city:",
        )
    else:
        st.info(
            "Pantau ini menghimpun beberapa kabupaten/kota. Pilih kabupaten/kota asal berkas pada pilihan "
            "**Kabupaten/Kota** di samping sebelum mengunggah; tanpa pilihan, berkas dimuat untuk OPD pemerintah "
            "provinsi sendiri.",
            icon=":material/location_city:",
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

for name in st.session_state.pop("layouts_saved", None) or []:
    st.success(f"Format kolom **{md_escape(name)}** diingat untuk laporan berikutnya.", icon=":material/bookmark:")
if refused := st.session_state.pop("layout_refused", None):
    st.warning(md_escape(refused), icon=":material/block:")

if not files:
    session.clear()  # nothing uploaded (any more): nothing kept
    st.session_state["mappings"] = {}
    st.session_state["remember"] = {}
else:
    mappings: dict = st.session_state.setdefault("mappings", {})
    remember: dict = st.session_state.setdefault("remember", {})
    bar = st.progress(0.0, text="Membaca berkas ...")
    uploads = [
        Upload(
            f.name,
            f.getvalue(),
            **st.session_state["hints"].get(f.file_id, {}),
            mapping=mappings.get(f.file_id),
            wilayah=wilayah,
        )
        for f in files
    ]
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

    # conflicts of the batch: the user's pick (default none) is read before the Save button
    conflicts = batch_conflicts(results)
    batch_id = hashlib.sha256("|".join(u.sha256 for u in uploads).encode()).hexdigest()[:8]
    picks = {key: st.session_state.get(conflict_key(key, batch_id)) for key in conflicts}
    skip: set[int] = set()
    for key, positions in conflicts.items():
        skip |= {p for p in positions if p != picks[key]}
    statuses = [KONFLIK if pos in skip else file_status(a) for pos, a in enumerate(results)]
    skip |= {pos for pos, s in enumerate(statuses) if s in (KONFIRMASI, DITOLAK)}
    confirmed = {pos: "pemetaan dikonfirmasi" for pos, f in enumerate(files) if f.file_id in mappings}
    stored = in_force(store.import_history(limit=1_000_000, opd=scope)) if unit_scope is None else {}
    table = batch_frame(results, statuses, stored, confirmed)
    ready = [pos for pos, s in enumerate(statuses) if s in (SIAP, CATATAN)]

    st.subheader("Pratinjau")
    st.write(f"**{len(ready)}** dari **{len(analyses)}** berkas siap disimpan ({status_counts(statuses)}).")
    replacing = int((table["Menggantikan"] != "-").sum()) if not table.empty else 0
    if replacing:
        st.caption(
            f"{replacing} laporan akan menggantikan laporan yang sudah tersimpan untuk OPD dan bulan yang sama "
            "(kolom Menggantikan); laporan lama tetap ada di riwayat impor."
        )
    if st.button(
        f"Simpan {len(ready)} berkas ke basis data", type="primary", disabled=not ready, icon=":material/save:"
    ):
        bar = st.progress(0.0, text="Menyimpan ...")
        saved = session.save(
            store,
            current_user(),
            user,
            progress=lambda d, t, n: bar.progress(d / t, text=f"Menyimpan {d} dari {t}: {n}"),
            skip=skip,
        )
        st.session_state["last_results"] = [r for rs in saved for r in rs]
        ids = {(f.name, hashlib.sha256(f.getvalue()).hexdigest()): f.file_id for f in files}
        notes = []
        for up, analysis, rows in session.saved:
            wish = remember.get(ids.get((up.name, up.sha256), ""))
            if not wish or not analysis.reports or not any(r["status"] in ("accepted", "flagged") for r in rows):
                continue
            rep = analysis.reports[0]
            opd_kode = rep.opd.kode if rep.opd else None
            layout = layout_from(rep.header, wish[0], opd_kode).to_json()
            try:
                notes.append(layouts.save(store, user, wish[0], layout, opd_kode, shared=wish[1]))
            except layouts.LayoutRefused as exc:
                st.session_state["layout_refused"] = str(exc)
        st.session_state["layouts_saved"] = notes
        loaded = sorted(
            {
                (r["year"], r["month"])
                for rs in saved
                for r in rs
                if r["kind"] in ("realisasi", "kinerja") and r["status"] in ("accepted", "flagged")
            }
        )
        if loaded:
            set_period(*loaded[-1])  # show what was just imported
        st.session_state["upload_round"] += 1
        st.session_state["hints"] = {}
        st.session_state["mappings"] = {}
        st.session_state["remember"] = {}
        st.rerun()

    shown_status = st.pills(
        "Tampilkan status",
        [s for s in STATUS_ORDER if s in statuses],
        selection_mode="multi",
        key="status_filter",
    )
    visible = table[table["Status"].isin(shown_status)] if shown_status else table
    st.dataframe(
        visible.drop(columns=["_pos", "_rep"]).style.map(
            lambda v: f"background-color: {STATUS_COLOUR.get(v, '')}; color: #1f2328", subset=["Status"]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Berkas": st.column_config.TextColumn(width="medium"),
            "Menggantikan": st.column_config.TextColumn(width="medium"),
        },
    )

    if conflicts:
        st.subheader("Laporan ganda dalam unggahan ini")
        st.caption(
            "Dua berkas atau lebih berisi laporan OPD dan bulan yang sama. Hanya satu yang dapat berlaku: "
            "pilih berkas yang disimpan. Bila tidak dipilih, tidak ada yang disimpan; berkas lain tetap disimpan."
        )
        for key, positions in conflicts.items():
            opd_kode, year, month = key
            who = master.by_kode(opd_kode) or preview.by_kode(opd_kode)
            st.markdown(f"**{md_escape(who.nama if who else opd_kode)} - {month_name(month)} {year}**")
            cols = st.columns(len(positions))
            for col, pos in zip(cols, positions):
                a = results[pos]
                rep = next(r for r in a.reports if r.opd and (r.opd.kode, r.year, r.month) == key)
                with col.container(border=True):
                    st.markdown(f"**{md_escape(a.name)}**")
                    st.dataframe(
                        pd.DataFrame(
                            {
                                "Isian": ["Lembar", "Baris sub kegiatan", "Pagu", "Realisasi keuangan", "Fisik"],
                                "Nilai": [
                                    rep.sheet or "-",
                                    str(rep.rows),
                                    rupiah(rep.pagu),
                                    rupiah(rep.realisasi_keuangan),
                                    percent(rep.fisik_pct),
                                ],
                            }
                        ),
                        hide_index=True,
                        width="stretch",
                    )
            st.radio(
                "Berkas yang disimpan",
                [None] + positions,
                format_func=lambda p: "Belum dipilih (tidak disimpan)" if p is None else md_escape(results[p].name),
                key=conflict_key(key, batch_id),
                horizontal=True,
            )

    st.subheader("Rincian")
    choices = list(zip(table["_pos"], table["_rep"]))
    attention = [i for i, s in enumerate(table["Status"]) if s not in (SIAP, CATATAN)]
    detail_labels = {
        (int(p), int(r)): f"{row['Berkas']} - {row['Lembar']} - {row['OPD']} - {row['Periode']} ({row['Status']})"
        for (p, r), row in zip(choices, table.to_dict("records"))
    }
    picked = st.selectbox(
        "Pilih laporan untuk melihat rinciannya",
        list(detail_labels),
        index=attention[0] if attention else 0,
        format_func=lambda k: detail_labels[k],
        key=f"detail_{batch_id}",
    )
    pos, rep_i = picked if picked is not None else (0, 0)
    f, a = analyses[pos]
    detail_report(
        f.file_id,
        a,
        rep_i,
        statuses[pos],
        stored,
        master=preview,
        opd_names=opd_names,
        unit_names=unit_names,
        period_now=(year_now, month_now),
        user=user,
        data=uploads[pos].data,
    )

    blocked = [pos for pos, s in enumerate(statuses) if s in (KONFIRMASI, DITOLAK)]
    if blocked:
        st.subheader("Berkas yang belum dapat disimpan")
        st.caption(
            "Berkas ditolak: perbaiki sesuai pesan lalu unggah kembali. Berkas yang perlu konfirmasi: pilih "
            "laporannya di Rincian lalu lengkapi. Berkas lain tetap dapat disimpan."
        )
        frames = [issues_frame(results[pos]) for pos in blocked]
        errors = pd.concat([df[df["Tingkat"] == "Galat"] for df in frames])
        st.dataframe(
            errors,
            hide_index=True,
            width="stretch",
            column_config={"Pesan": st.column_config.TextColumn(width="large")},
        )

if unit_scope is None:
    held_panel(store, user, current_period()[0])

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
    if unit_scope is None:
        history_screen(shown, history).show()
        audited_download(
            "Unduh Excel (riwayat impor)",
            table_xlsx(history_export(shown, history), "Riwayat Impor", None, formats={"Pagu (Rp)": RUPIAH}),
            "riwayat_impor.xlsx",
            what="riwayat impor",
            key="dl_history",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
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
