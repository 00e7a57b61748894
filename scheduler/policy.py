"""What becomes of a kind's firings beyond their exact (job key, due time).

A kind may declare a `Policy` as its `policy` attribute (`DEFAULT` otherwise):

- `grace`: how late a firing may still post as usual (a slow tick, a retry).
- `catch_up`: after an outage, how long after its due time a firing missed by more than
  `grace` is still worth posting; only the newest of its series is posted, marked `late`
  (the series is the job key, unless `series` groups keys, e.g. one project's daily
  reports). Zero: a missed firing is left to the next one.
- `once_per`: `"day"` or `"week"`: a job key posts at most once in the local day or week of
  its due time (in the firing's timezone), so a firing planned again after its time or
  someone's quiet hours changed does not post a second time.

A tick looks back the longest `grace`; after an outage (no claim since before then) it looks
back to the last claim, at most `HORIZON` (and to a late post that failed, to retry it). What
it finds missed and not caught up is recorded `stale` and logged as a warning, never dropped
silently.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.core import clock, ui
from bot.core.messages import Reply
from scheduler.claims import label, records
from scheduler.plan import Planned

log = logging.getLogger(__name__)

GRACE = timedelta(hours=6)  # how late a firing posts as usual, unless its kind says otherwise
HORIZON = timedelta(days=7)  # the furthest back a tick looks for firings missed in an outage
SHOWN_STALE = 10  # stale firings named in a warning; the rest are counted
BLOCKING = ("posted", "claimed")  # another due of the job key went out, or may be going


@dataclass(frozen=True)
class Policy:
    """How late a kind's firings may post, and how often a job key posts (module docstring)."""

    grace: timedelta = GRACE
    catch_up: timedelta = timedelta(0)
    once_per: Literal["day", "week"] | None = None
    series: Callable[[Planned], str] | None = None

    def series_of(self, firing: Planned) -> tuple[str, str]:
        return firing.kind, self.series(firing) if self.series else firing.key

    def margin(self) -> timedelta:
        """How far either side of a due its job key's records are read (a period and more)."""
        return {"day": timedelta(days=2), "week": timedelta(days=8)}.get(
            self.once_per or "", timedelta(0)
        )


DEFAULT = Policy()


def policy_of(kind: Any) -> Policy:
    return getattr(kind, "policy", DEFAULT)


@dataclass
class Triage:
    """A tick's open firings: to post (on time or `late`), `stale`, or `repeated` (their job
    key already posted this day or week at another time)."""

    post: list[Planned] = field(default_factory=list)
    stale: list[Planned] = field(default_factory=list)
    repeated: list[Planned] = field(default_factory=list)


def window_start(now: datetime, since: datetime | None, policies: Iterable[Policy]) -> datetime:
    """Where a tick at `now` starts looking: the longest grace back, or `since` (the last
    claim, after an outage) when that is older, but never more than `HORIZON` back."""
    usual = now - max((p.grace for p in policies), default=GRACE)
    if since is None or since >= usual:
        return usual
    if since < now - HORIZON:
        log.warning(
            "scheduler: nothing claimed since %s; firings due before %s are not looked at",
            f"{since:%Y-%m-%dT%H:%M}Z",
            f"{now - HORIZON:%Y-%m-%dT%H:%M}Z",
        )
    return max(since, now - HORIZON)


def period(firing: Planned, once_per: str) -> tuple[datetime, datetime]:
    """The local day or week (Monday first) of the firing's due time, as UTC instants."""
    zone = ZoneInfo(firing.timezone)
    day = firing.local_due().date()
    days = 1
    if once_per == "week":
        day, days = day - timedelta(days=day.weekday()), 7
    first, after = (datetime.combine(d, time(), zone) for d in (day, day + timedelta(days=days)))
    return first.astimezone(UTC), after.astimezone(UTC)


def by_key(rows: list) -> dict[str, list[tuple[datetime, str]]]:
    """The (due, status) of each job key's records."""
    found: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for row in rows:
        found[row.job_key].append((clock.as_utc(row.due), row.status))
    return found


def repeated(firing: Planned, policy: Policy, sent: dict[str, list[tuple]]) -> bool:
    """Whether the job key went out (or is going) at another time in the firing's period."""
    if policy.once_per is None:
        return False
    start, end = period(firing, policy.once_per)
    return any(
        due != firing.due and start <= due < end and status in BLOCKING
        for due, status in sent.get(firing.key, [])
    )


def still_to_post(url: str, firings: list[Planned], kinds: Iterable[Any]) -> list[Planned]:
    """`firings` less those whose job key already went out in their day or week (for a
    listing of what is coming)."""
    policies = {kind.name: policy_of(kind) for kind in kinds}
    sent = by_key(history(url, firings, policies))
    return [f for f in firings if not repeated(f, policies[f.kind], sent)]


def history(url: str, firings: list[Planned], policies: dict[str, Policy]) -> list:
    """The records of `firings`' job keys, read as far either side of their dues as their
    kind's `once_per` needs (one read per margin)."""
    by_margin: dict[timedelta, list[Planned]] = defaultdict(list)
    for firing in firings:
        by_margin[policies[firing.kind].margin()].append(firing)
    return [row for margin, group in by_margin.items() for row in records(url, group, margin)]


def triage(
    policies: dict[str, Policy],
    firings: list[Planned],
    done: set[tuple[str, datetime]],
    rows: list,
    now: datetime,
) -> Triage:
    """Sort the firings a tick planned and found not done (`done`), by their kind's policy
    and the records of their job keys (`rows`: job key, due, status)."""
    sent = by_key(rows)
    newest: dict[tuple[str, str], datetime] = {}
    for firing in firings:
        series = policies[firing.kind].series_of(firing)
        newest[series] = max(newest.get(series, firing.due), firing.due)
    sorted_out = Triage()
    for firing in firings:
        policy = policies[firing.kind]
        if (firing.key, firing.due) in done:
            continue
        if repeated(firing, policy, sent):
            sorted_out.repeated.append(firing)
        elif firing.due >= now - policy.grace:
            sorted_out.post.append(firing)
        elif firing.due >= now - policy.catch_up and newest[policy.series_of(firing)] == firing.due:
            log.info("scheduler: %s missed, posting it late", firing.key)
            sorted_out.post.append(replace(firing, late=True))
        else:
            sorted_out.stale.append(firing)
    return sorted_out


def log_stale(firings: list[Planned], policies: dict[str, Policy]) -> None:
    """One warning per kind naming the firings set aside as stale."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for firing in firings:
        by_kind[firing.kind].append(label(firing))
    for kind, names in by_kind.items():
        more = f" and {len(names) - SHOWN_STALE} more" if len(names) > SHOWN_STALE else ""
        log.warning(
            "scheduler: %s %s firing(s) missed by more than %g h, skipped as stale: %s%s",
            len(names),
            kind,
            policies[kind].grace / timedelta(hours=1),
            ", ".join(names[:SHOWN_STALE]),
            more,
        )


def marked_late(reply: Reply, firing: Planned) -> Reply:
    """The reply saying, first thing, that it was due earlier (a firing caught up late)."""
    note = f"Sent late: this was due {firing.local_due():%a %d %b at %H:%M} ({firing.timezone})."
    blocks = reply.blocks or []
    head = 1 if blocks and blocks[0].get("type") == "header" else 0
    reply.text, reply.blocks = ui.within_limits(
        f"_{note}_\n\n{reply.text}",
        [*blocks[:head], ui.context(note), *blocks[head:]] if blocks else None,
    )
    return reply
