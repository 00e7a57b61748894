"""The reminders skill: "remind me / us / @ana tomorrow at 9 to …", listed, cancelled, and
the person's last change undone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import col, or_, select

from bot.core import access, clock, ui
from bot.core.context import Context
from bot.core.messages import Reply, UserError
from bot.core.models import AuditEntry
from bot.core.operations import Access, Args, Scope, flag, no_scope, positional, rest
from bot.core.skills import Change, Skill, too_late_to_undo
from bot.core.text import USER_ID, escape, mention
from skills.reminders.jobs import Reminders
from skills.reminders.models import Reminder
from skills.reminders.parsing import read_reminder
from skills.reminders.repeats import repeat_in
from skills.reminders.schedule import next_delivery
from skills.reminders.wording import confirmed_when, when_text

# "remind me what R4 is about" asks a question: the name routes only when it isn't one.
NAMED = (
    r"^(?!\s*remind\s+(?:me|us)\s+"
    r"(?:what|who|whom|whose|which|why|how|where|whether|if)\b(?!\s+to\b))"
)


# Cancelling a reminder and undoing a change to one are kept in the audit log (actor, the
# reminder's id): a person's newest cancellation that no undo has taken back can be undone.
CANCELLED, UNDONE = "reminder.cancel", "reminder.undo"


def newest_set(ctx: Context, only: int | None) -> Reminder | None:
    """The person's newest reminder still set (reminder `only`, if given)."""
    mine = select(Reminder).where(Reminder.creator == ctx.user)
    query = mine.where(Reminder.cancelled == False)  # noqa: E712
    if only is not None:
        query = query.where(Reminder.id == only)
    return ctx.session.exec(query.order_by(col(Reminder.id).desc())).first()


def newest_cancellation(ctx: Context, only: int | None) -> AuditEntry | None:
    """The person's newest cancellation (of reminder `only`, if given) not undone since."""
    query = select(AuditEntry).where(
        AuditEntry.actor == ctx.user, col(AuditEntry.action).in_((CANCELLED, UNDONE))
    )
    if only is not None:
        query = query.where(AuditEntry.target == str(only))
    undone: set[str | None] = set()
    for row in ctx.session.exec(query.order_by(col(AuditEntry.id).desc())):
        if row.action == UNDONE:
            undone.add(row.target)
        elif row.target not in undone:
            return row
    return None


def last_change(ctx: Context, only: int | None = None) -> tuple[datetime, int] | None:
    """When the person last set or cancelled a reminder (reminder `only`, if given), in a
    change `undo` has not taken back, and which reminder; a tie goes to the cancellation."""
    changes = []
    cancelled = newest_cancellation(ctx, only)
    if cancelled is not None and cancelled.target:
        changes.append((clock.as_utc(cancelled.at), int(cancelled.target)))
    created = newest_set(ctx, only)
    if created is not None and created.id is not None:
        changes.append((clock.as_utc(created.created_at), created.id))
    return max(changes, key=lambda change: change[0], default=None)


def reminder_to_undo(ctx: Context, words: str) -> Change | None:
    """What `undo` reverts here: the person's newest change, a reminder set (cancelled) or
    cancelled (restored)."""
    change = last_change(ctx)
    return Change(change[0], UNDONE, {"reminder": str(change[1])}) if change else None


skill = Skill(
    "reminder",
    "Personal reminders: once or repeating, for you, this channel or a teammate.",
    aliases=("reminders", "remind"),
    priority=42,
    name_pattern=NAMED,
    text_operation="reminder.create",
    bare_operation="reminder.list",
    jobs=[Reminders()],
    last_change=reminder_to_undo,
)


class CreateArgs(Args):
    text: str = rest(default="", description="What to be reminded of")
    who: str = flag(default="me", description="me, us (this channel) or a user id")
    when: datetime | None = flag(description="The first time (ISO 8601 with offset)")
    repeat: str | None = flag(description="daily, weekdays or weekly:mon,thu")
    note: str | None = flag(description="How an early hour was read", internal=True)


def read_words(ctx: Context, text: str) -> CreateArgs:
    """ "remind me tomorrow at 9 to call the vendor", "remind us every Monday at 10 …"."""
    words = (
        text if text.lower().lstrip().startswith(("remind", "please remind")) else f"remind {text}"
    )
    draft = read_reminder(words, now=clock.now(), timezone=ctx.person.timezone)
    return CreateArgs(
        text=draft.text, who=draft.target, when=draft.due, repeat=draft.repeat, note=draft.note
    )


