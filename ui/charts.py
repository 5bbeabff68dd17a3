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


def ranking_figure(recap: pd.DataFrame, column: str, title: str, lights: pd.Series | None = None) -> go.Figure:
    """Horizontal bar chart of OPDs by a percentage column, best on top."""
    df = recap.assign(_v=recap[column]).sort_values("_v", ascending=True, na_position="first")
    colours = [
        COLOURS.get(x, COLOURS["non_fisik"] if lights is not None else COLOURS["fisik"])
        for x in (lights.loc[df.index] if lights is not None else [None] * len(df))
    ]
    fig = go.Figure(
        go.Bar(
            x=df["_v"],
            y=df["singkatan"].fillna(df["opd"]),
            orientation="h",
            marker_color=colours,
            text=[percent(v) for v in df["_v"]],
            textposition="outside",
            hovertext=df["opd"],
            hovertemplate="%{hovertext}: %{x:.2f} %<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis=dict(range=[0, 105], ticksuffix=" %", gridcolor="#e0e0e0"),
        height=max(320, 34 * len(df) + 90),
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
