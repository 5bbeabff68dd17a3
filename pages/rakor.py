"""Rakor & Tindak Lanjut (SOP steps 13-14): record a Rakor POK meeting and its decisions per
OPD, follow each decision up with dated notes, and download the Laporan pelaksanaan Rakor.

Admin records and edits; an OPD user sees and updates only its own OPD's follow-ups;
reviewer, approver and viewer read. The rules live in :mod:`core.tindak_lanjut`."""

import datetime as dt

import pandas as pd
import streamlit as st

from core import format as fmt
from core import tindak_lanjut as tl
from core.format import DATE_INPUT_FORMAT, number, period_label, tanggal_angka
from core.months import BULAN
from exports.table_xlsx import table_to_xlsx
from ui.auth import require_page
from ui.downloads import audited_download
from ui.safe import md_escape
from ui.state import current_period, get_store
from ui.tindak_lanjut import followup_display, followup_export, report_cached, style_late

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BULAN_OPSI = list(range(1, 13))
RAKOR_STATUS = {"draft": "Sedang dicatat", "final": "Ditetapkan"}

user = require_page("rakor", "rakor")
store = get_store()
year, month = current_period()
today = dt.date.today()
admin = tl.can_edit_rakor(user)
scope = user.opd_scope
names = {o.kode: o.nama for o in store.opds()}

st.title("Rakor & Tindak Lanjut")
st.caption(
    "Hasil Rapat Koordinasi Pengendalian Operasional Kegiatan (Rakor POK): keputusan per OPD dan tindak "
    "lanjutnya sampai selesai. Tindak lanjut yang melewati batas waktu ditandai merah."
    + (f" Anda melihat tindak lanjut **{md_escape(names.get(scope, scope))}** saja." if scope else "")
)
flash = st.session_state.pop("_rakor_flash", None)
if flash:
    st.success(md_escape(flash), icon=":material/check_circle:")


def show_errors(exc: Exception) -> None:
    """A refused change: every reason on its own line."""
    for message in getattr(exc, "messages", [str(exc)]):
        st.error(md_escape(message), icon=":material/error:")


def done(message: str) -> None:
    st.session_state["_rakor_flash"] = message
    st.rerun()


def meeting_form(key: str, values: dict, submit: str):
    """Fields of a meeting; returns the entered values when submitted, else None."""
    with st.form(key, border=True):
        c1, c2, c3 = st.columns([1.2, 1, 1])
        tanggal = c1.date_input(
            "Tanggal rakor", values["tanggal"], max_value=today, format=DATE_INPUT_FORMAT, key=f"{key}_tanggal"
        )
        bulan = c2.selectbox(
            "Realisasi s.d. bulan",
            BULAN_OPSI,
            index=values["bulan"] - 1,
            key=f"{key}_bulan",
            format_func=lambda m: BULAN[m - 1],
        )
        tahun = c3.number_input("Tahun anggaran", 2000, 2100, values["tahun"], step=1, key=f"{key}_tahun")
        c4, c5 = st.columns(2)
        tempat = c4.text_input(
            "Tempat", values["tempat"], key=f"{key}_tempat", placeholder="mis. Ruang Rapat Sekretariat Daerah"
        )
        pimpinan = c5.text_input(
            "Pimpinan rapat", values["pimpinan"], key=f"{key}_pimpinan", placeholder="mis. Sekretaris Daerah"
        )
        peserta = st.multiselect(
            "OPD peserta (hadir)",
            list(names),
            values["peserta"],
            format_func=names.get,
            key=f"{key}_peserta",
            placeholder="Pilih OPD yang hadir",
        )
        catatan = st.text_area("Catatan / arahan pimpinan (opsional)", values["catatan"] or "", key=f"{key}_catatan")
        if st.form_submit_button(submit, type="primary", icon=":material/save:"):
            return dict(
                tanggal=tanggal,
                tahun=int(tahun),
                bulan=int(bulan),
                tempat=tempat,
                pimpinan=pimpinan,
                peserta=peserta,
                catatan=catatan,
            )
    return None


