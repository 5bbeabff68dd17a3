"""Plotly charts with one palette and Indonesian labels, readable on a projector."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.colors import COLOURS
from core.format import percent, rupiah_compact
from core.months import BULAN
from core.recap import target_serapan as recap_target_serapan

LIGHT_LABEL = {"hijau": "Hijau", "kuning": "Kuning", "merah": "Merah", None: "-"}
LIGHT_DOT = {"hijau": "🟢 Hijau", "kuning": "🟡 Kuning", "merah": "🔴 Merah", None: "⚪ -"}
_LAYOUT = dict(
    font=dict(size=16),
    margin=dict(l=10, r=10, t=50, b=10),
    legend=dict(orientation="h", y=-0.15),
    separators=",.",
    plot_bgcolor="white",
)


def kurva_s_figure(curve: pd.DataFrame, target_serapan: list[float], title: str) -> go.Figure:
    """Cumulative target vs realisation by month: fisik (target and realisasi) and keuangan
    against the target absorption curve."""
    months = [BULAN[m - 1][:3] for m in curve["bulan"]]
    fig = go.Figure()
    fig.add_scatter(
        x=months,
        y=curve["target_fisik_pct"],
        name="Target fisik",
        mode="lines+markers",
        line=dict(color=COLOURS["target"], dash="dash", width=3),
    )
    fig.add_scatter(
        x=months,
        y=curve["fisik_pct"],
        name="Realisasi fisik",
        mode="lines+markers",
        line=dict(color=COLOURS["fisik"], width=4),
    )
    flat = pd.Series([target_serapan[m - 1] for m in curve["bulan"]], index=curve.index, dtype="float64")
    flat = recap_target_serapan(curve, flat)  # the anggaran kas where loaded, the flat curve for the rest
    fig.add_scatter(
        x=months,
        y=flat,
        name="Target serapan",
        mode="lines",
        line=dict(color=COLOURS["keuangan"], dash="dot", width=3),
    )
    fig.add_scatter(
        x=months,
        y=curve["keuangan_pct"],
        name="Realisasi keuangan",
        mode="lines+markers",
        line=dict(color=COLOURS["keuangan"], width=4),
    )
    fig.update_layout(
        title=title,
        yaxis=dict(title="Persen (kumulatif)", range=[0, 100], ticksuffix=" %", gridcolor="#e0e0e0"),
        **_LAYOUT,
    )
    fig.update_traces(hovertemplate="%{x}: %{y:.2f} %")
    return fig


GAP = "· · ·"  # the empty category between the top and the bottom of a cut ranking


def ranking_rows(recap: pd.DataFrame, column: str, limit: int | None = None) -> pd.DataFrame:
    """The rows with a value in ``column``, best first, with their ``peringkat`` (1 = best, among
    those rows); with ``limit`` and more than twice as many rows, only the ``limit`` best and the
    ``limit`` worst (a province has 1,400 OPDs: 1,400 bars are unreadable and slow)."""
    ranked = recap[recap[column].notna()].sort_values(column, ascending=False, kind="stable")
    ranked = ranked.assign(peringkat=range(1, len(ranked) + 1))
    if limit and len(ranked) > 2 * limit:
        ranked = pd.concat([ranked.head(limit), ranked.tail(limit)])
    return ranked


def ranking_figure(
    recap: pd.DataFrame, column: str, title: str, lights: pd.Series | None = None, limit: int | None = None
) -> go.Figure:
    """Horizontal bar chart of OPDs by a percentage column, best on top, each bar named with its
    rank; OPDs without a value are left out. With ``limit`` (see :func:`ranking_rows`) a long
    ranking shows its top and bottom ``limit`` with a gap between them."""
    ranked = ranking_rows(recap, column, limit)
    cut = limit is not None and int(ranked["peringkat"].max() if len(ranked) else 0) > len(ranked)
    labels = [f"{p}. {n}" for p, n in zip(ranked["peringkat"], ranked["singkatan"].fillna(ranked["opd"]))]
    values = ranked[column].tolist()
    names = ranked["opd"].tolist()
    colours = [
        COLOURS.get(x, COLOURS["non_fisik"] if lights is not None else COLOURS["fisik"])
        for x in (lights.loc[ranked.index] if lights is not None else [None] * len(ranked))
    ]
    if cut:  # the gap between the best and the worst
        half = int(limit or 0)
        labels.insert(half, GAP)
        values.insert(half, None)
        names.insert(half, "")
        colours.insert(half, COLOURS["non_fisik"])
    fig = go.Figure(
        go.Bar(
            x=values[::-1],
            y=labels[::-1],
            orientation="h",
            marker_color=colours[::-1],
            text=[percent(v, dash="") for v in values[::-1]],
            textposition="outside",
            hovertext=names[::-1],
            hovertemplate="%{hovertext}: %{x:.2f} %<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis=dict(range=[0, 105], ticksuffix=" %", gridcolor="#e0e0e0"),
        yaxis=dict(type="category"),
        height=max(320, 34 * len(labels) + 90),
        **_LAYOUT,
    )
    return fig


def split_figure(split: pd.DataFrame, title: str) -> go.Figure:
    """Pagu and realisasi of fisik konstruksi vs non fisik, side by side."""
    fig = go.Figure()
    for _, row in split.iterrows():
        key = "fisik" if row["jenis"] == "fisik" else "non_fisik"
        fig.add_bar(
            x=["Pagu", "Realisasi keuangan"],
            y=[row["pagu"], row["realisasi_keuangan"]],
            name=row["label"],
            marker_color=COLOURS[key],
            text=[rupiah_compact(row["pagu"]), rupiah_compact(row["realisasi_keuangan"])],
            textposition="outside",
        )
    fig.update_layout(title=title, barmode="group", yaxis=dict(showticklabels=False, gridcolor="#e0e0e0"), **_LAYOUT)
    return fig


def serapan_figure(
    curve: pd.DataFrame,
    target_serapan: list[float],
    title: str,
    last_year: pd.DataFrame | None = None,
    last_year_label: str = "Tahun lalu",
) -> go.Figure:
    """Cumulative realisasi keuangan % by month of the year against the target absorption curve
    (all 12 months) and, when given, the same curve of the previous year."""
    all_months = [BULAN[m - 1][:3] for m in range(1, 13)]
    fig = go.Figure()
    fig.add_scatter(
        x=all_months,
        y=list(target_serapan),
        name="Target serapan",
        mode="lines+markers",
        line=dict(color=COLOURS["target"], dash="dash", width=3),
    )
    if last_year is not None and last_year["keuangan_pct"].notna().any():
        fig.add_scatter(
            x=[BULAN[m - 1][:3] for m in last_year["bulan"]],
            y=last_year["keuangan_pct"],
            name=last_year_label,
            mode="lines",
            line=dict(color=COLOURS["non_fisik"], width=3),
        )
    fig.add_scatter(
        x=[BULAN[m - 1][:3] for m in curve["bulan"]],
        y=curve["keuangan_pct"],
        name="Realisasi keuangan",
        mode="lines+markers+text",
        text=[percent(v, 1, dash="") for v in curve["keuangan_pct"]],
        textposition="top left",
        line=dict(color=COLOURS["keuangan"], width=5),
        marker=dict(size=10),
    )
    fig.update_layout(
        title=title,
        yaxis=dict(title="Persen dari pagu (kumulatif)", range=[0, 105], ticksuffix=" %", gridcolor="#e0e0e0"),
        **_LAYOUT,
    )
    fig.update_traces(hovertemplate="%{x}: %{y:.2f} %")
    return fig
