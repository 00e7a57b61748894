"""The 5x5 heat map: a real PNG of the promised size, band colours, crowded cells."""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest
from matplotlib.image import imread

from bot.core.db import session_scope
from bot.core.projects import create_project
from skills.raid import service
from skills.raid.heatmap import (
    AXES,
    BAND_COLOURS,
    SIZE_PX,
    band_legend,
    cell_capacity,
    cell_label,
    items_by_cell,
    render_heatmap,
)
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType, Severity, severity
from tests.helpers import PM

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    length, chunk = struct.unpack(">I4s", png[8:16])
    assert (length, chunk) == (13, b"IHDR")
    return struct.unpack(">II", png[16:24])


def risk(seq: int, probability: int | None, impact: int | None, **kwargs: object) -> RaidItem:
    return RaidItem(
        project_id=1,
        type="risk",
        seq=seq,
        key=f"APOLLO-R{seq}",
        title="t",
        raised_by=PM,
        probability=probability,
        impact=impact,
        **kwargs,
    )


def pixel(image: Any, probability: int, impact: int) -> str:
    """The colour near the bottom-right corner of a cell, away from its text, as #rrggbb."""
    width, height = SIZE_PX
    left, bottom, axes_w, axes_h = AXES
    x = (left + axes_w * (impact - 0.15) / 5) * width
    y = (1 - (bottom + axes_h * (probability - 0.85) / 5)) * height
    r, g, b = (round(float(v) * 255) for v in image[int(y), int(x)][:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_project_items_render_as_a_png_of_the_promised_size(database_url: str) -> None:
    with session_scope(database_url) as session:
        project = create_project(session, key="apollo", name="Apollo", actor=PM)
        for p, i in ((5, 5), (2, 3), (1, 1)):
            service.create_item(
                session,
                project=project,
                raid_type=RaidType.RISK,
                actor=PM,
                title=f"Risk {p}x{i}",
                probability=p,
                impact=i,
            )
        service.create_item(
            session, project=project, raid_type=RaidType.ISSUE, actor=PM, title="Unscored"
        )
        items = service.list_items(session, project)
    png = render_heatmap(items, title="Apollo — open RAID items")
    assert png_size(png) == SIZE_PX
    assert items_by_cell(items) == {
        (5, 5): ["APOLLO-R1"],
        (2, 3): ["APOLLO-R2"],
        (1, 1): ["APOLLO-R3"],
    }


def test_every_cell_has_the_colour_of_its_band() -> None:
    png = render_heatmap([], title="Empty")
    assert png_size(png) == SIZE_PX
    image = imread(io.BytesIO(png), format="png")
    for p in range(1, 6):
        for i in range(1, 6):
            assert pixel(image, p, i) == BAND_COLOURS[severity(p, i)], (p, i)
    assert pixel(image, 5, 5) == BAND_COLOURS[Severity.CRITICAL]
    assert pixel(image, 1, 5) == BAND_COLOURS[Severity.MEDIUM]


def test_legend_follows_the_bands_in_scoring() -> None:
    assert [label for label, _ in band_legend()] == [
        "Low (1-4)",
        "Medium (5-9)",
        "High (10-16)",
        "Critical (17-25)",
    ]


def test_thirty_items_in_one_cell_fit_with_a_count_of_the_rest() -> None:
    items = [risk(n, 4, 5) for n in range(1, 31)]
    keys = items_by_cell(items)[(4, 5)]
    assert keys[:3] == ["APOLLO-R1", "APOLLO-R2", "APOLLO-R3"]  # by number, not as text
    per_line, max_lines = cell_capacity(keys)
    assert per_line >= 2 and max_lines >= 5
    lines = cell_label(keys, per_line=per_line, max_lines=max_lines).split("\n")
    assert len(lines) == max_lines
    shown = [key for line in lines[:-1] for key in line.split()]
    assert shown == keys[: len(shown)]
    assert lines[-1] == f"+{30 - len(shown)} more"
    png = render_heatmap(items, title="Crowded")  # its speed is a benchmark's job, not a test's
    assert png_size(png) == SIZE_PX


def test_a_cell_that_fits_shows_every_key() -> None:
    keys = [f"APOLLO-I{n}" for n in range(1, 6)]
    assert cell_label(keys, per_line=2, max_lines=8) == (
        "APOLLO-I1 APOLLO-I2\nAPOLLO-I3 APOLLO-I4\nAPOLLO-I5"
    )
    assert cell_label(keys, per_line=2, max_lines=2) == "APOLLO-I1 APOLLO-I2\n+3 more"


@pytest.mark.parametrize(
    "item",
    [risk(1, None, 3), risk(2, 4, None), risk(3, 4, 4, deleted=True), risk(4, 9, 1)],
)
def test_items_without_a_place_on_the_matrix_are_left_out(item: RaidItem) -> None:
    assert items_by_cell([item]) == {}