def target_of(ctx: Context, who: str) -> str:
    """The user id or channel a reminder goes to; another person only if you share a project."""
    if who == "me":
        return ctx.user
    if who == "us":
        return ctx.user if ctx.is_dm or not ctx.channel else ctx.channel
    if not USER_ID.match(who):
        raise UserError(f"I can't tell who `{escape(who)}` is: mention them, like @ana.")
    mine = {p.id for p in access.visible_projects(ctx.session, ctx.user, ctx.team, admin=False)}
    theirs = {p.id for p in access.visible_projects(ctx.session, who, None, admin=False)}
    if who != ctx.user and not (mine & theirs):
        raise UserError(f"I only remind people you share a project with, and {mention(who)} isn't.")
    return who


def timezone_of(ctx: Context, target: str) -> str:
    """The timezone a reminder keeps: its person's, where their quiet hours and time away
    are; for a channel, its creator's."""
    return ctx.people.get(target).timezone if USER_ID.match(target) else ctx.person.timezone


@skill.operation(
    "reminder.create",
    summary="Remind you, this channel or a teammate, once or every day, weekday or week.",
    access=Access.ANYONE,
    scope=no_scope,
    writes=True,
    text=read_words,
    examples=[
        "remind me tomorrow at 9 to call the vendor",
        "remind us every Monday at 10 to update the RAID log",
    ],
    usage="remind me|us|@person WHEN [every DAY] to WHAT",
    label="Set a reminder",
)
def create(ctx: Context, args: CreateArgs) -> Reply:
    if args.when is None:
        raise UserError("When? e.g. `remind me tomorrow at 9 to call the vendor`.")
    if args.when <= clock.now():
        raise UserError("That time has passed: pick a time ahead.")
    target = target_of(ctx, args.who)
    when, timezone = args.when.astimezone(UTC), timezone_of(ctx, target)
    reminder = Reminder(
        creator=ctx.user,
        target=target,
        text=args.text.strip()[:500],
        first_due=when,
        repeat=repeat_in(args.repeat, when, ctx.person.timezone, timezone),
        timezone=timezone,
    )
    if not reminder.text:
        raise UserError("Remind of what? e.g. `remind me tomorrow at 9 to call the vendor`.")
    ctx.session.add(reminder)
    ctx.session.flush()
    whom = (
        "you"
        if target == ctx.user
        else mention(target)
        if USER_ID.match(target)
        else "everyone here"
    )
    note = f"{args.note}; " if args.note else ""
    text = (
        f":alarm_clock: I'll remind {whom} {confirmed_when(ctx, reminder, when, args.repeat)}: "
        f"{escape(reminder.text)}. ({note}`reminder cancel {reminder.id}` to stop it.)"
    )
    return Reply(text=text, ephemeral=not ctx.is_dm)


def mine(ctx: Context) -> list[Reminder]:
    query = select(Reminder).where(
        Reminder.cancelled == False,  # noqa: E712
        or_(Reminder.creator == ctx.user, Reminder.target == ctx.user),
    )
    return list(ctx.session.exec(query.order_by(Reminder.first_due)))


@skill.operation(
    "reminder.list",
    summary="Your reminders and the next time each goes off.",
    access=Access.ANYONE,
    scope=no_scope,
    examples=["reminder list", "what reminders do I have?"],
)
def list_reminders(ctx: Context, args: Args) -> Reply:
    now = clock.now()
    lines = []
    for reminder in mine(ctx):
        upcoming = next_delivery(ctx.session, reminder, now)
        if upcoming is None:
            continue
        whom = "" if reminder.target == ctx.user else f" → {mention(reminder.target)}"
        if not USER_ID.match(reminder.target):
            whom = f" → <#{reminder.target}>"
        lines.append(
            f"• `{reminder.id}` {when_text(reminder, upcoming, ctx.person.timezone)}{whom}: "
            f"{escape(reminder.text)}"
        )
    if not lines:
        return Reply(
            text="You have no reminders. Set one: `remind me tomorrow at 9 to call the vendor`.",
            ephemeral=True,
        )
    text = "*Your reminders*\n" + "\n".join(lines)
    return Reply(text=text, blocks=[ui.section(text)], ephemeral=not ctx.is_dm)


