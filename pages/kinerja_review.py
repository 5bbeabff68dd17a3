"""Review Kinerja: the Sekcam verifies a unit's monthly recap or returns it with a note
(SOP step 6), the Camat approves verified recaps (step 7); approved recaps are locked and
only an explicit reopen with a reason (Camat or admin) unlocks them. Every step is recorded
(review history) and audited by :func:`core.review.transition`.

Targets are the month's targets of :func:`core.kinerja.month_target` (bulanan, from the triwulan
target by the indicator's stok/alir rule), the same the unit saw on its form; the mean capaian of
a unit counts each capaian above the maximum of Pengaturan as that maximum."""

import streamlit as st

from core import review
from core import settings as settings_mod
from core.format import period_label
from core.kinerja import MONTH_TARGET_RULE, kinerja_recap, month_target_heading, period
from ui.auth import require_page
from ui.kinerja import history_frame, person, recap_display, review_overview, status_text, style_recap, when_text
from ui.safe import md_escape, show_table
from ui.state import current_period, get_store

BUTTON = {
    "verify": ("Verifikasi", ":material/verified:", "primary"),
    "return": ("Kembalikan ke unit", ":material/undo:", "secondary"),
    "approve": ("Setujui", ":material/approval:", "primary"),
    "reopen": ("Buka kembali", ":material/lock_open:", "secondary"),
}
# The step each role acts on first (the unit shown first when the page opens).
FIRST = {"reviewer": ("submitted",), "approver": ("verified",), "admin": ("submitted", "verified")}

user = require_page("review-kinerja", "kinerja_review")
store = get_store()
year, month = current_period()
label = period_label(year, month)
st.title("Review Kinerja")
st.caption(
    f"Rekap kinerja bulan **{label}**. Sekcam memverifikasi atau mengembalikan rekap dengan catatan; Camat "
    "menyetujui rekap yang sudah diverifikasi. Rekap yang disetujui terkunci 🔒; untuk mengubahnya, Camat "
    "atau admin membukanya kembali dengan alasan."
)

units = store.kinerja_units(year)
units = units[units["indikator"] > 0].reset_index(drop=True)
if units.empty:
    st.info(
        f"Belum ada indikator kinerja tahun {year}. Impor Perjanjian Kinerja di halaman Impor Laporan atau pilih "
        "tahun lain di samping.",
        icon=":material/inbox:",
    )
    st.stop()

flash = st.session_state.pop("review_flash", None)
if flash:
    st.success(md_escape(flash), icon=":material/task_alt:")

reviews = store.review_rows(year, month)
recap = kinerja_recap(store, year, month=month)
users = store.users()
people = dict(zip(users["username"], users["nama"]))
status = {int(u): s for u, s in zip(reviews["unit_id"], reviews["status"])}
counts = review.review_counts(units["id"], reviews)
c = st.columns(4)
c[0].metric("Menunggu verifikasi", counts["submitted"], border=True)
c[1].metric("Menunggu persetujuan", counts["verified"], border=True)
c[2].metric("Dikembalikan", counts["returned"], border=True)
c[3].metric("Disetujui 🔒", f"{counts['approved']} / {counts['total']}", border=True)
maks = settings_mod.load(store).kinerja_capaian_maks
show_table(review_overview(units, reviews, recap, people, maks), hide_index=True)

verified = [int(u) for u in units["id"] if status.get(int(u), "draft") == "verified"]
if user.role == "approver" and verified:
    if st.button(
        f"Setujui semua rekap yang sudah diverifikasi ({len(verified)} unit)",
        icon=":material/approval:",
        key="approve_all",
    ):
        try:
            done = review.approve_verified(store, year, month, user, unit_ids=verified)
        except review.ReviewError as exc:
            st.error(md_escape(str(exc)), icon=":material/error:")
        else:
            st.session_state["review_flash"] = f"{len(done)} rekap kinerja {label} disetujui dan terkunci."
            st.rerun()