def decision_form(rid: int, rakor: dict, rows: pd.DataFrame, final: bool) -> None:
    """One decision at a time (a new one, or one chosen from the list): OPD, permasalahan,
    keputusan, penanggung jawab, tenggat (dd-mm-yyyy), status; the rules in core.tindak_lanjut."""
    labels = {r.id: f"No. {r.id} · {r.opd} · {r.keputusan[:60]}" for r in rows.itertuples()}
    pick = st.selectbox(
        "Keputusan yang diisi",
        [None, *labels],
        format_func=lambda i: "Keputusan baru" if i is None else labels[i],
        key=f"tl_form_pick_{rid}",
        placeholder="Pilih keputusan",
    )
    old = None if pick is None else rows[rows["id"] == pick].iloc[0]
    n = st.session_state.get("_tl_form_n", 0)  # a fresh form after every save
    k = f"{rid}_{pick}_{n}"  # widget keys of this decision and save: the values entered start fresh
    with st.form(f"tl_form_{k}", border=True):
        st.markdown("**Keputusan baru**" if old is None else f"**Ubah keputusan No. {pick}**")
        opd_list = list(names)
        opd = st.selectbox(
            tl.FORM_LABELS["opd_kode"],
            opd_list,
            index=None if old is None else opd_list.index(old["opd_kode"]),
            format_func=names.get,
            placeholder="Pilih OPD",
            key=f"tl_f_opd_{k}",
        )
        masalah = st.text_area(
            tl.FORM_LABELS["masalah"], "" if old is None else old["masalah"] or "", height=80, key=f"tl_f_masalah_{k}"
        )
        keputusan = st.text_area(
            tl.FORM_LABELS["keputusan"],
            "" if old is None else old["keputusan"] or "",
            height=80,
            key=f"tl_f_keputusan_{k}",
        )
        c1, c2, c3 = st.columns(3)
        pic = c1.text_input(
            tl.FORM_LABELS["pic"],
            "" if old is None else old["pic"] or "",
            placeholder="mis. Kepala Bidang Bina Marga",
            key=f"tl_f_pic_{k}",
        )
        due = None if old is None else tl.to_date(old["batas_waktu"])
        batas = c2.date_input(
            tl.FORM_LABELS["batas_waktu"],
            value=due,
            min_value=min(filter(None, [due, rakor["tanggal"]])),
            format=DATE_INPUT_FORMAT,
            help="Tanggal hari-bulan-tahun (mis. 30-06-2026); kosongkan bila tidak ada tenggat.",
            key=f"tl_f_batas_{k}",
        )
        values: dict = dict(opd_kode=opd, masalah=masalah, keputusan=keputusan, pic=pic, batas_waktu=batas)
        if old is None:
            c3.text_input(tl.FORM_LABELS["status"], tl.STATUS_LABEL["open"], disabled=True, key=f"tl_f_status0_{k}")
        else:
            values["status"] = c3.selectbox(
                tl.FORM_LABELS["status"],
                list(tl.STATUS),
                index=list(tl.STATUS).index(old["status"]),
                format_func=tl.STATUS_LABEL.get,
                key=f"tl_f_status_{k}",
            )
            values["catatan"] = st.text_input(
                tl.FORM_LABELS["catatan"],
                placeholder="Wajib diisi bila status diubah: apa yang sudah dilakukan",
                key=f"tl_f_catatan_{k}",
            )
            if final or bool(old["dibatalkan"]):
                c4, c5 = st.columns([1, 3])
                values["dibatalkan"] = c4.checkbox(
                    tl.FORM_LABELS["dibatalkan"], bool(old["dibatalkan"]), key=f"tl_f_batal_{k}"
                )
                values["alasan_batal"] = c5.text_input(
                    tl.FORM_LABELS["alasan_batal"],
                    old["alasan_batal"] if isinstance(old["alasan_batal"], str) else "",
                    key=f"tl_f_alasan_{k}",
                )
        submitted = st.form_submit_button("Simpan keputusan", type="primary", icon=":material/save:")
    if submitted:
        form = tl.form_decision(rows, pick, values, opds=names, rakor_tanggal=rakor["tanggal"])
        if form.errors:
            show_errors(tl.RakorError(form.errors))
        elif form.empty:
            st.info("Tidak ada perubahan pada keputusan ini.", icon=":material/info:")
        else:
            try:
                message = tl.save_decision_form(store, user, rid, form, today=today)
            except (tl.RakorError, PermissionError) as exc:
                show_errors(exc)
            else:
                st.session_state["_tl_form_n"] = n + 1
                done(message)
    if old is not None and not final:
        if st.button(f"Hapus keputusan No. {pick}", icon=":material/delete:", key=f"tl_delete_{pick}"):
            try:
                counts = tl.save_decisions(store, user, rid, tl.DecisionChanges(deletes=[int(pick)]))
            except (tl.RakorError, PermissionError) as exc:
                show_errors(exc)
            else:
                st.session_state.pop(f"tl_form_pick_{rid}", None)
                done(f"Keputusan No. {pick} dihapus." if counts["dihapus"] else "Tidak ada yang dihapus.")


