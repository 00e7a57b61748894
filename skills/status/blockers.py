"""Blockers followed through: recurring ones spotted, and any one logged as a RAID issue."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.messages import UserError
from bot.core.models import Project
from skills.raid import service as raid
from skills.raid.models import RaidItem
from skills.raid.scoring import RaidType
from skills.status.models import BlockerIssue, Checkin, StatusUpdate

RECURRING_RUN = 3  # the same blocker in this many consecutive updates of one person
MIN_SHARED = 0.5
MIN_RATIO = 0.75
STOP_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the and or of to in on for with at by from is are was were be been it its this "
        "that my our i we still again also some more blocked blocker blocking stuck waiting",
    )
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS}


def same_blocker(first: str, second: str) -> bool:
    """Fuzzy: most content words shared (either way round), or nearly the same characters."""
    a, b = words(first), words(second)
    if a and b and len(a & b) / min(len(a), len(b)) >= MIN_SHARED and len(a & b) >= min(2, len(a)):
        return True
    ratio = difflib.SequenceMatcher(None, first.lower().strip(), second.lower().strip()).ratio()
    return ratio >= MIN_RATIO


def previous_updates(session: Session, update: StatusUpdate, count: int) -> list[StatusUpdate]:
    """The author's `count` updates in the project before this one (skips left out)."""
    query = (
        select(StatusUpdate)
        .where(
            StatusUpdate.project_id == update.project_id,
            StatusUpdate.user_id == update.user_id,
            StatusUpdate.skipped == False,  # noqa: E712
            col(StatusUpdate.id) != update.id,
        )
        .order_by(col(StatusUpdate.created_at).desc(), col(StatusUpdate.id).desc())
    )
    earlier = [u for u in session.exec(query.limit(count + 10)) if _order(u) < _order(update)]
    return sorted(earlier, key=_order, reverse=True)[:count]


def _order(update: StatusUpdate) -> tuple[datetime, int]:
    return (clock.as_utc(update.created_at), update.id or 0)


def recurring(session: Session, update: StatusUpdate) -> set[int]:
    """Indexes of this update's blockers also reported in each of the author's previous
    `RECURRING_RUN - 1` updates."""
    if not update.blockers:
        return set()
    before = previous_updates(session, update, RECURRING_RUN - 1)
    if len(before) < RECURRING_RUN - 1:
        return set()
    return {
        i
        for i, blocker in enumerate(update.blockers)
        if all(any(same_blocker(blocker, old) for old in u.blockers) for u in before)
    }


def logged_issues(session: Session, update_ids: list[int]) -> dict[tuple[int, int], RaidItem]:
    """RAID issues already logged from blockers, by (update id, blocker index)."""
    if not update_ids:
        return {}
    query = (
        select(BlockerIssue, RaidItem)
        .join(RaidItem, col(RaidItem.id) == BlockerIssue.raid_item_id)
        .where(col(BlockerIssue.update_id).in_(update_ids))
    )
    return {(link.update_id, link.blocker): item for link, item in session.exec(query)}


@dataclass
class Logged:
    item: RaidItem
    update: StatusUpdate
    created: bool


def blocker_value(update: StatusUpdate, index: int) -> str:
    """The [Log as issue] button's value."""
    return f"{update.id}:{index}"


def parse_blocker_value(value: str) -> tuple[int, int]:
    try:
        update_id, index = (int(part) for part in value.split(":"))
    except ValueError:
        raise UserError(
            "That button is out of date; use `/pmo raid add issue: …` instead."
        ) from None
    return update_id, index


def log_blocker(
    session: Session, *, project: Project, update: StatusUpdate, index: int, actor: str
) -> Logged:
    """Log one blocker as a RAID issue owned by its author, linked to the update (once)."""
    if not 0 <= index < len(update.blockers):
        raise UserError("That blocker is no longer in the update (it was edited).")
    existing = logged_issues(session, [update.id or 0]).get((update.id or 0, index))
    if existing is not None:
        return Logged(existing, update, created=False)
    blocker = update.blockers[index]
    checkin = session.get(Checkin, update.checkin_id) if update.checkin_id else None
    when = checkin.day if checkin else clock.as_utc(update.created_at).date()
    description = (
        f"{blocker}\n\nFrom the blockers of status update #{update.id} by {update.user_id} "
        f"({'check-in of ' if checkin else 'update of '}{when:%a %d %b %Y})."
    )
    item = raid.create_item(
        session,
        project=project,
        raid_type=RaidType.ISSUE,
        title=blocker,
        actor=actor,
        description=description,
        owner=update.user_id,
    )
    session.add(
        BlockerIssue(update_id=update.id, blocker=index, raid_item_id=item.id, logged_by=actor)
    )
    session.flush()
    return Logged(item, update, created=True)
