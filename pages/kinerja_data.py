"""Data Kinerja: the recap per unit and indicator for a month, a triwulan or the year (target,
realisasi, capaian, predikat), the trend of each indicator across months, the Kasubbag's
analysis note per unit and period, the targets of the Perjanjian Kinerja (edited by the admin,
with history) and the rows of imported files that wait for a confirmed indicator match.
A ``unit`` user sees only its own unit.

A month's target is :func:`core.kinerja.month_target` (bulanan, from the triwulan target by the
indicator's stok/alir rule), as on the unit's form and the Sekcam's review. The summary
(:func:`core.kinerja.recap_summary`, also in the Excel recap) gives the predikat distribution,
the median capaian and the mean with capaian above the maximum of Pengaturan counted as that
maximum; the raw capaian stays on every row."""

import pandas as pd
import streamlit as st

from core import review
from core import settings as settings_mod
from core.format import percent, period_label
from core.kinerja import (
    MONTH_TARGET_RULE,
    ROMAN,
    kinerja_monthly,
    kinerja_recap,
    month_target_heading,
    recap_summary,
    target_text,
)
from core.kinerja_input import InputError, add_indikator, confirm_match, dismiss_match, update_indikator
from exports.table_xlsx import PERCENT, table_to_xlsx
from ui.auth import require_page
from ui.downloads import audited_download
from ui.kinerja import (
    AGREGASI_LABEL,
    ARAH_LABEL,
    candidate_label,
    candidates,
    period_of,
    predikat_css,
    predikat_frame,
    recap_display,
    recap_export,
    style_recap,
    summary_caption,
    trend_figure,
    value_text,
    when_text,
)
from ui.kinerja_downloads import recap_workbook_cached
from ui.safe import md_escape, show_table
from ui.state import current_period, get_store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"bulan": "Bulan", "triwulan": "Triwulan", "tahun": "Tahun"}

user = require_page("kinerja", "kinerja_data")
store = get_store()
year, month = current_period()
scope = user.unit_id if user.role == "unit" else None
st.title("Data Kinerja")

units = store.kinerja_units(year)
units = units[units["indikator"] > 0].reset_index(drop=True)
if scope is not None:
    units = units[units["id"] == scope].reset_index(drop=True)
if units.empty:
    st.info(
        f"Belum ada indikator kinerja tahun {year}"
        + (" untuk unit Anda" if scope is not None else "")
        + ". Perjanjian Kinerja diimpor oleh admin di halaman Impor Laporan; atau pilih tahun lain di samping.",
        icon=":material/inbox:",
    )
    st.stop()
names = dict(zip(units["id"].astype(int), units["nama"]))

flash = st.session_state.pop("data_flash", None)
if flash:
    st.success(md_escape(flash), icon=":material/task_alt:")

pending = store.pending_matches(tahun=year, unit_id=scope)
tabs = st.tabs(
    [
        "Rekap capaian",
        "Target (Perjanjian Kinerja)",
        f"Konfirmasi indikator ({len(pending)})" if len(pending) else "Konfirmasi indikator",
    ]
)

