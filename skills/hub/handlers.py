"""The Hub's operations: the App Home (`hub.home`), the portfolio summary with its charts, the
drill-down into one project's log, and the Home's *Log a RAID item* button."""

from __future__ import annotations

import hashlib
import json

from sqlmodel import select

from bot.core import access, clock, ui
from bot.core.context import Context
from bot.core.messages import Reply, Upload, UserError
from bot.core.models import Project, Role
from bot.core.operations import Access, Args, ProjectArgs, by_json, flag, no_scope, positional
from bot.core.projects import projects_for_user
from bot.core.skills import Skill
from bot.core.text import escape
from skills.hub import charts, home, mine
from skills.hub.drill import DRILL, FILTERS, drill_view, log_lines
from skills.hub.models import HomeSeen
from skills.hub.portfolio import PortfolioLine, line_text, portfolio_lines
from skills.summary.health import plural
from skills.summary.portfolio import portfolio_row

skill = Skill(
    "hub",
    "Your hub (the App Home): check-ins waiting, your open items most urgent first, your "
    "projects; for PMs the portfolio.",
    aliases=("home", "dashboard"),
    priority=60,
    bare_operation="hub.home",
    text_operation="hub.home",
)


class HomeArgs(Args):
    page: int = positional(default=1, description="The page of your open items")
    projects_page: int = flag(default=1, description="The page of your projects", internal=True)
    portfolio_page: int = flag(default=1, description="The portfolio's page", internal=True)
    notice: str | None = flag(description="What a button just did", internal=True)
    opened: bool = flag(default=False, description="Published in Slack", internal=True)
    refresh: bool = flag(default=False, description="Only if published and changed", internal=True)


def runs(ctx: Context, projects: list[Project], roles: dict[int, str]) -> list[Project]:
    """The projects whose portfolio the person sees: the ones they run; every one for admins."""
    if ctx.person.is_admin:
        return list(ctx.session.exec(select(Project).order_by(Project.key)))
    return [p for p in projects if roles.get(p.id) == Role.PM.value]  # type: ignore[arg-type]


def my_projects(ctx: Context) -> tuple[list[Project], dict[int, str]]:
    """The person's projects and roles (another Slack team's project only if it lets them in)."""
    found, roles = [], {}
    for project in projects_for_user(ctx.session, ctx.user):
        role = access.role_of(ctx.session, project, ctx.user, ctx.team)
        if role is not None:
            found.append(project)
            roles[project.id] = role.value
    return found, roles


def gather(ctx: Context) -> home.HomeData:
    projects, roles = my_projects(ctx)
    now, timezone = clock.now(), ctx.person.timezone
    run = runs(ctx, projects, roles)
    pm_of = {p.id for p in projects if roles.get(p.id) == Role.PM.value}
    return home.HomeData(
        user=ctx.user,
        timezone=timezone,
        today=clock.today(timezone),
        checkins=mine.pending_checkins(ctx.session, ctx.people, ctx.user, projects),
        items=mine.open_items_for(ctx.session, ctx.user, projects, pm_of),  # type: ignore[arg-type]
        projects=mine.project_lines(ctx.session, projects, roles, now=now),
        portfolio=portfolio_lines(ctx.session, run, now=now) if run else None,
    )


def locked_seen(ctx: Context) -> HomeSeen | None:
    """The person's Home as last published, locked to the end of the request: two requests
    publishing one Home are computed one after the other, so a refresh that started before a
    button's notice was published cannot publish over it."""
    with ctx.session.begin_nested():
        query = select(HomeSeen).where(HomeSeen.user_id == ctx.user).with_for_update()
        return ctx.session.exec(query).first()


def digest(view: dict) -> str:
    return hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()


@skill.operation(
    "hub.home",
    summary="Your hub: check-ins waiting, your open items most urgent first, your projects "
    "(and for PMs and admins, the portfolio).",
    access=Access.ANYONE,
    scope=no_scope,
    command="hub",
    aliases={"hub home": {}},
    buttons={home.PAGE: by_json},
    examples=["hub", "hub 2"],
)
def show_home(ctx: Context, args: HomeArgs) -> list[Reply]:
    """The Home view; `refresh` gives nothing unless it was published before and changed."""
    seen = locked_seen(ctx)
    if args.refresh and seen is None:
        return []
    pages = {
        "page": args.page,
        "projects_page": args.projects_page,
        "portfolio_page": args.portfolio_page,
    }
    if seen is not None and (args.refresh or args.notice):
        pages = dict(seen.pages)
    data = gather(ctx)
    view = home.home_view(data, pages)
    fingerprint = digest(view)  # without the notice, so a refresh keeps one on screen
    if args.refresh and seen is not None and seen.digest == fingerprint:
        return []
    if args.opened or args.refresh or args.notice:
        seen = seen or HomeSeen(user_id=ctx.user, digest=fingerprint)
        seen.digest, seen.pages, seen.published_at = fingerprint, pages, clock.now()
        ctx.session.add(seen)
    top = f" (most urgent: {data.items[0].item.key})" if data.items else ""
    text = (
        f"Your hub: {plural(len(data.checkins), 'check-in')} waiting, "
        f"{plural(len(data.items), 'open item')}{top}, {plural(len(data.projects), 'project')}."
    )
    return [Reply(text=text, home=home.with_notice(view, args.notice))]


