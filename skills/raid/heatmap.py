"""The 5x5 probability x impact heat map of RAID items, drawn as a PNG.

Matplotlib is used through its object API with the Agg canvas: no pyplot, no display and no
global figure state, so it is safe in the bot's worker threads. The colours of the cells come
from the severity bands of `skills.raid.scoring`, the one definition of the matrix.
"""

from __future__ import annotations

import io
from collections import defaultdict

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from skills.raid.models import RaidItem
from skills.raid.scoring import (
    MAX_LEVEL,
    MIN_LEVEL,
    SEVERITY_BANDS,
    RaidType,
    Severity,
    risk_score,
    severity,
)

WIDTH_IN, HEIGHT_IN, DPI = 11.0, 8.5, 100
SIZE_PX = (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))  # (width, height) of the PNG
AXES = (0.15, 0.13, 0.66, 0.74)  # left, bottom, width, height as fractions of the figure
BAND_COLOURS = {
    Severity.LOW: "#9ccc65",
    Severity.MEDIUM: "#ffe082",
    Severity.HIGH: "#ffa726",
    Severity.CRITICAL: "#e53935",
}
LEVEL_WORDS = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high"}
FONT_PT = 7.5
CHAR_WIDTH = 0.6  # of the font size, for the monospaced keys
LINE_HEIGHT = 1.1  # of the font size
LEVELS = range(MIN_LEVEL, MAX_LEVEL + 1)
_TYPE_ORDER = {t.key_letter: n for n, t in enumerate(RaidType)}


def band_legend() -> list[tuple[str, str]]:
    """(label, colour) per band, e.g. ("High (10-16)", "#ffa726")."""
    return [
        (f"{band.value.capitalize()} ({low}-{high})", BAND_COLOURS[band])
        for low, high, band in SEVERITY_BANDS
    ]


def items_by_cell(items: list[RaidItem]) -> dict[tuple[int, int], list[str]]:
    """Keys of live items with a probability and an impact, by (probability, impact)."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for item in items:
        p, i = item.probability, item.impact
        if not item.deleted and p in LEVELS and i in LEVELS:
            cells[(p, i)].append(item.key)
    return {cell: sorted(keys, key=_key_order) for cell, keys in cells.items()}


def _key_order(key: str) -> tuple[str, int, int, str]:
    prefix, _, tail = key.rpartition("-")
    number = tail[1:]
    if not number.isdigit():
        return prefix, 9, 0, key
    return prefix, _TYPE_ORDER.get(tail[:1], 9), int(number), key


def cell_label(keys: list[str], *, per_line: int, max_lines: int) -> str:
    """Keys as lines of `per_line`; when they do not fit in `max_lines`, the last line says
    "+N more"."""
    if len(keys) > per_line * max_lines:
        shown = per_line * (max_lines - 1)
        lines = [keys[n : n + per_line] for n in range(0, shown, per_line)]
        return "\n".join([*(" ".join(line) for line in lines), f"+{len(keys) - shown} more"])
    return "\n".join(" ".join(keys[n : n + per_line]) for n in range(0, len(keys), per_line))


def cell_capacity(keys: list[str]) -> tuple[int, int]:
    """(keys per line, lines) that fit in one cell at `FONT_PT`, from the longest key."""
    cell_w = WIDTH_IN * AXES[2] / len(LEVELS) * 72 * 0.95  # points, less a margin
    cell_h = HEIGHT_IN * AXES[3] / len(LEVELS) * 72 * 0.78  # points, less the score's corner
    char_w = CHAR_WIDTH * FONT_PT
    longest = max((len(k) for k in keys), default=8)
    per_line = max(1, int((cell_w / char_w + 1) // (longest + 1)))  # n keys, n - 1 spaces
    return per_line, max(2, int(cell_h // (LINE_HEIGHT * FONT_PT)))


def render_heatmap(items: list[RaidItem], title: str) -> bytes:
    """A PNG (`SIZE_PX`) of the matrix: impact across, probability up, keys in their cells."""
    cells = items_by_cell(items)
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes(AXES)
    all_keys = [key for keys in cells.values() for key in keys]
    per_line, max_lines = cell_capacity(all_keys)
    for p in LEVELS:
        for i in LEVELS:
            band = severity(p, i)
            axes.add_patch(
                Rectangle(
                    (i - 0.5, p - 0.5),
                    1,
                    1,
                    facecolor=BAND_COLOURS[band],
                    edgecolor="white",
                    linewidth=2,
                )
            )
            ink = "white" if band is Severity.CRITICAL else "#212121"
            axes.text(
                i - 0.46,
                p + 0.44,
                str(risk_score(p, i)),
                fontsize=7,
                color=ink,
                alpha=0.6,
                ha="left",
                va="top",
            )
            if keys := cells.get((p, i)):
                label = cell_label(keys, per_line=per_line, max_lines=max_lines)
                axes.text(
                    i,
                    p - 0.05,
                    label,
                    fontsize=FONT_PT,
                    family="monospace",
                    color=ink,
                    ha="center",
                    va="center",
                    linespacing=1.1,
                )
    axes.set_xlim(0.5, MAX_LEVEL + 0.5)
    axes.set_ylim(0.5, MAX_LEVEL + 0.5)
    axes.set_xticks(list(LEVELS), [f"{n}\n{LEVEL_WORDS[n]}" for n in LEVELS])
    axes.set_yticks(list(LEVELS), [f"{LEVEL_WORDS[n]}  {n}" for n in LEVELS])
    axes.tick_params(length=0, labelsize=9)
    axes.set_xlabel("Impact", fontsize=11, labelpad=8)
    axes.set_ylabel("Probability", fontsize=11, labelpad=8)
    for spine in axes.spines.values():
        spine.set_visible(False)
    handles = [Patch(facecolor=colour, label=label) for label, colour in band_legend()]
    axes.legend(
        handles=handles,
        title="Severity (P × I)",
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        fontsize=9,
    )
    figure.suptitle(title, fontsize=14, x=AXES[0] + AXES[2] / 2, y=0.965)
    shown = len(all_keys)
    left_out = sum(1 for item in items if not item.deleted) - shown
    note = f"{shown} item{'s' if shown != 1 else ''} shown" if shown else "No scored items yet"
    if left_out:
        note += f"; {left_out} without probability and impact not shown"
    figure.text(AXES[0] + AXES[2] / 2, 0.915, note, ha="center", fontsize=9, color="#616161")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
