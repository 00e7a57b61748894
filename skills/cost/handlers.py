"""The cost skill's operations: the budget, monthly actuals and plans, the picture with its
forecast at completion, the burn chart and spreadsheet import."""

from __future__ import annotations

import re
from datetime import date

from bot.core import clock, ui
from bot.core.context import Context
from bot.core.messages import Reply, Upload, UserError
from bot.core.models import Project
from bot.core.operations import (
    Access,
    ProjectArgs,
    by_json,
    flag,
    positional,
    rest,
    split_flags,
)
from bot.core.skills import Skill
from bot.core.text import escape
from skills.cost import service, views
from skills.cost.money import (
    AMOUNT,
    PERIOD,
    check_currency,
    money,
    month_name,
    read_amount,
    read_period,
)

skill = Skill(
    "cost",
    "Budget and currency, actual spend by month, the forecast at completion and the burn chart.",
    aliases=("costs",),
    leads=(  # "spent €42k in November", "actuals for Oct: 38,500"
        r"^\s*(?:we(?:'ve| have)?\s+)?spent\s+(?:(?:EUR|USD|GBP|CHF)\s?\d|[€$£¥₹]\s?\d"
        r"|\d[\d.]*\s?(?:k|m|bn)\b|\d{1,3}(?:,\d{3})+)",
        r"^\s*actuals?\s+(?:for|in|of)\b[^?]*\d",
        r"^\s*(?:the\s+)?actual\s+(?:spend|cost)s?\b[^?]*\d",
    ),
    details=(
        'Or say it: "spent €42k in November", "actuals for Oct: 38,500". A PM sets the budget: '
        "`cost budget 1.2m EUR --start 2026-09 --end 2027-06`."
    ),
    priority=40,
    text_operation="cost.actual",
    bare_operation="cost.show",
)

SOURCES = {"command": "/pmo command", "mention": "chat", "dm": "chat", "console": "console"}
ADD, REPLACE = "cost_add", "cost_replace"
FILLER = re.compile(
    r"^(?:\s*(?:\b(?:we|i|have|has|spent|spend|actuals?|costs?|plan(?:ned)?|in|for|of|on|was|"
    r"were|is|the|month)\b|[:,;.\-—–]))+\s*",
    re.I,
)


@skill.operation(
    "cost.show",
    summary="The budget, spend to date against the plan, the forecast at completion, and "
    "where each figure came from.",
    access=Access.VIEWER,
    examples=["cost", "cost show --project apollo"],
)
def show(ctx: Context, args: ProjectArgs) -> Reply:
    project = ctx.project_for(args.project)
    text = views.cost_text(service.picture(ctx.session, project), ctx.person.timezone)
    chart = ui.button("Burn chart", views.CHART, project.key)
    return Reply(text=text, blocks=[ui.section(text), ui.actions(chart)])


class BudgetArgs(ProjectArgs):
    amount: str = rest(default="", description="The budget, e.g. 1.2m EUR or €450k")
    currency: str | None = flag(description="Its currency code (EUR, USD, GBP…)")
    start: str | None = flag(description="The first month it covers, e.g. 2026-09")
    end: str | None = flag(description="The month the project ends, e.g. 2027-06")

    @classmethod
    def from_words(cls, text: str) -> dict[str, object]:
        """`1.2m EUR --end 2027-06`, or `€1.2m from Sep 2026 to Jun 2027`."""
        values, words = split_flags(cls, text)
        said = " ".join(words)
        span = re.search(r"\bfrom\s+(?P<start>.+?)\s+(?:to|until|till|-|–)\s+(?P<end>.+)$", said)
        if span:
            values.setdefault("start", span.group("start"))
            values.setdefault("end", span.group("end"))
            said = said[: span.start()]
        ending = re.search(r"\b(?:to|until|till|ending|ends)\s+(?P<end>.+)$", said)
        if ending and "end" not in values:
            values["end"] = ending.group("end")
            said = said[: ending.start()]
        if said.strip():
            values["amount"] = said.strip()
        return values