# ---------------------------------------------------------------------------- recap
with tabs[0]:
    c1, c2, c3 = st.columns([1.4, 1, 2])
    kind = c1.radio("Periode rekap", list(KINDS), format_func=KINDS.get, horizontal=True, key="data_kind")
    tw = None
    if kind == "triwulan":
        tw = c2.selectbox(
            "Triwulan",
            [1, 2, 3, 4],
            index=(month - 1) // 3,
            format_func=lambda t: f"Triwulan {ROMAN[t]}",
            key="data_tw",
        )
    elif kind == "bulan":
        c2.caption("Bulan mengikuti pilihan di samping.")
    if scope is None:
        unit_choice = c3.selectbox(
            "Unit kerja",
            [None] + list(names),
            key="data_unit",
            format_func=lambda u: "Semua unit" if u is None else names[u],
        )
    else:
        unit_choice = scope
        c3.markdown(f"Unit kerja: **{md_escape(names[scope])}**")
    p = period_of(year, kind, month, tw)
    args = dict(month=p.month, triwulan=p.triwulan, annual=p.annual)
    recap = kinerja_recap(store, year, unit_id=unit_choice, **args)
    cfg = settings_mod.load(store)
    summary = recap_summary(recap, cfg.kinerja_capaian_maks)

    st.subheader(f"Rekap capaian kinerja - {p.label}")
    m = st.columns(4)
    m[0].metric(
        "Indikator terisi",
        f"{summary['terisi']} / {summary['indikator']}",
        border=True,
        help="Indikator yang realisasinya berupa angka pada periode ini.",
    )
    m[1].metric(
        "Rata-rata capaian",
        percent(summary["rata_capaian"], dash="–"),
        border=True,
        help=f"Capaian di atas {percent(summary['maks'], 0)} dihitung {percent(summary['maks'], 0)}.",
    )
    m[2].metric("Median capaian", percent(summary["median_capaian"], dash="–"), border=True)
    m[3].metric("Indikator dengan capaian", summary["dengan_capaian"], border=True)
    left, right = st.columns([1, 1.6])
    with left:
        show_table(
            predikat_frame(summary).style.map(predikat_css, subset=["Predikat"]).hide(axis="index"), hide_index=True
        )
    with right:
        st.caption(summary_caption(summary))
        st.caption(
            "Capaian = realisasi / target × 100 (arah naik) atau (2 × target − realisasi) / target × 100 (arah "
            "turun). Predikat menurut Permendagri 86/2017. Triwulan/tahun: indikator stok memakai bulan "
            "terakhir yang terisi, indikator alir dijumlahkan."
        )
        if p.month:
            st.caption(f"Kolom Target: **{month_target_heading(p.month)}**. {MONTH_TARGET_RULE}")
    show_table(
        style_recap(recap_display(recap, with_unit=unit_choice is None, with_months=p.month is None)), hide_index=True
    )
    who = names[unit_choice] if unit_choice is not None else "semua unit"
    slug = f"{year}-{p.key.lower()}" + (f"_unit{unit_choice}" if unit_choice is not None else "")
    d1, d2 = st.columns([1.6, 1])
    with d1:
        audited_download(
            "Unduh rekap siap cetak (Excel: kop, status persetujuan, tanda tangan Camat)",
            recap_workbook_cached(store, year, p.month, p.triwulan, p.annual, unit_choice, settings_mod.load(store)),
            f"rekap_kinerja_{slug}.xlsx",
            what=f"rekap kinerja {who} {p.label}",
            key="dl_kinerja",
            mime=XLSX,
            type="primary",
        )
    with d2:
        audited_download(
            "Unduh tabel (Excel)",
            table_to_xlsx(
                recap_export(recap),
                f"Rekap Capaian Kinerja {who} - {p.label}",
                "Capaian dalam persen; predikat menurut Permendagri 86/2017.",
                formats={"Capaian (%)": PERCENT},
            ),
            f"tabel_kinerja_{slug}.xlsx",
            what=f"tabel rekap kinerja {who} {p.label}",
            key="dl_kinerja_tabel",
            mime=XLSX,
        )

    st.subheader("Tren per indikator")
    options = recap["indikator_id"].astype(int).tolist()
    labels = {
        int(i): (f"{n} - {u}" if unit_choice is None else n)
        for i, n, u in zip(recap["indikator_id"], recap["indikator"], recap["unit"])
    }
    ind_id = st.selectbox("Indikator", options, format_func=labels.get, key="trend_ind")
    if ind_id is not None:
        monthly = kinerja_monthly(store, year, unit_id=unit_choice, indikator_id=int(ind_id))
        st.plotly_chart(trend_figure(monthly, f"{labels[int(ind_id)]} - {year}"), config={"displaylogo": False})
        st.caption(
            "Batang: realisasi bulan itu (warna menurut predikat capaiannya); garis putus-putus: target bulan itu."
        )

    st.subheader(f"Analisis Kasubbag Program dan Keuangan - {p.label}")
    notes = store.analisis(year, p.key, unit_choice)
    if notes.empty:
        st.caption("Belum ada catatan analisis untuk periode ini.")
    else:
        show_table(
            pd.DataFrame(
                {
                    "Unit": notes["unit"],
                    "Analisis": notes["note"],
                    "Oleh": notes["created_by"],
                    "Waktu": notes["created_at"].map(when_text),
                    "Versi": notes["versi"],
                }
            ),
            hide_index=True,
        )
    if user.role == "admin":
        target_unit = (
            unit_choice
            if unit_choice is not None
            else st.selectbox("Unit yang dianalisis", list(names), format_func=names.get, key="analisis_unit")
        )
        current = notes[notes["unit_id"] == target_unit]["note"]
        with st.form(f"analisis_{target_unit}_{year}_{p.key}", border=True):
            text = st.text_area(
                f"Analisis dan evaluasi {md_escape(names[target_unit])} ({p.label})",
                key=f"analisis_text_{target_unit}_{year}_{p.key}",
                value=current.iloc[0] if len(current) else "",
                height=120,
                placeholder="mis. Capaian IKM di bawah target karena ...; langkah perbaikan ...",
            )
            if st.form_submit_button("Simpan analisis", icon=":material/save:"):
                try:
                    review.save_analysis(store, int(target_unit), year, p.key, text, user)
                except review.ReviewError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["data_flash"] = f"Analisis {names[target_unit]} {p.label} tersimpan."
                    st.rerun()
        history = store.analisis_history(int(target_unit), year, p.key)
        if len(history) > 1:
            with st.expander(f"Riwayat analisis {md_escape(names[target_unit])} ({len(history)} versi)"):
                st.dataframe(
                    pd.DataFrame(
                        {
                            "Waktu": history["created_at"].map(when_text),
                            "Oleh": history["created_by"],
                            "Analisis": history["note"],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )

# ---------------------------------------------------------------------------- targets
with tabs[1]:
    inds = store.indikator_frame(year, scope, include_inactive=user.role == "admin")
    table = pd.DataFrame(
        {
            "Unit": inds["unit"],
            "No": inds["no"],
            "Indikator": inds["nama"],
            "Satuan": inds["satuan"].fillna(""),
            "Arah": inds["arah"].map(ARAH_LABEL),
            "Agregasi": inds["agregasi"].map(AGREGASI_LABEL),
            "Target tahunan": [target_text(v, sat) for v, sat in zip(inds["target_tahunan"], inds["satuan"])],
            **{
                f"TW {ROMAN[t]}": [target_text(v, sat) for v, sat in zip(inds[f"target_tw{t}"], inds["satuan"])]
                for t in range(1, 5)
            },
            "Sumber": inds["source"].map({"import": "Impor PK", "manual": "Diisi di aplikasi"}),
            "Aktif": inds["active"].map({True: "Ya", False: "Tidak"}),
        }
    )
    st.caption(
        f"Indikator dan target Perjanjian Kinerja tahun {year}. Impor berkas PK di halaman Impor Laporan; "
        "admin dapat mengubah target di sini (setiap perubahan tercatat beserta alasannya)."
    )
    st.dataframe(
        table, hide_index=True, width="stretch", column_config={"Indikator": st.column_config.TextColumn(width="large")}
    )
    audited_download(
        "Unduh Excel (target)",
        table_to_xlsx(
            inds[
                [
                    "unit",
                    "no",
                    "nama",
                    "satuan",
                    "arah",
                    "agregasi",
                    "target_tahunan",
                    "target_tw1",
                    "target_tw2",
                    "target_tw3",
                    "target_tw4",
                ]
            ].set_axis(
                [
                    "Unit",
                    "No",
                    "Indikator",
                    "Satuan",
                    "Arah",
                    "Agregasi",
                    "Target Tahunan",
                    "Target TW I",
                    "Target TW II",
                    "Target TW III",
                    "Target TW IV",
                ],
                axis=1,
            ),
            f"Target Perjanjian Kinerja {year}",
        ),
        f"target_kinerja_{year}.xlsx",
        what="target kinerja",
        key="dl_targets",
        mime=XLSX,
    )

    if user.role == "admin" and not inds.empty:
        st.subheader("Ubah indikator")
        ind_labels = {int(i): f"{u} - {n}" for i, u, n in zip(inds["id"], inds["unit"], inds["nama"])}
        edit_id = st.selectbox("Indikator", list(ind_labels), format_func=ind_labels.get, key="edit_ind")
        ind = store.indikator_get(int(edit_id))
        with st.form(f"edit_ind_{edit_id}", border=True):
            nama = st.text_input("Nama indikator", value=ind["nama"], key=f"e_nama_{edit_id}")
            c = st.columns(3)
            satuan = c[0].text_input("Satuan", value=ind["satuan"] or "", key=f"e_satuan_{edit_id}")
            arah = c[1].selectbox(
                "Arah",
                list(ARAH_LABEL),
                index=list(ARAH_LABEL).index(ind["arah"]),
                format_func=ARAH_LABEL.get,
                key=f"e_arah_{edit_id}",
            )
            agregasi = c[2].selectbox(
                "Agregasi",
                list(AGREGASI_LABEL),
                index=list(AGREGASI_LABEL).index(ind["agregasi"]),
                format_func=AGREGASI_LABEL.get,
                key=f"e_agg_{edit_id}",
            )
            t = st.columns(5)
            targets = {
                "target_tahunan": t[0].text_input(
                    "Target tahunan", value=value_text(ind["target_tahunan"], ""), key=f"e_tahunan_{edit_id}"
                )
            }
            for n in range(1, 5):
                targets[f"target_tw{n}"] = t[n].text_input(
                    f"Target TW {ROMAN[n]}", value=value_text(ind[f"target_tw{n}"], ""), key=f"e_tw{n}_{edit_id}"
                )
            active = st.checkbox("Aktif (dipakai dalam rekap)", value=bool(ind["active"]), key=f"e_active_{edit_id}")
            reason = st.text_input(
                "Alasan perubahan (wajib)", placeholder="mis. PK perubahan tanggal ...", key=f"e_reason_{edit_id}"
            )
            if st.form_submit_button("Simpan perubahan indikator", icon=":material/save:"):
                fields = dict(
                    nama=nama.strip(),
                    satuan=satuan.strip() or None,
                    arah=arah,
                    agregasi=agregasi,
                    active=active,
                    **{k: (v if v.strip() else None) for k, v in targets.items()},
                )
                if not reason.strip():
                    st.error(
                        "Tuliskan alasan perubahan; alasan dicatat dalam riwayat indikator dan log audit.",
                        icon=":material/error:",
                    )
                else:
                    try:
                        update_indikator(store, int(edit_id), fields, user, reason.strip())
                    except InputError as exc:
                        st.error("\n".join(f"- {x}" for x in exc.problems), icon=":material/error:")
                    else:
                        st.session_state["data_flash"] = f"Indikator '{fields['nama']}' diperbarui."
                        st.rerun()
        hist = store.indikator_history(int(edit_id))
        if not hist.empty:
            with st.expander(f"Riwayat indikator ini ({len(hist)} perubahan)"):
                st.dataframe(
                    pd.DataFrame(
                        {
                            "Diubah": hist["changed_at"].map(when_text),
                            "Oleh": hist["changed_by"],
                            "Alasan": hist["reason"],
                            "Nama sebelumnya": hist["nama"],
                            "Satuan": hist["satuan"],
                            "Target tahunan": hist["target_tahunan"].map(value_text),
                            **{f"TW {ROMAN[n]}": hist[f"target_tw{n}"].map(value_text) for n in range(1, 5)},
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )
        with st.expander("Tambah indikator baru", icon=":material/add:"):
            with st.form("add_ind", border=False):
                new_unit = st.selectbox("Unit kerja", list(names), format_func=names.get, key="n_unit")
                new_nama = st.text_input("Nama indikator", key="n_nama")
                c = st.columns(3)
                new_satuan = c[0].text_input("Satuan", key="n_satuan")
                new_arah = c[1].selectbox("Arah", list(ARAH_LABEL), format_func=ARAH_LABEL.get, key="n_arah")
                new_agg = c[2].selectbox("Agregasi", list(AGREGASI_LABEL), format_func=AGREGASI_LABEL.get, key="n_agg")
                t = st.columns(5)
                new_targets = {"target_tahunan": t[0].text_input("Target tahunan", key="n_tahunan")}
                for n in range(1, 5):
                    new_targets[f"target_tw{n}"] = t[n].text_input(f"Target TW {ROMAN[n]}", key=f"n_tw{n}")
                if st.form_submit_button("Tambah indikator", icon=":material/add:"):
                    try:
                        add_indikator(
                            store,
                            int(new_unit),
                            year,
                            dict(
                                nama=new_nama.strip(),
                                satuan=new_satuan.strip() or None,
                                arah=new_arah,
                                agregasi=new_agg,
                                **{k: (v if v.strip() else None) for k, v in new_targets.items()},
                            ),
                            user,
                        )
                    except InputError as exc:
                        st.error("\n".join(f"- {x}" for x in exc.problems), icon=":material/error:")
                    else:
                        st.session_state["data_flash"] = f"Indikator '{new_nama.strip()}' ditambahkan."
                        st.rerun()

# ---------------------------------------------------------------------------- held matches
with tabs[2]:
    st.caption(
        "Baris berkas kinerja yang nama indikatornya tidak pasti cocok dengan Perjanjian Kinerja. Nilainya "
        "belum dipakai dalam rekap sampai Anda memilih indikator yang benar (atau mengabaikannya dengan "
        "alasan). "
        "Pantau tidak pernah menempelkan nilai ke indikator tanpa kepastian."
    )
    if pending.empty:
        st.success("Tidak ada baris yang menunggu konfirmasi indikator.", icon=":material/check_circle:")
    may_act = user.role in ("admin", "unit")
    unit_inds = {}
    for prow in pending.to_dict("records"):
        imp, line = int(prow["import_id"]), int(prow["row"])
        with st.container(border=True):
            st.markdown(
                f"**{md_escape(prow['unit'])}** · {period_label(int(prow['tahun']), int(prow['bulan']))} · berkas "
                f"*{md_escape(prow['file_name'])}* "
                f"(impor #{imp}), baris {line}"
            )
            st.markdown(
                f"Nama di berkas: **“{md_escape(prow['nama_file'])}”** · "
                f"satuan: {md_escape(prow['satuan_file'] or '-')} · "
                f"target di berkas: {value_text(prow['target_file'])} · realisasi: "
                f"**{value_text(prow['realisasi'])}**"
            )
            cands = candidates(prow)
            if prow["unit_id"] not in unit_inds:
                ui = store.indikator_frame(int(prow["tahun"]), int(prow["unit_id"]))
                unit_inds[prow["unit_id"]] = dict(zip(ui["id"].astype(int), zip(ui["nama"], ui["satuan"])))
            shown = {int(c["id"]): candidate_label(c) for c in cands if c.get("id") is not None}
            others = {
                i: f"{n} ({s}) - indikator lain unit ini" if s else f"{n} - indikator lain unit ini"
                for i, (n, s) in unit_inds[prow["unit_id"]].items()
                if i not in shown
            }
            choices = {**shown, **others}
            if not may_act:
                st.caption(
                    ("Kandidat: " + "; ".join(map(md_escape, shown.values())))
                    if shown
                    else "Tidak ada kandidat yang mirip."
                )
                continue
            pick = st.radio(
                "Indikator yang dimaksud",
                [None] + list(choices),
                key=f"pick_{imp}_{line}",
                format_func=lambda i, choices=choices: "- pilih indikator -" if i is None else md_escape(choices[i]),
            )
            c = st.columns([1, 2, 1])
            if c[0].button(
                "Konfirmasi", key=f"confirm_{imp}_{line}", type="primary", icon=":material/link:", disabled=pick is None
            ):
                try:
                    confirm_match(store, imp, line, int(pick), user)
                except review.ReviewError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["data_flash"] = (
                        f"Baris {line} ('{prow['nama_file']}') dipasangkan ke indikator "
                        f"'{choices[pick].split(' - ')[0]}'."
                    )
                    st.rerun()
            reason = c[1].text_input(
                "Alasan mengabaikan",
                key=f"why_{imp}_{line}",
                label_visibility="collapsed",
                placeholder="alasan mengabaikan (mis. bukan indikator PK)",
            )
            if c[2].button("Abaikan", key=f"dismiss_{imp}_{line}", icon=":material/block:"):
                try:
                    dismiss_match(store, imp, line, user, reason)
                except review.ReviewError as exc:
                    st.error(md_escape(str(exc)), icon=":material/error:")
                else:
                    st.session_state["data_flash"] = f"Baris {line} ('{prow['nama_file']}') diabaikan."
                    st.rerun()
