"""User-supplied text is never read as markdown or HTML (issue 15, item 4): the escape helper,
and a scan of views/ and ui/ for text arguments that interpolate data without it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from ui.safe import md_escape, safe_table

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = [
    "![x](http://evil/x.png)",
    "[Klik untuk verifikasi akun](http://evil)",
    "<img src=x onerror=alert(1)>",
    "**bold**",
    "www.evil.com dan admin@evil.com",
    "$x$ :red[merah] ~~coret~~ | a | b |",
    "baris 1\n# judul\n> kutipan\n1. daftar",
]


def _render(markdown: str) -> str:
    """The HTML CommonMark makes of ``markdown`` (markdown-it, GFM-like: tables, strikethrough,
    linkify); ``pytest.skip`` when the renderer is missing."""
    mdit = pytest.importorskip("markdown_it")
    md = mdit.MarkdownIt("gfm-like") if "gfm-like" in mdit.presets.__dict__ else mdit.MarkdownIt("commonmark")
    return md.render(markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_markdown_character_of_a_payload_is_escaped(payload):
    escaped = md_escape(payload)
    assert re.search(r"(?<!\\)[\[\]()<>!*_`#|$~:@.&=]", escaped) is None, escaped
    assert escaped.replace("\\", "").replace("  \n", "\n") == payload.replace("\n", "\n")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_payload_renders_as_its_text(payload):
    html = _render(md_escape(payload))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html and "<h1>" not in html
    assert "<blockquote>" not in html and "<ol>" not in html and "<del>" not in html and "<table>" not in html


def test_plain_text_is_unchanged_and_none_is_empty():
    assert md_escape("Dinas Kesehatan") == "Dinas Kesehatan"
    assert md_escape(None) == ""
    assert md_escape(12) == "12"


def test_tables_escape_every_text_cell():
    df = pd.DataFrame({"**Nama**": ["[x](http://evil)", "biasa"], "Nilai": [1, 2]})
    out = safe_table(df)
    assert out.iloc[0, 0] == md_escape("[x](http://evil)") and out.iloc[1, 0] == "biasa"
    assert list(out.columns) == [md_escape("**Nama**"), "Nilai"] and out.iloc[0, 1] == 1


# --------------------------------------------------------------------------- the scan
# Streamlit calls whose first argument is read as markdown (bodies, labels, options of radio).
MARKDOWN_CALLS = {
    "markdown", "write", "caption", "info", "warning", "error", "success", "subheader", "header", "title",
    "expander", "metric", "toast", "popover", "status", "text_input", "text_area", "button", "checkbox",
    "toggle", "radio", "selectbox", "multiselect", "number_input", "download_button", "form_submit_button",
}  # fmt: skip
# Helpers whose result is safe to interpolate: escaping, numbers, dates, fixed labels.
SAFE_CALLS = {
    "md_escape", "md_list", "period_label", "rupiah", "rupiah_compact", "percent", "number", "len", "int", "sum",
    "status_text", "role_label", "when_text", "value_text", "tanggal_panjang", "str_num", "format_target",
}  # fmt: skip


def _unsafe_parts(node: ast.AST) -> list[str]:
    """Interpolated expressions of an f-string (or of + concatenations) that carry data which
    was not escaped: a subscript or attribute of a record (``row['opd']``, ``user.nama``)."""
    out = []
    if isinstance(node, ast.JoinedStr):
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                out += _unsafe_parts_value(v.value)
    elif isinstance(node, ast.BinOp):
        out += _unsafe_parts(node.left) + _unsafe_parts(node.right)
    elif isinstance(node, ast.IfExp):
        out += _unsafe_parts(node.body) + _unsafe_parts(node.orelse)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        out += _unsafe_parts_value(node.args[0]) if node.args else []
    return out


def _unsafe_parts_value(expr: ast.AST) -> list[str]:
    if isinstance(expr, ast.Call):
        name = expr.func.id if isinstance(expr.func, ast.Name) else getattr(expr.func, "attr", "")
        if name in SAFE_CALLS or name == "map" and expr.args and getattr(expr.args[0], "id", "") == "md_escape":
            return []
        return [ast.unparse(expr)] if name in ("get", "person") else []
    if isinstance(expr, ast.GeneratorExp):
        return _unsafe_parts_value(expr.elt)
    if isinstance(expr, ast.Subscript) and not isinstance(expr.value, ast.Name | ast.Attribute):
        return []
    if isinstance(expr, ast.Subscript):
        key = expr.slice
        # row['opd'], names[unit_id], prow["file_name"]: records of the database
        if isinstance(key, ast.Constant) and isinstance(key.value, int):
            return []
        if ast.unparse(expr.value) in {"LABEL", "JENIS", "RAKOR_STATUS", "ROMAN", "BULAN", "KINDS"}:
            return []
        return [ast.unparse(expr)]
    if isinstance(expr, ast.Attribute) and expr.attr in {"nama", "name", "opd", "username", "sheet", "message"}:
        return [ast.unparse(expr)]
    return []


def test_no_page_interpolates_unescaped_data_into_markdown():
    found = []
    for path in sorted([*ROOT.glob("views/*.py"), *ROOT.glob("ui/*.py")]):
        if path.name == "auth.py":  # the sign-in module is another helper's; its one caption is listed below
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            if node.func.attr in MARKDOWN_CALLS:
                for part in _unsafe_parts(node.args[0]):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {part}")
    assert not found, "user text reaches markdown unescaped (wrap it in ui.safe.md_escape):\n" + "\n".join(found)


def test_no_page_calls_st_table_directly():
    """``st.table`` cells are markdown: pages show tables through ui.safe.show_table."""
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in sorted(ROOT.glob("views/*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "st.table(" in line
    ]
    assert not offenders, offenders
