"""The App Home: a transport-neutral Block Kit view of one person's hub.

Sections, in order: check-ins waiting for them (*Give update*), their open items in the one
relevance order (*Update · Done · Snooze*), their projects (health, next milestone, last
summary, and buttons for the common actions) and, for PMs and admins, the portfolio. Long
lists are shown a page at a time so the view keeps within Slack's 100 blocks; someone in no
project sees how to start."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from bot.core import ui
from bot.core.text import escape, mention, shorten
from skills.hub.drill import DRILL
from skills.hub.mine import PendingCheckin, ProjectLine
from skills.hub.portfolio import PortfolioLine, line_block
from skills.hub.urgency import Ranked
from skills.milestones import views as milestone_views
from skills.raid import views as raid_views
from skills.status.views import GIVE, checkin_value
from skills.summary.health import HEALTH_ICON, plural

PAGE, LOG_ITEM, POST_PORTFOLIO = "hub_page", "hub_log_item", "hub_post_portfolio"
PAGE_SIZES = {"page": 12, "projects_page": 6, "portfolio_page": 8}
MAX_CHECKINS = 5
ORDER_NOTE = (
    "Most urgent first: days overdue, score, how soon it is due, the milestone at stake, and "
    "×1.5 when it is yours."
)


@dataclass
class HomeData:
    """Everything one person's Home shows."""

    user: str
    timezone: str
    today: date
    checkins: list[PendingCheckin] = field(default_factory=list)
    items: list[Ranked] = field(default_factory=list)
    projects: list[ProjectLine] = field(default_factory=list)
    portfolio: list[PortfolioLine] | None = None  # None: not a PM or admin


def pager(pages: dict[str, int], which: str, page: int, count: int) -> ui.Block | None:
    """‹ Previous · Next › buttons that republish the Home on another page of one list."""
    if count <= 1:
        return None
    buttons = []
    if page > 1:
        buttons.append(ui.button("‹ Previous", PAGE, {**pages, which: page - 1, "opened": True}))
    if page < count:
        label = f"Next › (page {page + 1} of {count})"
        buttons.append(ui.button(label, PAGE, {**pages, which: page + 1, "opened": True}))
    return ui.actions(*buttons, block_id=f"{which}_pager")


def checkin_blocks(data: HomeData) -> list[ui.Block]:
    if not data.checkins:
        return []
    blocks = [ui.header("Check-ins waiting for you")]
    for pending in data.checkins[:MAX_CHECKINS]:
        by = ""
        if pending.answer_by:
            zone = ZoneInfo(pending.timezone or data.timezone)  # as the prompt said it
            by = f", answer by {pending.answer_by.astimezone(zone):%a %H:%M}"
        text = f"*{escape(pending.project.name)}* — the check-in of {pending.day:%a %d %b}{by}"
        button = ui.button(
            "Give update", GIVE, checkin_value(pending.project, pending.day), style="primary"
        )
        blocks.append(ui.section(text, accessory=button))
    return blocks


def item_text(ranked: Ranked, today: date) -> str:
    """The item's line, and why it is where it is in the order."""
    return f"{raid_views.item_line(ranked.item, today)}\n_{escape(ranked.urgency.why())}_"


def item_blocks(data: HomeData, pages: dict[str, int]) -> list[ui.Block]:
    if not data.items:
        return [ui.header("Your open items"), ui.section("Nothing open is yours. :tada:")]
    shown, page, count = ui.page_of(data.items, pages["page"], PAGE_SIZES["page"])
    pages["page"] = page
    blocks = [ui.header(f"Your open items ({len(data.items)})"), ui.context(ORDER_NOTE)]
    for ranked in shown:
        key = ranked.item.key
        blocks.append(ui.section(item_text(ranked, data.today)))
        blocks.append(
            ui.actions(
                ui.button("Update", raid_views.EDIT, key),
                ui.button("Done", raid_views.CLOSE, key, style="primary"),
                ui.button("Snooze 3 days", raid_views.SNOOZE, key),
                block_id=f"item_{key}",
            )
        )
    more = pager(pages, "page", page, count)
    return blocks + ([more] if more else [])


