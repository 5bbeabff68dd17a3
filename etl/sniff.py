"""Decide what a file really is, by its bytes, and refuse dangerous input before parsing.

Rules of DESIGN.md section 4: a file is read by what it is, not by its extension; oversized
files, zip bombs, encrypted files and non-spreadsheets are refused before any parser runs.
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field

from .issues import Issue, WARNING, reject

# Upload limit in MB: PANTAU_MAX_UPLOAD_MB (keep .streamlit/config.toml maxUploadSize in step).
MAX_FILE_BYTES = int(float(os.environ.get("PANTAU_MAX_UPLOAD_MB", "25")) * 1024 * 1024)
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # declared size of all zip members
MAX_COMPRESSION_RATIO = 200                 # declared / compressed, for large members

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = {
    b"\x89PNG": "gambar PNG",
    b"\xff\xd8\xff": "gambar JPEG",
    b"GIF8": "gambar GIF",
    b"%PDF": "dokumen PDF",
    b"II*\x00": "gambar TIFF",
    b"MM\x00*": "gambar TIFF",
}

_EXT_BY_FORMAT = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",),
                  "csv": (".csv", ".txt"), "html": (".html", ".htm")}


@dataclass
class Sniffed:
    """What the bytes are (``xlsx``, ``xls``, ``ods``, ``csv``, ``html``) plus warnings."""

    format: str
    warnings: list[Issue] = field(default_factory=list)
    text: str | None = None   # decoded text for csv/html


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
        raise reject("empty_file", f"Berkas '{name}' kosong (0 byte). Simpan ulang laporan dari "
                     "Excel lalu unggah kembali.")
    if size > max_bytes:
        raise reject("too_large", f"Berkas '{name}' berukuran {_mb(size)} MB, melebihi batas "
                     f"{max_bytes / 1048576:.0f} MB. Hapus lembar atau gambar yang tidak perlu, "
                     "atau pecah laporan per bulan.")
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for magic, what in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            raise reject("not_a_spreadsheet", f"Berkas '{name}' adalah {what}, bukan lembar kerja. "
                         "Unggah laporan dalam format Excel (.xlsx/.xls) atau CSV, bukan hasil "
                         "pindaian atau foto.", raw=what)
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        fmt = _check_zip(name, data)
    elif data.startswith(OLE_MAGIC):
        fmt = _check_ole(name, data)
    elif _looks_like_text(data):
        text, encoding = _decode(data)
        probe = text[:2048].lower()
        fmt = "html" if ("<table" in probe or "<html" in probe or "<!doctype html" in probe) else "csv"
        result = Sniffed(fmt, text=text)
        if fmt == "csv" and not any(d in text[:4096] for d in (";", ",", "\t")):
            raise reject("not_a_spreadsheet", f"Berkas '{name}' berisi teks biasa tanpa tabel "
                         "(tidak ada pemisah kolom ; atau ,). Unggah laporan dalam format Excel atau CSV.")
        if encoding == "cp1252":
            result.warnings.append(Issue(WARNING, "encoding", f"Berkas '{name}' bukan UTF-8; dibaca "
                                         "sebagai Windows-1252. Periksa huruf khusus pada uraian."))
        _warn_extension(name, ext, fmt, result.warnings)
        return result
    else:
        raise reject("not_a_spreadsheet", f"Berkas '{name}' tidak dikenali sebagai lembar kerja "
                     "(bukan Excel, ODS, CSV, atau tabel HTML). Buka di Excel lalu simpan sebagai .xlsx.")
    result = Sniffed(fmt)
    if fmt == "xlsx" and ext == ".xlsm":
        result.warnings.append(Issue(WARNING, "macro_ignored", f"Berkas '{name}' memuat makro; makro "
                                     "tidak dijalankan, hanya nilai sel yang dibaca."))
    _warn_extension(name, ext, fmt, result.warnings)
    return result


def _warn_extension(name: str, ext: str, fmt: str, warnings: list[Issue]) -> None:
    if ext and ext not in _EXT_BY_FORMAT.get(fmt, ()):
        label = {"csv": "teks CSV", "html": "tabel HTML (hasil ekspor aplikasi web)",
                 "xlsx": "Excel .xlsx", "xls": "Excel 97-2003 (.xls)", "ods": "OpenDocument"}[fmt]
        warnings.append(Issue(WARNING, "format_mismatch", f"Berkas '{name}' berekstensi {ext} tetapi "
                              f"isinya {label}; dibaca sesuai isinya. Sebaiknya simpan ulang sebagai .xlsx.",
                              raw=ext))


def _check_zip(name: str, data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
        raise reject("corrupt_file", f"Berkas '{name}' rusak atau terpotong (arsip zip tidak utuh), "
                     "mungkin unduhan atau salinan belum selesai. Salin ulang berkas asli lalu unggah kembali.")
    names = {info.filename for info in infos}
    declared = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if declared > MAX_UNCOMPRESSED_BYTES or (declared > 20 * 1048576
                                             and declared / compressed > MAX_COMPRESSION_RATIO):
        raise reject("decompression_bomb", f"Berkas '{name}' ditolak demi keamanan: isi yang "
                     f"dinyatakan {declared / 1048576:.0f} MB jika dibuka (dari {len(data) / 1048576:.1f} MB). "
                     "Laporan wajar jauh lebih kecil; periksa asal berkas dan simpan ulang dari Excel.",
                     raw=str(declared))
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
            return "xlsb"
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    raise reject("invalid_container", f"Berkas '{name}' adalah arsip zip, bukan buku kerja Excel "
                 f"(isi: {', '.join(sorted(names)[:4])}). Ekstrak arsip lalu unggah berkas Excel-nya.")


def _check_ole(name: str, data: bytes) -> str:
    # An encrypted .xlsx is an OLE container with these stream names (UTF-16LE in the directory).
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        raise reject("encrypted", f"Berkas '{name}' dilindungi kata sandi. Buka di Excel, hapus kata "
                     "sandi (File > Info > Protect Workbook), simpan, lalu unggah kembali.")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    raise reject("encrypted_or_corrupt", f"Berkas '{name}' tidak dapat dibaca: terproteksi kata sandi "
                 "atau rusak. Buka di Excel; jika diminta kata sandi, hapus proteksinya lalu simpan "
                 "ulang sebagai .xlsx.")