def portfolio_for(ctx: Context) -> list[PortfolioLine]:
    projects, roles = my_projects(ctx)
    run = runs(ctx, projects, roles)
    if not run:
        raise UserError(
            "The portfolio is for PMs and admins, and you don't run a project. "
            "`summary portfolio` shows the health of the projects you're in."
        )
    return portfolio_lines(ctx.session, run, now=clock.now())


@skill.operation(
    "hub.portfolio",
    summary="Post the portfolio of the projects you run to you, with its charts (PMs, admins).",
    access=Access.ANYONE,
    scope=no_scope,
    buttons={home.POST_PORTFOLIO: lambda value: {}},
    examples=["hub portfolio"],
)
def post_portfolio(ctx: Context, args: Args) -> list[Reply]:
    lines = portfolio_for(ctx)
    title = f"Portfolio — {len(lines)} project{'s' if len(lines) != 1 else ''}, worst first"
    texts = [line_text(line) for line in lines]
    shown = texts[: ui.MAX_BLOCKS - 2]
    blocks = [ui.header(title), *[ui.section(t) for t in shown]]
    if len(texts) > len(shown):
        blocks.append(ui.context(f"…and {len(texts) - len(shown)} more projects: see your Home."))
    text, blocks = ui.within_limits(f"*{title}*\n" + "\n\n".join(texts), blocks)
    replies = [Reply(text=text, blocks=blocks, to_user=ctx.user)]
    day = f"{clock.today(ctx.person.timezone):%Y%m%d}"
    pictures = {
        "health trend": charts.health_trend(lines),
        "budget burn": charts.burn(lines),
        "milestone slips": charts.slips(lines),
        "heat map": heatmap(ctx, lines),
    }
    for name, png in pictures.items():
        if png:
            filename = f"portfolio-{name.replace(' ', '-')}-{day}.png"
            upload = Upload(filename=filename, content=png, title=f"Portfolio {name}")
            replies.append(Reply(text=f"Portfolio {name}.", upload=upload, to_user=ctx.user))
    note = "I've sent the portfolio summary and its charts to your messages with me."
    return [Reply(text=note, ephemeral=True), *replies]


def heatmap(ctx: Context, lines: list[PortfolioLine]) -> bytes | None:
    from skills.raid import service as raid
    from skills.raid.heatmap import render_heatmap

    items = [i for line in lines for i in raid.list_items(ctx.session, line.project) if i.score]
    return render_heatmap(items, title="Open RAID items across the portfolio") if items else None


class LogArgs(Args):
    project: str | None = positional(default=None, description="Project key (default: here)")
    filter: str = flag(default="open", description=", ".join(FILTERS))
    page: int = flag(default=1, description="Which page")


@skill.operation(
    "hub.log",
    summary="One project's log in a window, filtered and a page at a time.",
    access=Access.VIEWER,
    buttons={DRILL: by_json},
    usage=f"hub log [PROJECT] [--filter {'|'.join(FILTERS)}] [--page N]",
    examples=["hub log apollo --filter overdue"],
)
def drill(ctx: Context, args: LogArgs) -> Reply:
    project = ctx.project_for(args.project)
    name = args.filter.lower()
    if name not in FILTERS:
        raise UserError(f"`{escape(args.filter)}` is not a filter: use {', '.join(FILTERS)}.")
    health = portfolio_row(ctx.session, project, now=clock.now()).health
    lines = log_lines(ctx.session, project, name, clock.today(project.timezone))
    view = drill_view(project, health, lines, name=name, page=args.page)
    return Reply(text=f"`{project.key}` log: {FILTERS[name].lower()} ({len(lines)}).", modal=view)


@skill.operation(
    "hub.log_item",
    summary="Open the RAID form for one of your projects (the Home's button).",
    access=Access.MEMBER,
    buttons={home.LOG_ITEM: lambda value: {"project": value}},
    command="hub new item",
    hidden=True,
    examples=["hub new item --project apollo"],
)
def log_item(ctx: Context, args: ProjectArgs) -> list[Reply]:
    return ctx.invoke("raid.form", {"project": ctx.project_for(args.project).key})
