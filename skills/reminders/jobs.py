"""The reminder job kind: each reminder posted at its time, exactly once (the scheduler's
firing record), to its person by DM or in its channel. After an outage a missed one-off is
still sent, up to a week late and marked late (a repeating one, its newest send only); a
repeat posts at most once a day, whatever changed its time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, or_, select

from bot.core import clock
from bot.core.messages import Reply
from bot.core.text import USER_ID, escape, mention
from scheduler.models import Firing
from scheduler.plan import PlanContext, Planned
from scheduler.policy import Policy, marked_late
from skills.reminders.models import Reminder
from skills.reminders.schedule import ONCE_LOOKBACK, deliveries

KIND = "reminder"
# A one-off claimed but unfinished is planned again, to be retaken; one missed for good (stale)
# is not.
DONE = ("posted", "empty", "stale")


def job_key(reminder: Reminder) -> str:
    return f"{KIND}:{reminder.id}"


class Reminders:
    """Personal and channel reminders."""

    name = KIND
    policy = Policy(catch_up=timedelta(days=7), once_per="day")

    def plan(self, ctx: PlanContext, start: datetime, end: datetime) -> list[Planned]:
        """Each reminder's sends in [start, end), moved out of quiet hours (`deliveries`);
        a one-off only until it has gone once."""
        live = list(
            ctx.session.exec(
                select(Reminder).where(
                    Reminder.cancelled == False,  # noqa: E712
                    Reminder.first_due < end,
                    or_(
                        col(Reminder.repeat).is_not(None),
                        Reminder.first_due >= start - ONCE_LOOKBACK,
                    ),
                )
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
            earlier = fired.get(job_key(reminder), []) if not reminder.repeat else []
            if any(status in DONE for _, status in earlier):
                continue  # a one-off that has gone
            for due in deliveries(ctx.session, reminder, start, end):
                if any(at != due for at, _ in earlier):
                    continue  # claimed at another time: it goes once, even if moved since
                planned.append(
                    Planned(KIND, job_key(reminder), due, reminder.target, reminder.timezone)
                )
        return planned

    def run(self, ctx: PlanContext, firing: Planned) -> list[Reply]:
        reminder = ctx.session.get(Reminder, int(firing.key.rpartition(":")[2]))
        if reminder is None or reminder.cancelled:
            return []
        by = "" if reminder.creator == reminder.target else f" (from {mention(reminder.creator)})"
        text = f":alarm_clock: Reminder{by}: {escape(reminder.text)}"
        if USER_ID.match(reminder.target):
            reply = Reply(text=text, to_user=reminder.target)
        else:
            reply = Reply(text=text, to_channel=reminder.target)
        return [marked_late(reply, firing) if firing.late else reply]