WORD = re.compile(r"[a-z0-9']+")
NOT_CONTENT = frozenset(
    [
        "the",
        "my",
        "a",
        "an",
        "to",
        "about",
        "for",
        "of",
        "reminder",
        "reminders",
        "cancel",
        "stop",
        "delete",
        "remove",
        "drop",
        "kill",
        "please",
        "pls",
        "don't",
        "dont",
        "need",
        "no",
        "longer",
        "that",
        "one",
        "me",
        "i",
    ]
)


class CancelArgs(Args):
    reminder: str = rest(description="Its number (from `reminder list`) or words from it")


def find_reminder(ctx: Context, ref: str) -> Reminder:
    ref = ref.strip().lstrip("#")
    if ref.isdigit():
        found = ctx.session.get(Reminder, int(ref))
        matches = [found] if found and not found.cancelled else []
    else:
        words = set(WORD.findall(ref.lower())) - NOT_CONTENT
        matches = [r for r in mine(ctx) if words and words <= set(WORD.findall(r.text.lower()))]
    if len(matches) > 1:
        listed = ", ".join(f"`{r.id}` {escape(r.text)}" for r in matches[:5])
        raise UserError(f"Which one? {listed}. Say `reminder cancel NUMBER`.")
    if not matches:
        raise UserError(f"I can't find reminder `{escape(ref)}`; `reminder list` shows yours.")
    return matches[0]


def scope_of(reminder: Reminder) -> Scope:
    """A reminder is its creator's and its person's."""
    owners = (reminder.creator, reminder.target)
    return Scope(owners=owners, owned=True, target=reminder, owner_label="who set it or gets it")


def reminder_scope(ctx: Context, args: CancelArgs) -> Scope:
    return scope_of(find_reminder(ctx, args.reminder))


@skill.operation(
    "reminder.cancel",
    summary="Stop a reminder.",
    access=Access.SELF,
    scope=reminder_scope,
    writes=True,
    aliases={"reminder stop": {}, "reminder delete": {}},
    examples=["reminder cancel 3"],
)
def cancel(ctx: Context, args: CancelArgs) -> Reply:
    reminder: Reminder = ctx.scope.target  # type: ignore[union-attr]
    ctx.audit(CANCELLED, target=str(reminder.id))
    return stop(ctx, reminder)


def stop(ctx: Context, reminder: Reminder) -> Reply:
    reminder.cancelled = True
    ctx.session.add(reminder)
    return Reply(text=f"Cancelled reminder {reminder.id}: {escape(reminder.text)}.", ephemeral=True)


def restore(ctx: Context, reminder: Reminder) -> Reply:
    """A cancelled reminder set again, if it still has a time to go off."""
    upcoming = next_delivery(ctx.session, reminder, clock.now())
    if upcoming is None:
        raise UserError(
            f"Reminder {reminder.id} ({escape(reminder.text)}) was due "
            f"{when_text(reminder, clock.as_utc(reminder.first_due), ctx.person.timezone)}: "
            "that has passed, so I left it cancelled. Set a new one: "
            "`remind me tomorrow at 9 to …`."
        )
    reminder.cancelled = False
    ctx.session.add(reminder)
    return Reply(
        text=f"Restored reminder {reminder.id}: {escape(reminder.text)}, next "
        f"{when_text(reminder, upcoming, ctx.person.timezone)}.",
        ephemeral=True,
    )


class UndoArgs(Args):
    reminder: str = positional(description="Its number")


def undo_scope(ctx: Context, args: UndoArgs) -> Scope:
    number = args.reminder.strip().lstrip("#")
    reminder = ctx.session.get(Reminder, int(number)) if number.isdigit() else None
    if reminder is None:
        raise UserError(f"I can't find reminder `{escape(args.reminder)}`.")
    return scope_of(reminder)


@skill.operation(
    "reminder.undo",
    summary="Undo your last change to a reminder (within 10 minutes): set, or cancelled.",
    access=Access.SELF,
    scope=undo_scope,
    writes=True,
    hidden=True,  # plain words reach it through `undo`
    examples=["reminder undo 3"],
)
def undo(ctx: Context, args: UndoArgs) -> Reply:
    """A reminder you just set is cancelled; one you just cancelled is set again."""
    reminder: Reminder = ctx.scope.target  # type: ignore[union-attr]
    change = last_change(ctx, reminder.id)
    if change is None:
        raise UserError(f"You have made no change to reminder {reminder.id} that I could undo.")
    late = too_late_to_undo(change[0], clock.now())
    if late:
        raise UserError(late)
    reply = restore(ctx, reminder) if reminder.cancelled else stop(ctx, reminder)
    ctx.audit(UNDONE, target=str(reminder.id))
    return reply
