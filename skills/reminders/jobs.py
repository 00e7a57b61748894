"""The reminder job kind: each reminder posted at its time, exactly once (the scheduler's
firing record), to its person by DM or in its channel."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from bot.core import clock
from bot.core.messages import Reply
from bot.core.text import USER_ID, escape, mention
from scheduler.models import Firing
from scheduler.plan import PlanContext, Planned
from skills.reminders.models import Reminder
from skills.reminders.schedule import for_person, occurrences

KIND = "reminder"
DONE = ("posted", "empty")  # a one-off claimed but unfinished is planned again, to be retaken


def job_key(reminder: Reminder) -> str:
    return f"{KIND}:{reminder.id}"


class Reminders:
    """Personal and channel reminders."""

    name = KIND

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        live = list(
            ctx.session.exec(
                select(Reminder).where(Reminder.cancelled == False, Reminder.first_due < end)  # noqa: E712
            )
        )
        once = [job_key(r) for r in live if not r.repeat]
        fired: dict[str, list[tuple[datetime, str]]] = {}
        if once:
            query = select(Firing.job_key, Firing.due, Firing.status)
            for key, due, status in ctx.session.exec(query.where(col(Firing.job_key).in_(once))):
                fired.setdefault(key, []).append((clock.as_utc(due), status))
        planned = []
        for reminder in live:
            for due in occurrences(reminder, start, end):
                moved = for_person(ctx.session, reminder, due)
                if moved is None or not start <= moved < end:
                    continue
                earlier = fired.get(job_key(reminder), []) if not reminder.repeat else []
                if any(at != moved or status in DONE for at, status in earlier):
                    continue  # a one-off goes once, even if its time moved since
                planned.append(
                    Planned(KIND, job_key(reminder), moved, reminder.target, reminder.timezone)
                )
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        reminder = ctx.session.get(Reminder, int(firing.key.rpartition(":")[2]))
        if reminder is None or reminder.cancelled:
            return []
        by = "" if reminder.creator == reminder.target else f" (from {mention(reminder.creator)})"
        text = f":alarm_clock: Reminder{by}: {escape(reminder.text)}"
        if USER_ID.match(reminder.target):
            return [Reply(text=text, to_user=reminder.target)]
        return [Reply(text=text, to_channel=reminder.target)]