def month_of(text: str | None, project: Project, *, name: str) -> object:
    if not text:
        return None
    found = read_period(text, timezone=project.timezone, future=name == "end")
    if found is None:
        raise UserError(
            f"`{escape(text)}` is not a month for --{name}: try `2027-06` or `Jun 2027`."
        )
    return found[0]


@skill.operation(
    "cost.budget",
    summary="Set the project's budget, its currency and the months it covers (PMs).",
    access=Access.PM,
    writes=True,
    examples=["cost budget 1.2m EUR --start 2026-09 --end 2027-06", "cost budget €1.2m"],
)
def budget(ctx: Context, args: BudgetArgs) -> Reply:
    project = ctx.project_for(args.project)
    if not args.amount:
        raise UserError("What is the budget? e.g. `cost budget 1.2m EUR --end 2027-06`.")
    current = service.picture(ctx.session, project).plan
    cents, said_currency, _ = read_amount(args.amount)
    currency = check_currency(
        args.currency or said_currency or (current.currency if current else "EUR")
    )
    plan = service.set_budget(
        ctx.session,
        project=project,
        cents=cents,
        currency=currency,
        actor=ctx.user,
        source=SOURCES.get(ctx.via, "Slack"),
        starts_on=month_of(args.start, project, name="start"),  # type: ignore[arg-type]
        ends_on=month_of(args.end, project, name="end"),  # type: ignore[arg-type]
    )
    covers = ""
    if plan.starts_on and plan.ends_on:
        covers = f" for {month_name(plan.starts_on)} – {month_name(plan.ends_on)}"
    hint = "" if plan.ends_on else " Add `--end 2027-06` so I can forecast the cost at completion."
    return Reply(text=f"`{project.key}` budget: *{money(cents, currency)}*{covers}.{hint}")


class FigureArgs(ProjectArgs):
    period: str | None = positional(default=None, description="The month, e.g. Nov 2026 or 2026-11")
    amount: str = positional(default="", description="The amount, e.g. 42k or €42,000")
    note: str = rest(default="", description="What it was")
    kind: str = flag(default="actual", description="actual or plan", internal=True)
    add: bool = flag(default=False, description="Add to the month's figure instead of replacing it")
    ask: bool = flag(default=False, description="Ask before replacing a figure", internal=True)
    was: int | None = flag(description="The figure the person saw, in cents", internal=True)

    @classmethod
    def from_words(cls, text: str) -> dict[str, object]:
        """`Nov 2026 42k contractors`, or "we spent €42k in November on contractors"."""
        values, words = split_flags(cls, text)
        said = " ".join(words)
        month = PERIOD.search(said)
        if month:
            values["period"] = month.group().strip()
            said = f"{said[: month.start()]} {said[month.end() :]}"
        amount = AMOUNT.search(said)
        if amount:
            start = amount.start() - (said[amount.start() - 1 : amount.start()] == "-")
            values["amount"] = said[start : amount.end()].strip()
            said = f"{said[:start]} {said[amount.end() :]}"
        note = FILLER.sub("", " ".join(said.split())).strip(" ,;:.-—–")
        if note:
            values["note"] = note
        return values


