"""Decide what a file really is, by its bytes, and refuse dangerous input before parsing.

Rules of DESIGN.md section 4: a file is read by what it is, not by its extension; oversized
files, zip bombs, encrypted files and non-spreadsheets are refused before any parser runs.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from dataclasses import dataclass, field

from .issues import WARNING, Issue, reject

# Upload limit in MB: PANTAU_MAX_UPLOAD_MB (keep .streamlit/config.toml maxUploadSize in step).
MAX_FILE_BYTES = int(float(os.environ.get("PANTAU_MAX_UPLOAD_MB", "25")) * 1024 * 1024)
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # declared size of all zip members
MAX_COMPRESSION_RATIO = 200  # declared / compressed, for large members

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BIFF8_GLOBALS_BOF = b"\x09\x08\x10\x00\x00\x06\x05\x00"  # BOF record, BIFF8, workbook globals
_IMAGE_MAGIC = {
    b"\x89PNG": "gambar PNG",
    b"\xff\xd8\xff": "gambar JPEG",
    b"GIF8": "gambar GIF",
    b"%PDF": "dokumen PDF",
    b"II*\x00": "gambar TIFF",
    b"MM\x00*": "gambar TIFF",
}

_EXT_BY_FORMAT = {
    "xlsx": (".xlsx", ".xlsm"),
    "xls": (".xls",),
    "ods": (".ods",),
    "xlsb": (".xlsb",),
    "csv": (".csv", ".txt"),
    "html": (".html", ".htm"),
}
_FORMAT_LABEL = {
    "csv": "teks CSV",
    "html": "tabel HTML (hasil ekspor aplikasi web)",
    "xlsx": "Excel .xlsx",
    "xls": "Excel 97-2003 (.xls)",
    "ods": "OpenDocument",
    "xlsb": "Excel Binary (.xlsb)",
}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Office documents that are zip archives but not workbooks: a part they always have -> what they are.
_OTHER_OFFICE = {"word/document.xml": "dokumen Word (.docx)", "ppt/presentation.xml": "presentasi PowerPoint (.pptx)"}


@dataclass
class Sniffed:
    """What the bytes are (``xlsx``, ``xls``, ``ods``, ``csv``, ``html``) plus warnings."""

    format: str
    warnings: list[Issue] = field(default_factory=list)
    text: str | None = None  # decoded text for csv/html
    archive: zipfile.ZipFile | None = field(default=None, repr=False, compare=False)  # zip formats: opened once


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".replace(".", ",")


def _decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (with or without BOM), else Windows-1252."""
    for enc in ("utf-8-sig", "utf-16"):
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"\x00" not in head