def project_text(line: ProjectLine, timezone: str) -> str:
    row, project = line.row, line.row.project
    reasons = "; ".join(row.health.reasons) or "nothing flagged"
    milestone = "no open milestone"
    if line.milestone:
        milestone = f"*{line.milestone.key}* {escape(shorten(line.milestone.name, 60))} · " + (
            milestone_views.slip_text(line.milestone)
        )
    summary = "no weekly summary posted yet"
    if line.last_summary:
        summary = f"last summary {line.last_summary.astimezone(ZoneInfo(timezone)):%a %d %b}"
    return (
        f"{HEALTH_ICON[row.health.colour]} *{escape(project.name)}* (`{project.key}`) · "
        f"{line.role} · {row.trend}\n{escape(reasons)}\nNext milestone: {milestone}\n{summary}"
    )


def project_blocks(data: HomeData, pages: dict[str, int]) -> list[ui.Block]:
    if not data.projects:  # an admin in no project still sees the portfolio
        return []
    shown, page, count = ui.page_of(
        data.projects, pages["projects_page"], PAGE_SIZES["projects_page"]
    )
    pages["projects_page"] = page
    blocks = [ui.header(f"Your projects ({len(data.projects)})")]
    for line in shown:
        key = line.row.project.key
        blocks.append(ui.section(project_text(line, data.timezone)))
        blocks.append(
            ui.actions(
                ui.button("Log a RAID item", LOG_ITEM, key),
                ui.button("Add milestone", milestone_views.OPEN_FORM, {"project": key}),
                ui.button("Open the log", DRILL, {"project": key}),
                block_id=f"project_{key}",
            )
        )
    more = pager(pages, "projects_page", page, count)
    return blocks + ([more] if more else [])


def portfolio_blocks(data: HomeData, pages: dict[str, int]) -> list[ui.Block]:
    if data.portfolio is None:
        return []
    lines = data.portfolio
    shown, page, count = ui.page_of(lines, pages["portfolio_page"], PAGE_SIZES["portfolio_page"])
    pages["portfolio_page"] = page
    blocks = [
        ui.header(f"Portfolio ({len(lines)} project{'s' if len(lines) != 1 else ''}, worst first)"),
        *[line_block(line) for line in shown],
    ]
    more = pager(pages, "portfolio_page", page, count)
    post = ui.button("Post portfolio summary", POST_PORTFOLIO, "post", style="primary")
    return [*blocks, *([more] if more else []), ui.actions(post, block_id="portfolio_actions")]


def start_blocks(user: str) -> list[ui.Block]:
    """The start screen for someone in no project."""
    text = (
        f"Welcome {mention(user)}! You're not in a project yet, so nothing here is yours.\n"
        "• *Start one*: in the project's Slack channel, type "
        "`/pmo project create KEY Project name` (e.g. `/pmo project create apollo Apollo "
        "launch`). You become its PM, the channel is "
        "linked, and you can add people with `/pmo project members add @ana @ben`.\n"
        "• *Join one*: ask its PM to run `/pmo project members add @you` in its channel.\n"
        "Once you're in, this page shows your check-ins, your open items most urgent first, "
        "and your projects' health, milestones and cost."
    )
    return [
        ui.header("Live PMO — your hub"),
        ui.section(text),
        ui.context("Try `/pmo help` for everything I can do."),
    ]


def with_notice(view: ui.Block, notice: str | None) -> ui.Block:
    """The view with what a button just did (or why it could not) under its title."""
    if not notice:
        return view
    blocks = list(view["blocks"])
    blocks.insert(1, ui.section(f":information_source: {notice}"))
    return ui.home(blocks)


def home_view(data: HomeData, pages: dict[str, int]) -> ui.Block:
    """The person's Home view (pages are moved into range and updated in place)."""
    for name in PAGE_SIZES:
        pages.setdefault(name, 1)
    if not data.projects and not data.portfolio:
        blocks = start_blocks(data.user)
    else:
        counts = f"{plural(len(data.projects), 'project')} · {plural(len(data.items), 'open item')}"
        blocks = [
            ui.header("Live PMO — your hub"),
            ui.context(f"{data.today:%a %d %b %Y} · {counts}"),
        ]
        for part in (
            checkin_blocks(data),
            item_blocks(data, pages),
            project_blocks(data, pages),
            portfolio_blocks(data, pages),
        ):
            if part:
                blocks += [ui.divider(), *part]
    return ui.home(blocks)