@skill.operation(
    "cost.actual",
    summary="Record a month's actual spend (or, as `cost plan`, its planned spend) (PMs).",
    access=Access.PM,
    writes=True,
    aliases={"cost plan": {"kind": "plan"}, "cost spent": {}},
    buttons={ADD: lambda value: {**by_json(value), "add": True}, REPLACE: by_json},
    usage='cost actual|plan MONTH AMOUNT [NOTE...] [--add] (or: "spent €42k in November")',
    examples=[
        "cost actual Nov 2026 42k contractors",
        "cost plan Jan 2027 100k",
        "spent €42k in November",
    ],
)
def record(ctx: Context, args: FigureArgs) -> Reply:
    project = ctx.project_for(args.project)
    kind = "plan" if args.kind == "plan" else "actual"
    example = f"`cost {kind} Nov 2026 42k`"
    if not args.period:
        raise UserError(f"Which month? e.g. {example}.")
    found = read_period(args.period, timezone=project.timezone, future=kind == "plan")
    if found is None:
        raise UserError(f"`{escape(args.period)}` is not a month: e.g. {example}.")
    if not args.amount and re.search(r"\d", args.note):  # "1e12": a number, but no amount
        raise UserError(f"I can't read `{escape(args.note)}` as an amount: e.g. {example}.")
    if not args.amount:
        raise UserError(f"How much? e.g. {example}.")
    plan = service.require_plan(ctx.session, project)
    cents, currency, _ = read_amount(args.amount, currency=plan.currency)
    existing = service.month_figure(ctx.session, project, found[0], kind)
    earlier = existing.amount_cents if existing else None
    if args.was is not None and earlier != args.was:  # a second press, or a change since
        now = f"{month_name(found[0])} {kind} is {money(earlier or 0, plan.currency, exact=True)}"
        if earlier == cents + args.was * args.add:
            return Reply(text=f"Already saved: {now}.")
        raise UserError(f"That figure has changed since I asked: {now} now.")
    if args.ask and not args.add and earlier is not None and earlier != cents:
        return add_or_replace(project, args, found[0], cents, earlier, plan.currency)
    figure, before = service.record_figure(
        ctx.session,
        project=project,
        period=found[0],
        kind=kind,
        cents=cents + (earlier or 0) * args.add,
        currency=currency,
        actor=ctx.user,
        source=SOURCES.get(ctx.via, "Slack"),
        note=args.note or None,
    )
    was = f" (was {money(before, plan.currency, exact=True)})" if before is not None else ""
    shown = service.picture(ctx.session, project)
    amount = money(figure.amount_cents, plan.currency, exact=True)
    text = (
        f"{month_name(figure.period)} {kind}: *{amount}*{was} "
        f"for `{project.key}`.\n{shown.forecast_statement()}"
    )
    return Reply(text=text)


def add_or_replace(
    project: Project, args: FigureArgs, period: date, cents: int, earlier: int, currency: str
) -> Reply:
    """Ask whether money said as spent adds to the month's figure or replaces it; nothing is
    saved until a button says which (each checks the figure has not changed since)."""
    month = month_name(period)
    said = money(cents, currency, exact=True)
    total = money(cents + earlier, currency, exact=True)
    text = (
        f"{month} already has {money(earlier, currency, exact=True)} of actual spend in "
        f"`{project.key}`. Is {said} more spend (total {total}) or {month}'s new total?"
    )
    value = {"project": project.key, "period": period.strftime("%Y-%m"), "amount": args.amount}
    value.update(note=args.note, was=earlier)
    buttons = [
        ui.button(f"Add: total {total}", ADD, value, style="primary"),
        ui.button(f"Replace: total {said}", REPLACE, value),
    ]
    return Reply(text=text, blocks=[ui.section(text), ui.actions(*buttons)])


@skill.operation(
    "cost.chart",
    summary="The burn chart: spend to date against the plan and budget, with the forecast.",
    access=Access.VIEWER,
    buttons={views.CHART: lambda value: {"project": value}},
    examples=["cost chart"],
)
def chart(ctx: Context, args: ProjectArgs) -> Reply:
    from skills.cost.chart import render_burn

    project = ctx.project_for(args.project)
    shown = service.picture(ctx.session, project)
    if shown.plan is None and not shown.actuals:
        return Reply(text=shown.forecast_statement())
    png = render_burn(shown, title=f"{project.name} — burn against plan")
    name = f"{project.key}-burn-{clock.today(project.timezone):%Y%m%d}.png"
    return Reply(
        text=f"Burn of `{project.key}`: {views.burn_line(shown)}.",
        upload=Upload(filename=name, content=png, title="Burn against plan"),
        ephemeral=False,
    )


@skill.operation(
    "cost.import",
    summary="Import monthly actual and planned spend from the csv or xlsx shared with it (PMs).",
    access=Access.PM,
    writes=True,
    examples=["cost import"],
)
def import_file(ctx: Context, args: ProjectArgs) -> Reply:
    from skills.cost.importing import import_costs
    from skills.sheets import shared_files_reply

    project = ctx.project_for(args.project)
    reply = shared_files_reply(ctx, project, import_costs, noun="month")
    if ctx.files:
        reply.text += "\n" + service.picture(ctx.session, project).forecast_statement()
    return reply