st.divider()
names = dict(zip(units["id"].astype(int), units["nama"]))
order = list(names)
first = next((u for u in order if status.get(u, "draft") in FIRST.get(user.role, ())), order[0])
unit_id = st.selectbox("Unit kerja", order, index=order.index(first), key="review_unit", format_func=names.get)
state = status.get(unit_id, "draft")
row = reviews[reviews["unit_id"] == unit_id]
st.subheader(f"{md_escape(names[unit_id])}: {status_text(state)}")
if state == "approved":
    r = row.iloc[0]
    st.success(
        f"Disetujui oleh **{md_escape(person(people, r['approved_by']))}** pada {when_text(r['approved_at'])}. "
        "Rekap ini "
        "terkunci: nilai tidak dapat diubah kecuali dibuka kembali dengan alasan.",
        icon=":material/lock:",
    )

mine = recap[recap["unit_id"] == unit_id]
if mine["realisasi"].notna().any() or (mine["tidak_dilaporkan"] > 0).any():
    st.caption(f"Kolom Target: **{month_target_heading(month)}**. {MONTH_TARGET_RULE}")
    missing = int((mine["tidak_dilaporkan"] > 0).sum())
    if missing:
        st.warning(
            f"{missing} indikator **tidak dilaporkan**: realisasinya pada berkas unit tertulis teks, bukan angka "
            "(lihat kolom Catatan). Kembalikan ke unit bila angkanya diperlukan.",
            icon=":material/warning:",
        )
    show_table(style_recap(recap_display(mine, with_unit=False, with_months=False, with_status=False)), hide_index=True)
else:
    st.info(f"{md_escape(names[unit_id])} belum menyampaikan data bulan {label}.", icon=":material/hourglass_empty:")
note_now = store.analisis(year, period(year, month=month).key, unit_id)
if not note_now.empty:
    a = note_now.iloc[0]
    st.markdown(
        f"**Analisis Kasubbag Program dan Keuangan** ({md_escape(person(people, a['created_by']))}, "
        f"{when_text(a['created_at'])}):  \n"
        f"{md_escape(a['note'])}"
    )

actions = [a for a in review.allowed_actions(user, state, unit_id) if a in BUTTON]
if actions:
    needs_note = any(review.ACTIONS[a].note_required for a in actions)
    note = st.text_area(
        "Catatan" + (" (wajib untuk mengembalikan atau membuka kembali)" if needs_note else ""),
        key=f"review_note_{unit_id}_{year}_{month}",
        placeholder="mis. Realisasi indikator 2 tidak sesuai bukti; mohon diperiksa.",
    )
    bar = st.container(horizontal=True)
    for action in actions:
        text, icon, kind = BUTTON[action]
        if bar.button(text, icon=icon, type=kind, key=f"act_{action}"):
            try:
                new = review.transition(store, unit_id, year, month, action, user, note)
            except review.ReviewError as exc:
                st.error(md_escape(str(exc)), icon=":material/error:")
            else:
                step = review.STEP_LABEL[review.ACTIONS[action].step]
                st.session_state["review_flash"] = (
                    f"{names[unit_id]} {label}: {step}; status sekarang {status_text(new)}."
                )
                st.session_state.pop(f"review_note_{unit_id}_{year}_{month}", None)
                st.rerun()
else:
    why = {
        "draft": "Unit belum menyampaikan data; belum ada yang perlu direview.",
        "returned": "Rekap dikembalikan ke unit; menunggu unit memperbaiki dan mengirim ulang.",
        "submitted": "Menunggu verifikasi Sekcam.",
        "verified": "Menunggu persetujuan Camat.",
        "approved": "Rekap sudah disetujui dan terkunci.",
    }[state]
    st.caption(why)

events = store.review_events(year, month, unit_id)
st.markdown("**Riwayat**")
if events.empty:
    st.caption("Belum ada langkah tercatat untuk unit ini pada bulan ini.")
else:
    show_table(history_frame(events, people), hide_index=True)
