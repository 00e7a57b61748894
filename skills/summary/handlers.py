"""The summary skill: project health, top risks and what changed; the portfolio; the rule."""

from __future__ import annotations

import re

from sqlmodel import select

from bot.core import access, clock, projects, ui
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project
from bot.core.operations import Access, Args, ProjectArgs, flag, no_scope
from bot.core.skills import Skill
from bot.core.text import escape
from bot.llm.narrative import narrative
from skills.summary.builder import project_summary, summary_reply
from skills.summary.health import explain_rule
from skills.summary.parsing import (
    Request,
    mentioned_projects,
    parse_request,
    parse_since,
    since_words,
)
from skills.summary.portfolio import portfolio_reply

skill = Skill(
    "summary",
    "Project health at a glance: top risks, issues, due dates and what changed.",
    aliases=("summarise", "summarize"),
    details=(
        "`summary` is this channel's project (in a DM, your only project); `summary KEY` names "
        "one; `--since 7d|14d|2026-11-01` sets how far back *what changed* looks (default 7 "
        "days).\n`summary portfolio` lists every project you are in, worst first, with its "
        "trend over a week. `summary rule` explains the health colours.\n"
        'Or ask: "how is apollo doing?", "status of apollo", "give me a summary".'
    ),
    priority=30,
    text_operation=lambda text: (
        "summary.rule"
        if RULE.search(text)
        else "summary.portfolio"
        if PORTFOLIO.search(text) or text.lower().split()[:1] == ["all"]
        else "summary.project"
    ),
)

RULE = re.compile(
    r"^\s*rules?\b|\bhealth\s+(?:rules?|colou?rs?)\b|"
    r"\bhow\s+is\s+(?:project\s+)?health\s+(?:worked out|calculated|decided)\b",
    re.I,
)
PORTFOLIO = re.compile(
    r"\bportfolio\b|\b(?:all|every|each)\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?projects?\b", re.I
)
FILLER = (  # words that name no project in "summary of apollo please"
    frozenset({"summary", "summarise", "summarize", "overview", "rundown", "report", "since"})
    | frozenset({"health", "status", "state", "project", "check", "current", "overall", "quick"})
    | frozenset({"please", "give", "show", "get", "me", "us", "the", "of", "for", "on", "a", "an"})
)


def choose_project(ctx: Context, request: Request) -> Project:
    """`--project`, else a project named in the words, else this channel's (or DM) project."""
    if request.project:
        return ctx.project_for(request.project)
    everything = list(ctx.session.exec(select(Project).order_by(Project.key)))
    named = mentioned_projects(request.text, everything)
    if len(named) > 1:
        keys = " and ".join(f"`{p.key}`" for p in named[:2])
        raise UserError(
            f"You named {keys}: ask about one (`summary {named[0].key}`) "
            "or see them all with `summary portfolio`."
        )
    if named:
        return named[0]
    rest = [w for w in request.words if w not in FILLER]
    if len(rest) == 1 and len(request.words) <= 3:
        return ctx.project_for(rest[0])  # `summary nope` says there is no project `nope`
    if ctx.project is None and ctx.is_dm:
        mine = projects.projects_for_user(ctx.session, ctx.user)
        if len(mine) > 1:
            keys = ", ".join(f"`{p.key}`" for p in mine)
            raise UserError(
                f"Which project? You are in {keys}: say `summary KEY`, "
                "or `summary portfolio` for all of them."
            )
    return ctx.project_for(None)


class SummaryArgs(ProjectArgs):
    since: str | None = flag(description="How far back *what changed* looks: 7d, 2w or a date")


def read_request(ctx: Context, text: str) -> SummaryArgs:
    """Free text or command words as a summary request: the project named in the words."""
    request = parse_request(text)
    project = choose_project(ctx, request)
    return SummaryArgs(project=project.key, since=request.since or since_words(request.text))


@skill.operation(
    "summary.project",
    summary="A project's health, top risks, issues, due dates and what changed.",
    access=Access.VIEWER,
    text=read_request,
    aliases={"project health": {}, "project summary": {}},
    usage="summary [KEY] [--since 7d|2w|YYYY-MM-DD]",
    examples=["summary", "summary apollo --since 14d", "how is apollo doing?"],
)
def project_summary_op(ctx: Context, args: SummaryArgs) -> Reply:
    project = ctx.project_for(args.project)
    now = clock.now()
    since = parse_since(args.since, now=now, timezone=project.timezone)
    summary = project_summary(ctx.session, project, since=since, now=now)
    facts = summary_reply(summary)
    summary.narrative = narrative(
        ctx.settings, project=project.name, facts=facts.text, user=ctx.user
    )
    return summary_reply(summary) if summary.narrative else facts


@skill.operation(
    "summary.portfolio",
    summary="Every project you are in, worst first, with its trend over a week.",
    access=Access.ANYONE,
    scope=no_scope,
    aliases={"summary all": {}},
    examples=["summary portfolio", "how are all my projects doing?"],
)
def portfolio(ctx: Context, args: Args) -> Reply:
    visible = access.visible_projects(ctx.session, ctx.user, ctx.team, admin=ctx.person.is_admin)
    if not visible:
        raise UserError(
            "You are not in any project yet, so there is no portfolio to show: ask a PM to add "
            "you, or create one with `/pmo project create KEY Project name`."
        )
    reply = portfolio_reply(ctx.session, visible, now=clock.now())
    written = narrative(ctx.settings, project="all your projects", facts=reply.text, user=ctx.user)
    if written and reply.blocks:
        reply.text = f"{escape(written)}\n\n{reply.text}"
        reply.blocks.insert(2, ui.section(escape(written)))
    reply.ephemeral = not ctx.is_dm  # other projects' health stays with the asker
    return reply


@skill.operation(
    "summary.rule",
    summary="How project health (green, amber, red) is worked out.",
    access=Access.ANYONE,
    scope=no_scope,
    examples=["summary rule", "what's the health rule?"],
)
def rule(ctx: Context, args: Args) -> Reply:
    text = explain_rule()
    return Reply(text=text, blocks=[ui.section(text)])
