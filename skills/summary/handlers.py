"""The summary skill: project health, top risks and what changed; the portfolio; the rule."""

from __future__ import annotations

import re

from sqlmodel import select

from bot.core import clock, projects, ui
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import Project
from bot.core.skills import Skill
from skills.summary.builder import project_summary, summary_reply
from skills.summary.health import explain_rule
from skills.summary.parsing import Request, mentioned_projects, parse_request, parse_since
from skills.summary.portfolio import portfolio_reply

skill = Skill(
    "summary",
    "Project health at a glance: top risks, issues, due dates and what changed.",
    examples=[
        "summary",
        "summary apollo --since 14d",
        "how is apollo doing?",
        "summary portfolio",
        "summary rule",
    ],
    aliases=("summarise", "summarize"),
    patterns=(
        # how is apollo doing? / how's the project going / how are we tracking
        r"^\s*how(?:['’]s|\s+is|\s+are|\s+has|\s+have)\s+(?:[\w'’-]+\s+){0,4}?"
        r"(?:doing|going|tracking|looking|progressing|getting on|coming along)\b",
        # status of apollo / what's the health of the apollo launch?
        r"^\s*(?:what(?:['’]s|\s+is)\s+)?(?:the\s+)?(?:current\s+|overall\s+)?"
        r"(?:status|health|state)\s+(?:of|for|on)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s*[?.!]*\s*$",
        r"^\s*what(?:['’]s|\s+is)\s+the\s+(?:current\s+|overall\s+)?(?:status|health|state)"
        r"\s+(?:of|for|on)\b[^?]*\?\s*$",
        # give me a summary / show us the project overview
        r"\b(?:give|send|show|get|post|share)\s+(?:me|us)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
        r"(?:summary|overview|rundown|health\s*check)\b",
        # project health / what's the portfolio status?
        r"^\s*(?:what(?:['’]s|\s+is)\s+)?(?:the\s+)?(?:(?:project|portfolio|overall)\s+"
        r"(?:health|summary|status|overview)|health\s*check)(?:\s+(?:of|for|on)\s+[\w-]+)?"
        r"\s*[?.!]*\s*$",
        r"^\s*(?:please\s+)?summari[sz]e\b",
        # what's the health rule? / how is health worked out?
        r"^\s*(?:what|how|explain)\b[^.!]*\bhealth\s+(?:rules?|colou?rs?)\b",
        r"\bhow\s+is\s+(?:project\s+)?health\s+(?:worked out|calculated|decided)\b",
    ),
    # No `phrases`: the patterns catch these questions, and joining the intent classifier
    # lowered its confidence enough to send some RAID messages of eval/raid_dev to help.
    details=(
        "`summary` is this channel's project (in a DM, your only project); `summary KEY` names "
        "one; `--since 7d|14d|2026-11-01` sets how far back *what changed* looks (default 7 "
        "days).\n`summary portfolio` lists every project you are in, worst first, with its "
        "trend over a week. `summary rule` explains the health colours.\n"
        'Or ask: "how is apollo doing?", "status of apollo", "give me a summary".'
    ),
    priority=30,
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


def portfolio(ctx: Context) -> Reply:
    if ctx.person.is_admin:
        visible = list(ctx.session.exec(select(Project).order_by(Project.key)))
    else:
        visible = projects.projects_for_user(ctx.session, ctx.user)
    if not visible:
        raise UserError(
            "You are not in any project yet, so there is no portfolio to show: ask a PM to add "
            "you, or create one with `/pmo project create KEY Project name`."
        )
    reply = portfolio_reply(ctx.session, visible, now=clock.now())
    reply.ephemeral = not ctx.is_dm  # other projects' health stays with the asker
    return reply


@skill.command
def handle(ctx: Context, args: str) -> Reply:
    request = parse_request(args)
    if RULE.search(request.text):
        text = explain_rule()
        return Reply(text=text, blocks=[ui.section(text)])
    if PORTFOLIO.search(request.text) or request.words[:1] == ["all"]:
        return portfolio(ctx)
    project = choose_project(ctx, request)
    ctx.require_member(project)
    now = clock.now()
    since = parse_since(request.since, now=now, timezone=project.timezone)
    reply = summary_reply(project_summary(ctx.session, project, since=since, now=now))
    if not ctx.is_dm and (ctx.project is None or ctx.project.id != project.id):
        # Asked outside the project's own channel: only the asker sees it (files are public).
        reply.ephemeral, reply.upload = True, None
    return reply