# keyed, so the tab in use stays open after a save (a decision entered, the next one follows); a new
# meeting opens its tab Hasil rakor, where its decisions are entered
if (next_tab := st.session_state.pop("_rakor_tab_next", None)) is not None:
    st.session_state["rakor_tab"] = next_tab
tabs = st.tabs(
    ["Tindak lanjut", "Hasil rakor"] + (["Catat rakor baru"] if admin else []), key="rakor_tab", on_change="rerun"
)

# ------------------------------------------------------------------------------------------ follow-ups
with tabs[0]:
    c1, c2, c3 = st.columns([1.4, 1.4, 1])
    if scope:
        opd_filter = scope
        c1.text_input("OPD", names.get(scope, scope), disabled=True, key="tl_opd_fixed")
    else:
        opd_filter = c1.selectbox("OPD", [None, *names], format_func=lambda k: names.get(k, "Semua OPD"), key="tl_opd")
    labels = list(tl.STATUS_LABEL.values())
    chosen = c2.multiselect("Status", labels, labels[:2], key="tl_status", placeholder="Semua status")
    only_late = c3.toggle("Hanya yang terlambat", key="tl_late")
    allf = tl.followups(store, opd_kode=opd_filter, as_of=today)
    view = allf[allf["status_label"].isin(chosen)] if chosen else allf
    if only_late:
        view = view[view["terlambat"]]
    opened = allf[allf["status"].isin(tl.OPEN)]
    m = st.columns(3)
    m[0].metric("Belum selesai", number(len(opened)), border=True)
    m[1].metric(
        "Terlambat",
        number(int(opened["terlambat"].sum())),
        border=True,
        help="Belum selesai dan batas waktunya sudah lewat.",
    )
    m[2].metric("Selesai", number(int((allf["status"] == "done").sum())), border=True)
    if view.empty:
        st.info(
            "Tidak ada tindak lanjut untuk penyaring ini."
            if not allf.empty
            else "Belum ada keputusan rakor yang dicatat" + (" untuk OPD Anda." if scope else "."),
            icon=":material/inbox:",
        )
    else:
        st.dataframe(followup_display(view, with_opd=not scope), hide_index=True, width="stretch", key="tl_table")
        audited_download(
            "Unduh Excel (tindak lanjut)",
            table_to_xlsx(followup_export(view), "Tindak Lanjut Hasil Rakor POK", f"Keadaan per {tl.tgl(today)}"),
            f"tindak_lanjut_{today:%Y-%m-%d}.xlsx",
            what="tindak lanjut rakor",
            key="dl_tl",
            mime=XLSX,
        )

        st.subheader("Perkembangan tindak lanjut")
        options = view["id"].tolist()
        label_of = {r.id: f"#{r.id} · {r.opd} · {r.keputusan[:70]}" for r in view.itertuples()}
        pick = st.selectbox("Pilih tindak lanjut", options, format_func=label_of.get, key="tl_pick")
        row = view[view["id"] == pick].iloc[0]
        hist = tl.history(store, int(pick))
        st.dataframe(
            pd.DataFrame(
                {
                    "Tanggal": hist["tanggal"].map(tl.tgl),
                    "Status": hist["status_label"],
                    "Catatan": hist["note"].fillna("(keputusan dicatat pada rakor)"),
                    "Oleh": hist["actor"],
                }
            ),
            hide_index=True,
            width="stretch",
            key="tl_history",
        )
        if tl.can_update_status(user, row["opd_kode"]):
            with st.form("tl_update", border=True, clear_on_submit=True):
                c1, c2 = st.columns([1, 1])
                status = c1.selectbox(
                    "Status baru",
                    list(tl.STATUS),
                    index=list(tl.STATUS).index(row["status"]),
                    format_func=tl.STATUS_LABEL.get,
                    key="tl_new_status",
                )
                tanggal = c2.date_input(
                    "Tanggal perkembangan", today, max_value=today, format=DATE_INPUT_FORMAT, key="tl_new_date"
                )
                note = st.text_area(
                    "Catatan perkembangan",
                    key="tl_new_note",
                    placeholder="Apa yang sudah dilakukan, kendala, rencana berikutnya",
                )
                if st.form_submit_button("Simpan perkembangan", type="primary", icon=":material/save:"):
                    try:
                        tl.update_status(store, user, int(pick), status, note, tanggal=tanggal, today=today)
                    except (tl.RakorError, PermissionError) as exc:
                        show_errors(exc)
                    else:
                        done(f"Perkembangan tindak lanjut #{pick} disimpan: {tl.STATUS_LABEL[status]}.")
        elif user.role in ("admin", "opd"):
            st.caption("Tindak lanjut ini milik OPD lain; Anda hanya dapat memperbarui tindak lanjut OPD Anda.")
        else:
            st.caption("Peran Anda hanya dapat membaca tindak lanjut.")