def sniff(name: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> Sniffed:
    """Identify ``data`` or raise :class:`~etl.issues.Rejected` with a clear message."""
    size = len(data)
    if size == 0:
        raise reject(
            "empty_file", f"Berkas '{name}' kosong (0 byte). Simpan ulang laporan dari Excel lalu unggah kembali."
        )
    if size > max_bytes:
        raise reject(
            "too_large",
            f"Berkas '{name}' berukuran {_mb(size)} MB, melebihi batas "
            f"{max_bytes / 1048576:.0f} MB. Hapus lembar atau gambar yang tidak perlu, "
            "atau pecah laporan per bulan.",
        )
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for magic, what in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            raise reject(
                "not_a_spreadsheet",
                f"Berkas '{name}' adalah {what}, bukan lembar kerja. "
                "Unggah laporan dalam format Excel (.xlsx/.xls) atau CSV, bukan hasil "
                "pindaian atau foto.",
                raw=what,
            )
    macro, archive = False, None
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        fmt, macro, archive = _check_zip(name, data)
    elif data.startswith(OLE_MAGIC):
        fmt = _check_ole(name, data)
    elif _looks_like_text(data):
        text, encoding = _decode(data)
        if not text.strip():
            raise reject(
                "empty_file",
                f"Berkas '{name}' tidak berisi data (hanya baris kosong). Simpan ulang "
                "laporan dari Excel lalu unggah kembali.",
            )
        probe = text[:2048].lower()
        fmt = "html" if ("<table" in probe or "<html" in probe or "<!doctype html" in probe) else "csv"
        result = Sniffed(fmt, text=text)
        if fmt == "csv" and not any(d in text[:4096] for d in (";", ",", "\t")):
            raise reject(
                "not_a_spreadsheet",
                f"Berkas '{name}' berisi teks biasa tanpa tabel "
                "(tidak ada pemisah kolom ; atau ,). Unggah laporan dalam format Excel atau CSV.",
            )
        if encoding == "cp1252":
            result.warnings.append(
                Issue(
                    WARNING,
                    "encoding",
                    f"Berkas '{name}' bukan UTF-8; dibaca sebagai Windows-1252. Periksa huruf khusus pada uraian.",
                )
            )
        _warn_extension(name, ext, fmt, result.warnings)
        return result
    else:
        raise reject(
            "not_a_spreadsheet",
            f"Berkas '{name}' tidak dikenali sebagai lembar kerja "
            "(bukan Excel, ODS, CSV, atau tabel HTML). Buka di Excel lalu simpan sebagai .xlsx.",
        )
    result = Sniffed(fmt, archive=archive)
    if fmt == "xlsx" and (ext == ".xlsm" or macro):
        result.warnings.append(
            Issue(
                WARNING,
                "macro_ignored",
                f"Berkas '{name}' memuat makro; makro tidak dijalankan, hanya nilai sel yang dibaca.",
            )
        )
    _warn_extension(name, ext, fmt, result.warnings)
    return result


def _warn_extension(name: str, ext: str, fmt: str, warnings: list[Issue]) -> None:
    if ext and ext not in _EXT_BY_FORMAT.get(fmt, ()):
        label = _FORMAT_LABEL[fmt]
        warnings.append(
            Issue(
                WARNING,
                "format_mismatch",
                f"Berkas '{name}' berekstensi {ext} tetapi "
                f"isinya {label}; dibaca sesuai isinya. Sebaiknya simpan ulang sebagai .xlsx.",
                raw=ext,
            )
        )


def _check_zip(name: str, data: bytes) -> tuple[str, bool, zipfile.ZipFile]:
    """The format of a zip container, whether it holds a VBA project (macros), and the opened archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
        raise reject(
            "corrupt_file",
            f"Berkas '{name}' rusak atau terpotong (arsip zip tidak utuh), "
            "mungkin unduhan atau salinan belum selesai. Salin ulang berkas asli lalu unggah kembali.",
        ) from None
    names = {info.filename for info in infos}
    declared = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if declared > MAX_UNCOMPRESSED_BYTES or (declared > 20 * 1048576 and declared / compressed > MAX_COMPRESSION_RATIO):
        raise reject(
            "decompression_bomb",
            f"Berkas '{name}' ditolak demi keamanan: isi yang "
            f"dinyatakan {declared / 1048576:.0f} MB jika dibuka (dari {len(data) / 1048576:.1f} MB). "
            "Laporan wajar jauh lebih kecil; periksa asal berkas dan simpan ulang dari Excel.",
            raw=str(declared),
        )
    macro = "xl/vbaProject.bin" in names
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
            return "xlsb", macro, archive
        return "xlsx", macro, archive
    if "content.xml" in names and "mimetype" in names:
        mimetype = _read_small(archive, "mimetype")
        if mimetype.strip().startswith(ODS_MIMETYPE):  # also the -template variant
            return "ods", False, archive
        kind = {
            b"application/vnd.oasis.opendocument.text": "dokumen teks OpenDocument (.odt)",
            b"application/vnd.oasis.opendocument.presentation": "presentasi OpenDocument (.odp)",
        }.get(mimetype.strip(), "dokumen OpenDocument yang bukan lembar kerja")
        raise reject(
            "invalid_container",
            f"Berkas '{name}' adalah {kind}, bukan lembar kerja. Salin tabelnya ke "
            "Excel atau LibreOffice Calc, simpan sebagai .xlsx, lalu unggah kembali.",
            raw=kind,
        )
    other = next((what for part, what in _OTHER_OFFICE.items() if part in names), None)
    if other:
        raise reject(
            "invalid_container",
            f"Berkas '{name}' adalah {other}, bukan buku kerja Excel. Salin tabelnya "
            "ke Excel, simpan sebagai .xlsx, lalu unggah kembali.",
            raw=other,
        )
    raise reject(
        "invalid_container",
        f"Berkas '{name}' adalah arsip zip, bukan buku kerja Excel "
        f"(isi: {', '.join(sorted(names)[:4])}). Ekstrak arsip lalu unggah berkas Excel-nya.",
    )


def _read_small(archive: zipfile.ZipFile, member: str, limit: int = 256) -> bytes:
    """The first ``limit`` bytes of a zip member (b"" when it cannot be read)."""
    try:
        with archive.open(member) as fh:
            return fh.read(limit)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError, KeyError, RuntimeError):
        return b""


def _check_ole(name: str, data: bytes) -> str:
    # An encrypted .xlsx is an OLE container with these stream names (UTF-16LE in the directory).
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        raise reject(
            "encrypted",
            f"Berkas '{name}' dilindungi kata sandi. Buka di Excel, hapus kata "
            "sandi (File > Info > Protect Workbook), simpan, lalu unggah kembali.",
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        try:
            problem = _cfb_problem(data)
        except (struct.error, IndexError, ValueError):
            problem = "struktur berkas tidak sah"
        if problem:
            raise reject(
                "corrupt_file",
                f"Berkas '{name}' rusak atau terpotong ({problem}), mungkin unduhan atau "
                "salinan belum selesai. Salin ulang berkas asli, atau buka di Excel dan simpan ulang sebagai "
                ".xlsx, lalu unggah kembali.",
                raw=problem,
            )
        # A password-protected .xls: a FILEPASS record (0x002F) right after the globals' BOF record.
        bof = data.find(_BIFF8_GLOBALS_BOF)
        while bof != -1:
            if data[bof + 20 : bof + 22] == b"\x2f\x00":
                raise reject(
                    "encrypted",
                    f"Berkas '{name}' dilindungi kata sandi. Buka di Excel, hapus kata "
                    "sandi (File > Info > Protect Workbook), simpan, lalu unggah kembali.",
                )
            bof = data.find(_BIFF8_GLOBALS_BOF, bof + 1)
        return "xls"
    raise reject(
        "encrypted_or_corrupt",
        f"Berkas '{name}' tidak dapat dibaca: terproteksi kata sandi "
        "atau rusak. Buka di Excel; jika diminta kata sandi, hapus proteksinya lalu simpan "
        "ulang sebagai .xlsx.",
    )


_ENDOFCHAIN, _RESERVED = 0xFFFFFFFE, 0xFFFFFFFA


def _cfb_problem(data: bytes) -> str | None:
    """What is wrong with the structure of an OLE2 compound file (the container of .xls), or None.

    Checks what the parser would otherwise trust: every sector number of the sector tables and of
    the chains of the directory and the workbook stream must lie inside the file, no chain may
    loop, and no stated size may exceed the file. (A damaged table makes python-calamine
    allocate gigabytes and abort.)
    """
    if len(data) < 1024:
        return "bagian awal berkas tidak lengkap"
    byte_order, sector_shift, mini_shift = struct.unpack_from("<HHH", data, 28)
    if byte_order != 0xFFFE or sector_shift not in (9, 12) or mini_shift != 6:
        return "kepala berkas tidak sah"
    size = 1 << sector_shift
    n_sectors = (len(data) - size + size - 1) // size  # the header takes the first sector
    dir_sectors, fat_sectors, dir_start = struct.unpack_from("<III", data, 40)
    minifat_start, minifat_sectors, difat_start = struct.unpack_from("<III", data, 60)
    if max(dir_sectors, fat_sectors, minifat_sectors) > n_sectors:
        return "jumlah sektor melebihi ukuran berkas"

    def sector(i: int) -> bytes:
        return data[(i + 1) * size : (i + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 76))
    seen: set[int] = set()
    sid = difat_start
    while sid < _RESERVED:
        if sid >= n_sectors or sid in seen:
            return "tabel sektor DIFAT tidak sah"
        seen.add(sid)
        difat_ids = struct.unpack(f"<{size // 4}I", sector(sid).ljust(size, b"\xff"))
        difat.extend(difat_ids[:-1])
        sid = difat_ids[-1]
    fat: list[int] = []
    for sid in difat:
        if sid >= 0xFFFFFFFC:
            continue
        if sid >= n_sectors:
            return "tabel sektor FAT menunjuk ke luar berkas"
        fat.extend(struct.unpack(f"<{size // 4}I", sector(sid).ljust(size, b"\xff")))

    def chain(start: int) -> list[int] | None:
        ids, seen_ids, sid = [], set(), start
        while sid != _ENDOFCHAIN:
            if sid >= n_sectors or sid >= len(fat) or sid in seen_ids:
                return None
            seen_ids.add(sid)
            ids.append(sid)
            sid = fat[sid]
        return ids

    dirs = chain(dir_start)
    if not dirs:
        return "direktori isi berkas rusak"
    directory = b"".join(sector(i) for i in dirs)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        return "direktori isi berkas kosong"
    root_start, root_size = struct.unpack_from("<II", entries[0], 116)
    if minifat_sectors and (root_size > len(data) or chain(root_start) is None or chain(minifat_start) is None):
        return "aliran kecil mini stream rusak"
    for entry in entries:
        name_len = struct.unpack_from("<H", entry, 64)[0]
        name = entry[: max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        if entry[66] != 2 or name not in ("Workbook", "Book"):
            continue
        start, stream_size = struct.unpack_from("<II", entry, 116)
        if stream_size > len(data):
            return f"aliran {name} mengaku {stream_size} byte, lebih besar dari berkasnya"
        if stream_size >= 4096:
            ids = chain(start)
            if ids is None or len(ids) * size < stream_size:
                return f"rantai sektor aliran {name} terputus"
    return None
