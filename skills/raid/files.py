"""RAID replies that carry a file: the spreadsheet export and the heat map."""

from __future__ import annotations

from bot.core import clock
from bot.core.context import Context
from bot.core.messages import Reply, Upload, UserError
from bot.core.models import Project
from bot.core.text import escape
from skills.raid import service


def export_reply(ctx: Context, project: Project, fmt: str) -> Reply:
    from skills.raid.spreadsheets import FORMATS, export_items

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"Export as {', '.join(FORMATS)}, not `{escape(fmt)}`.")
    items = service.list_items(
        ctx.session, project, service.RaidFilter(status="all"), limit=100_000
    )
    content = export_items(ctx.session, items, fmt, ctx.people)
    name = f"{project.key}-raid-{clock.today(project.timezone):%Y%m%d}.{fmt}"
    return Reply(
        text=f"RAID log of `{project.key}`: {len(items)} items.",
        upload=Upload(filename=name, content=content),
        ephemeral=False,
    )


def heatmap_reply(ctx: Context, project: Project) -> Reply:
    from skills.raid.heatmap import render_heatmap

    items = [i for i in service.list_items(ctx.session, project) if i.score]
    if not items:
        return Reply(
            text=f"No scored open items in `{project.key}` yet: give risks a "
            "probability and impact (e.g. `raid update KEY p 4`)."
        )
    png = render_heatmap(items, title=f"{project.name} — open RAID items")
    name = f"{project.key}-heatmap-{clock.today(project.timezone):%Y%m%d}.png"
    return Reply(
        text=f"Probability × impact of {len(items)} open items in `{project.key}`.",
        upload=Upload(filename=name, content=png, title="RAID heat map"),
        ephemeral=False,
    )