# ------------------------------------------------------------------------------------------ meetings
with tabs[1]:
    meetings = tl.meetings(store)
    if meetings.empty:
        st.info(
            "Belum ada rakor yang dicatat." + (" Catat rakor pada tab **Catat rakor baru**." if admin else ""),
            icon=":material/inbox:",
        )
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Tanggal": meetings["tanggal"].map(tl.tgl),
                    "Realisasi s.d.": [period_label(t, b) for t, b in zip(meetings["tahun"], meetings["bulan"])],
                    "Tempat": meetings["tempat"],
                    "Pimpinan": meetings["pimpinan"],
                    "OPD peserta": meetings["peserta"],
                    "Keputusan": meetings["keputusan"],
                    "Status": meetings["status"].map(RAKOR_STATUS),
                }
            ),
            hide_index=True,
            width="stretch",
            key="rakor_list",
        )
        ids = meetings["id"].tolist()
        nxt = st.session_state.pop("_rakor_pick_next", None)
        if nxt in ids:
            st.session_state["rakor_pick"] = nxt
        label_of = {
            r.id: f"{tl.tgl(r.tanggal)} · realisasi s.d. {period_label(r.tahun, r.bulan)}"
            for r in meetings.itertuples()
        }
        rid = st.selectbox("Pilih rakor", ids, format_func=label_of.get, key="rakor_pick")
        rakor = tl.get_rakor(store, int(rid))
        final = rakor["status"] == "final"
        st.markdown(
            f"**Rakor {fmt.tanggal(rakor['tanggal'])}** — realisasi s.d. "
            f"{period_label(rakor['tahun'], rakor['bulan'])} · {md_escape(rakor['tempat'] or '-')} · dipimpin "
            f"{md_escape(rakor['pimpinan'] or '-')} · {RAKOR_STATUS[rakor['status']]}"
        )
        st.caption("Peserta: " + (", ".join(md_escape(names.get(k, k)) for k in rakor["peserta"]) or "-"))
        if rakor["catatan"]:
            st.caption(f"Catatan: {md_escape(rakor['catatan'])}")
        if not scope:
            c1, c2 = st.columns(2)
            stamp = f"{rakor['tanggal']:%Y-%m-%d}"
            with c1:
                audited_download(
                    "Laporan pelaksanaan (Excel)",
                    report_cached(store, int(rid), "xlsx", today),
                    f"laporan_rakor_{stamp}.xlsx",
                    what="laporan pelaksanaan rakor",
                    key="dl_rakor_xlsx",
                    mime=XLSX,
                )
            with c2:
                audited_download(
                    "Laporan pelaksanaan (Word)",
                    report_cached(store, int(rid), "docx", today),
                    f"laporan_rakor_{stamp}.docx",
                    what="laporan pelaksanaan rakor",
                    key="dl_rakor_docx",
                    mime=DOCX,
                )

        st.subheader("Keputusan rakor")
        rows = tl.decisions(store, int(rid), as_of=today)
        if scope:
            rows = rows[rows["opd_kode"] == scope]
        if rows.empty:
            st.caption("Belum ada keputusan" + (" untuk OPD Anda" if scope else "") + " pada rakor ini.")
        else:
            table = pd.DataFrame(
                {
                    "No.": rows["id"],
                    "OPD": rows["opd"],
                    "Permasalahan": rows["masalah"],
                    "Keputusan / tindak lanjut": rows["keputusan"],
                    "Penanggung jawab": rows["pic"].fillna("-"),
                    "Batas waktu": rows["batas_waktu"].map(tanggal_angka),
                    "Status": rows["status_label"],
                }
            ).reset_index(drop=True)
            st.dataframe(
                style_late(table, rows["terlambat"].reset_index(drop=True)),
                hide_index=True,
                width="stretch",
                key="rakor_decisions",
                column_config={"No.": st.column_config.NumberColumn(format="%d", width="small")},
            )
        if admin:
            st.caption(
                "Isi atau ubah satu keputusan sekaligus lewat formulir di bawah. "
                + (
                    "Hasil rakor sudah ditetapkan: keputusan tidak dapat dihapus; centang **Dibatalkan** dan "
                    "isi alasannya bila keputusan tidak berlaku lagi."
                    if final
                    else "Selama rakor masih dicatat, keputusan dapat dihapus. Setelah ditetapkan, keputusan hanya "
                    "dapat dibatalkan dengan alasan."
                )
            )
            decision_form(int(rid), rakor, rows, final)
            if not final:
                with st.expander("Tetapkan hasil rakor"):
                    st.write(
                        "Setelah ditetapkan, keputusan tidak dapat dihapus lagi (hanya dapat dibatalkan dengan "
                        "alasan). Tetapkan setelah semua keputusan rakor tercatat."
                    )
                    if st.button("Tetapkan hasil rakor", icon=":material/verified:", key="rakor_final"):
                        try:
                            tl.finalize_rakor(store, user, int(rid))
                        except (tl.RakorError, PermissionError) as exc:
                            show_errors(exc)
                        else:
                            done(f"Hasil rakor tanggal {tl.tgl(rakor['tanggal'])} ditetapkan.")
            with st.expander("Ubah data rakor"):
                entered = meeting_form(f"rakor_edit_{rid}", rakor, "Simpan data rakor")
                if entered:
                    try:
                        changed = tl.update_rakor(store, user, int(rid), today=today, **entered)
                    except (tl.RakorError, PermissionError) as exc:
                        show_errors(exc)
                    else:
                        done("Data rakor diperbarui." if changed else "Tidak ada perubahan pada data rakor.")

# ------------------------------------------------------------------------------------------ new meeting
if admin:
    with tabs[2]:
        st.caption("Catat rakor yang sudah dilaksanakan. Keputusan per OPD diisi sesudahnya pada tab **Hasil rakor**.")
        entered = meeting_form(
            "rakor_new",
            dict(tanggal=today, tahun=year, bulan=month, tempat="", pimpinan="", peserta=[], catatan=""),
            "Simpan rakor",
        )
        if entered:
            try:
                new_id = tl.create_rakor(store, user, today=today, **entered)
            except (tl.RakorError, PermissionError) as exc:
                show_errors(exc)
            else:
                st.session_state["_rakor_pick_next"] = new_id
                st.session_state["_rakor_tab_next"] = "Hasil rakor"
                done(f"Rakor tanggal {tl.tgl(entered['tanggal'])} dicatat. Isi keputusannya di bawah.")
