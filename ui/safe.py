"""Showing user-supplied text safely.

Text that comes from uploaded files or forms (OPD names read from a DPA, permasalahan, solusi,
file names, indicator names, rakor notes, tindak lanjut, user names, messages quoting any of
them) must never be read as markdown or HTML by Streamlit: an image tag would fetch a URL of the
uploader's choice and a link would be clickable in another role's view. Every such value passed
to ``st.markdown``, ``st.caption``, ``st.info`` / ``warning`` / ``error`` / ``success``,
``st.subheader``, expander / tab / metric / widget labels, radio options or tooltips goes
through :func:`md_escape`; tables show it in dataframe cells (plain text).
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of
# them also defeats what Streamlit adds to markdown: GFM autolinks (http://, www., e-mail),
# tables, strikethrough, $math$, :color[directives] and raw HTML (< >, & entities).
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(value: object) -> str:
    """``value`` as markdown that shows exactly its text: every markdown and HTML character
    escaped, line breaks kept as line breaks. ``None`` is the empty string."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_PUNCT.sub(r"\\\1", line.strip()) for line in text.split("\n")]
    return "  \n".join(lines)


def md_list(values, sep: str = ", ") -> str:
    """Several user-supplied values joined by ``sep``, each escaped."""
    return sep.join(md_escape(v) for v in values)


def _cell(value: object) -> object:
    return md_escape(value) if isinstance(value, str) else value


def safe_table(data):
    """``data`` (a DataFrame or a pandas Styler) for ``st.table``, whose cells and headers are
    markdown: every text cell and column name escaped (the styling kept)."""
    from pandas.io.formats.style import Styler

    if isinstance(data, Styler):
        data.format(_cell)
        data.format_index(_cell, axis=1)
        return data
    out = data.map(_cell)
    out.columns = [_cell(c) for c in out.columns]
    return out


def show_table(data, **kwargs) -> None:
    """``st.table`` of :func:`safe_table` ``(data)``: every table of the pages goes through here."""
    import streamlit as st

    st.table(safe_table(data), **kwargs)
