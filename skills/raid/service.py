"""RAID services: create, find, update, close, convert, delete — every change in history.

Every change to an item is a read-modify-write under `bot.core.concurrency.editing`: the
item is locked and re-read first, and a write over a version someone else wrote meanwhile
is refused with the item as it is now.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.concurrency import editing
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.projects import audit
from bot.core.text import escape
from skills.raid.models import RaidHistory, RaidItem, RaidLink
from skills.raid.scoring import (
    LIFECYCLES,
    RaidStatus,
    RaidType,
    ResponseStrategy,
    can_transition,
    is_closed,
    scored,
)
from skills.raid.views import item_text

KEY = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)-(ACT|DEC|[RAID])(\d+)$", re.I)
MAX_TITLE = 200
MAX_TEXT = 40_000  # as long as a message may be
# What "close" means for each type.
CLOSING_STATUS = {
    RaidType.RISK: RaidStatus.CLOSED,
    RaidType.ISSUE: RaidStatus.RESOLVED,
    RaidType.ASSUMPTION: RaidStatus.VALIDATED,
    RaidType.DEPENDENCY: RaidStatus.DELIVERED,
    RaidType.ACTION: RaidStatus.DONE,
    RaidType.DECISION: RaidStatus.DECIDED,
}
CLOSED_STATUSES = {s.value for lc in LIFECYCLES.values() for s in lc.terminal}
# Other types' words for "finished": "close R1, it's resolved" closes a risk all the same.
FINISHED_WORDS = {
    RaidStatus.CLOSED,
    RaidStatus.RESOLVED,
    RaidStatus.DELIVERED,
    RaidStatus.DONE,
    RaidStatus.VALIDATED,
}
EDITABLE = (
    "title",
    "description",
    "owner",
    "due_on",
    "probability",
    "impact",
    "strategy",
    "mitigation",
    "status",
    "source",
    "owner_name",
    "external_ref",
    "decided_by",
    "rationale",
)
TEXT_LIMITS = {"owner_name": 120, "external_ref": 300, "decided_by": 120}


@dataclass
class RaidFilter:
    """What `list_items` keeps; every field is optional."""

    type: RaidType | None = None
    status: str | None = None  # a status, "open" or "closed" (by each type's lifecycle), "all"
    owner: str | None = None
    overdue: bool = False
    min_score: int | None = None
    text: str | None = None


def item_key(project: Project, raid_type: RaidType, seq: int) -> str:
    return f"{project.key.upper()}-{raid_type.key_letter}{seq}"


def check_level(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise UserError(f"{name.title()} must be a number from 1 to 5.") from None
    if not 1 <= level <= 5:
        raise UserError(f"{name.title()} must be from 1 to 5, not {level}.")
    return level


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise UserError(
            "Every RAID item needs a title: say what the risk, assumption, issue "
            "or dependency is, e.g. `raid add risk: vendor may slip the go-live`."
        )
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def normalise(field: str, value: Any) -> Any:
    """Validate one field's new value, raising `UserError` with what to fix."""
    if field == "title":
        return clean_title(str(value))
    if field in TEXT_LIMITS:
        text = " ".join(str(value or "").split())
        if len(text) > TEXT_LIMITS[field]:
            name = field.replace("_", " ")
            raise UserError(f"The {name} is too long: keep it to {TEXT_LIMITS[field]} characters.")
        return text or None
    if field in ("description", "mitigation", "rationale"):
        text = str(value or "").strip()
        return text[:MAX_TEXT] if text or field == "description" else None
    if field in ("probability", "impact"):
        return check_level(field, value)
    if field == "strategy":
        if value in (None, ""):
            return None
        try:
            return ResponseStrategy(str(value).lower()).value
        except ValueError:
            options = ", ".join(s.value for s in ResponseStrategy)
            raise UserError(
                f"`{escape(str(value))}` is not a response strategy: use {options}."
            ) from None
    if field == "type":
        raid_type = RaidType.from_text(str(value))
        if raid_type is None:
            raise UserError(
                f"`{escape(str(value))}` is not a RAID type: use risk, assumption, "
                "issue, dependency, action or decision."
            )
        return raid_type.value
    if field == "due_on":
        if value in (None, "") or isinstance(value, date):
            return value or None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise UserError(f"`{escape(str(value))}` is not a date: use YYYY-MM-DD.") from None
    return value


def rescore(item: RaidItem) -> None:
    score, band = scored(item.probability, item.impact)
    item.score, item.severity = score, band.value if band else None


def changed_meanwhile(_session: Session, item: RaidItem) -> str:
    """The reply when someone else changed `item` first: what it is now."""
    return (
        f"Someone changed {item.key} while you were editing it, so I saved nothing. "
        f"It is now:\n{item_text(item)}\nMake your change again if it still applies."
    )


def next_seq(session: Session, project: Project, raid_type: RaidType) -> int:
    """The next number for this project and type, past every key it has had: a key an item
    left when its type changed still finds that item, so it is never given again (the
    project row is locked meanwhile)."""
    session.exec(select(Project.id).where(Project.id == project.id).with_for_update()).first()
    query = select(func.max(RaidItem.seq)).where(
        RaidItem.project_id == project.id, RaidItem.type == raid_type.value
    )
    prefix = item_key(project, raid_type, 0)[:-1]
    left = session.exec(
        select(RaidHistory.old)
        .join(RaidItem, col(RaidItem.id) == RaidHistory.item_id)
        .where(RaidItem.project_id == project.id, RaidHistory.field == "key")
        .where(col(RaidHistory.old).startswith(prefix))
    )
    numbers = [int(key[len(prefix) :]) for key in left if key and key[len(prefix) :].isdigit()]
    return max([session.exec(query).first() or 0, *numbers]) + 1


def _free_seq(session: Session, project: Project, raid_type: RaidType, seq: int) -> int:
    """`seq` if no item of this project and type has it (the project row is locked meanwhile)."""
    key = item_key(project, raid_type, seq)
    if seq < 1:
        raise UserError(f"`{key}` is not a valid key: the number must be 1 or more.")
    session.exec(select(Project.id).where(Project.id == project.id).with_for_update()).first()
    query = select(RaidItem.id).where(
        RaidItem.project_id == project.id, RaidItem.type == raid_type.value, RaidItem.seq == seq
    )
    if session.exec(query).first() is not None:
        raise UserError(f"`{key}` already exists: give another number, or none to take the next.")
    return seq


def record(
    session: Session,
    item: RaidItem,
    *,
    actor: str,
    field: str,
    old: Any = None,
    new: Any = None,
    note: str | None = None,
) -> None:
    session.add(
        RaidHistory(
            item_id=item.id,
            actor=actor,
            field=field,
            note=note,
            old=None if old is None else str(old),
            new=None if new is None else str(new),
            change=change_id(session),
        )
    )


def change_id(session: Session) -> str:
    """One id for every history row written in this session's request (what `undo` reverts)."""
    return session.info.setdefault("raid_change", uuid.uuid4().hex)


def create_item(
    session: Session,
    *,
    project: Project,
    raid_type: RaidType,
    title: str,
    actor: str,
    description: str = "",
    owner: str | None = None,
    due_on: date | None = None,
    probability: int | None = None,
    impact: int | None = None,
    strategy: str | None = None,
    mitigation: str | None = None,
    source: str | None = None,
    status: str | None = None,
    seq: int | None = None,
    owner_name: str | None = None,
    external_ref: str | None = None,
    decided_by: str | None = None,
    rationale: str | None = None,
) -> RaidItem:
    """Validate everything first, then save the item and its first history line.

    The item takes the next free number of its type, or `seq` when given (a `UserError` if
    the project already has an item of that type with that number).
    """
    fields = {
        "title": normalise("title", title),
        "description": normalise("description", description),
        "probability": normalise("probability", probability),
        "impact": normalise("impact", impact),
        "strategy": normalise("strategy", strategy),
        "mitigation": normalise("mitigation", mitigation),
        "due_on": normalise("due_on", due_on),
        "owner_name": None if owner else normalise("owner_name", owner_name),
        "external_ref": normalise("external_ref", external_ref),
        "decided_by": normalise("decided_by", decided_by),
        "rationale": normalise("rationale", rationale),
    }
    lifecycle = LIFECYCLES[raid_type]
    if status and status not in lifecycle.statuses:
        raise UserError(
            f"A {raid_type.value} cannot be `{escape(status)}`: use "
            f"{', '.join(lifecycle.statuses)}."
        )
    if seq is None:
        seq = next_seq(session, project, raid_type)
    else:
        seq = _free_seq(session, project, raid_type, seq)
    item = RaidItem(
        project_id=project.id,
        type=raid_type.value,
        seq=seq,
        key=item_key(project, raid_type, seq),
        owner=owner,
        raised_by=actor,
        source=source,
        status=status or lifecycle.initial.value,
        **fields,
    )
    rescore(item)
    session.add(item)
    session.flush()
    record(session, item, actor=actor, field="created", new=item.key)
    audit(session, actor=actor, action="raid.create", project=project, target=item.key)
    return item


def find_item(
    session: Session, key: str, *, project: Project | None = None, live: bool = True
) -> RaidItem:
    """The live item with this key (case-insensitive; a deleted one too if not `live`), or a
    `UserError`."""
    match = KEY.match(key.strip().strip("`*"))
    if not match:
        raise UserError(f"`{escape(key)}` is not a RAID key: they look like `APOLLO-R7`.")
    normal = f"{match.group(1).upper()}-{match.group(2).upper()}{int(match.group(3))}"
    item = session.exec(select(RaidItem).where(RaidItem.key == normal)).first()
    if item is None or (live and item.deleted) or (project and item.project_id != project.id):
        raise UserError(f"There is no RAID item `{normal}`. `/pmo raid list` shows them.")
    return item


def update_item(
    session: Session,
    *,
    item: RaidItem,
    changes: dict[str, Any],
    actor: str,
    note: str | None = None,
    seen: int | None = None,
) -> list[str]:
    """Apply validated changes to the item as stored now; return the fields that changed.

    `seen` is the version the person looked at (an edit form's); if the item changed since,
    nothing is saved and `ChangedMeanwhile` shows it as it is now.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UserError(f"I can't change {', '.join(sorted(unknown))}.")
    cleaned = {field: normalise(field, value) for field, value in changes.items()}
    if cleaned.get("owner"):  # one owner: a Slack user replaces a name kept as text
        cleaned["owner_name"] = None
    elif cleaned.get("owner_name"):
        cleaned["owner"] = None
    changed = []
    with editing(session, item, conflict=changed_meanwhile, seen=seen):
        if "status" in cleaned and cleaned["status"] != item.status:
            check_move(item, str(cleaned["status"]))
        for field, value in cleaned.items():
            old = getattr(item, field)
            if old == value:
                continue
            setattr(item, field, value)
            record(session, item, actor=actor, field=field, old=old, new=value, note=note)
            changed.append(field)
        if changed:
            rescore(item)
            item.updated_at = clock.now()
            session.add(item)
    if changed:
        audit(
            session,
            actor=actor,
            action="raid.update",
            project=session.get(Project, item.project_id),
            target=item.key,
            fields=changed,
        )
    return changed


def check_move(item: RaidItem, status: str) -> None:
    raid_type = RaidType(item.type)
    try:
        new = RaidStatus(status)
    except ValueError:
        new = None
    if new is None or not can_transition(raid_type, RaidStatus(item.status), new):
        allowed = LIFECYCLES[raid_type].transitions[RaidStatus(item.status)]
        options = ", ".join(sorted(s.value for s in allowed)) or "nothing (it is final)"
        raise UserError(f"{item.key} is {item.status}; it can move to {options}.")


def close_item(
    session: Session,
    *,
    item: RaidItem,
    actor: str,
    note: str | None = None,
    status: RaidStatus | None = None,
) -> RaidStatus:
    """Move an item to its closing status (or `status`), with an optional note; another
    type's word for finished (:data:`FINISHED_WORDS`) means this type's own."""
    raid_type = RaidType(item.type)
    if status in FINISHED_WORDS and status not in LIFECYCLES[raid_type].statuses:
        status = None
    target = status or CLOSING_STATUS[raid_type]
    if not update_item(
        session, item=item, changes={"status": target.value}, actor=actor, note=note
    ):
        raise UserError(f"{item.key} is already {item.status}.")
    return target


def convert_to_issue(session: Session, *, item: RaidItem, project: Project, actor: str) -> RaidItem:
    """A risk that happened becomes an issue; the two stay linked."""
    if item.type != RaidType.RISK.value:
        raise UserError(f"Only risks can be converted to issues; {item.key} is a {item.type}.")
    check_move(item, RaidStatus.CONVERTED.value)
    issue = create_item(
        session,
        project=project,
        raid_type=RaidType.ISSUE,
        title=item.title,
        actor=actor,
        description=item.description,
        owner=item.owner,
        owner_name=item.owner_name,
        probability=None,
        impact=item.impact,
        mitigation=item.mitigation,
        source=item.source,
    )
    update_item(
        session,
        item=item,
        changes={"status": RaidStatus.CONVERTED.value},
        actor=actor,
        note=f"converted to {issue.key}",
    )
    link_items(session, from_item=item, to_item=issue, relation="converted_to", actor=actor)
    return issue


def link_items(
    session: Session,
    *,
    from_item: RaidItem,
    to_item: RaidItem,
    actor: str,
    relation: str = "relates_to",
) -> None:
    if from_item.id == to_item.id:
        raise UserError("An item cannot be linked to itself.")
    exists = session.exec(
        select(RaidLink).where(
            RaidLink.from_id == from_item.id,
            RaidLink.to_id == to_item.id,
            RaidLink.relation == relation,
        )
    ).first()
    if not exists:
        session.add(RaidLink(from_id=from_item.id, to_id=to_item.id, relation=relation))
        record(session, from_item, actor=actor, field="link", new=f"{relation} {to_item.key}")


def linked_keys(session: Session, item: RaidItem) -> list[tuple[str, str]]:
    """(relation, key) pairs: outgoing links, then incoming ones, each oldest first."""
    out = [
        (link.relation, other.key)
        for link, other in session.exec(
            select(RaidLink, RaidItem)
            .where(RaidLink.from_id == item.id, RaidItem.id == RaidLink.to_id)
            .order_by(RaidLink.id)
        )
    ]
    out += [
        (f"{link.relation} (from)", other.key)
        for link, other in session.exec(
            select(RaidLink, RaidItem)
            .where(RaidLink.to_id == item.id, RaidItem.id == RaidLink.from_id)
            .order_by(RaidLink.id)
        )
    ]
    return out


def delete_item(session: Session, *, item: RaidItem, actor: str, note: str | None = None) -> None:
    """Soft delete: the item disappears from lists; its history stays."""
    _set_deleted(session, item, True, actor=actor, note=note)


def restore_item(session: Session, *, item: RaidItem, actor: str, note: str | None = None) -> None:
    """Undo a soft delete: the item is back in lists, and its history says who restored it."""
    _set_deleted(session, item, False, actor=actor, note=note)


def _set_deleted(
    session: Session, item: RaidItem, deleted: bool, *, actor: str, note: str | None
) -> None:
    with editing(session, item, conflict=changed_meanwhile):
        if item.deleted == deleted:
            raise UserError(f"{item.key} is {'already' if deleted else 'not'} deleted.")
        item.deleted = deleted
        item.updated_at = clock.now()
        session.add(item)
        record(session, item, actor=actor, field="deleted", old=not deleted, new=deleted, note=note)


def history(session: Session, item: RaidItem) -> list[RaidHistory]:
    query = select(RaidHistory).where(RaidHistory.item_id == item.id).order_by(RaidHistory.id)
    return list(session.exec(query))


def list_items(
    session: Session,
    project: Project,
    filters: RaidFilter | None = None,
    *,
    today: date | None = None,
    limit: int = 200,
) -> list[RaidItem]:
    """Live items of a project, worst first: overdue, then by score, then by date."""
    filters = filters or RaidFilter()
    query = select(RaidItem).where(RaidItem.project_id == project.id, RaidItem.deleted == False)  # noqa: E712
    if filters.type:
        query = query.where(RaidItem.type == filters.type.value)
    if filters.owner:
        query = query.where(RaidItem.owner == filters.owner)
    if filters.min_score:
        query = query.where(RaidItem.score >= filters.min_score)
    if filters.text:
        like = f"%{filters.text.lower()}%"
        query = query.where(
            or_(func.lower(RaidItem.title).like(like), func.lower(RaidItem.description).like(like))
        )
    if filters.status and filters.status not in ("open", "closed", "all"):
        query = query.where(RaidItem.status == filters.status)
    items = list(session.exec(query))
    if filters.status in (None, "open") or filters.overdue:
        items = [i for i in items if not is_closed(RaidType(i.type), RaidStatus(i.status))]
    elif filters.status == "closed":  # finished in its type's own word: resolved, done …
        items = [i for i in items if is_closed(RaidType(i.type), RaidStatus(i.status))]
    day = today or clock.today(project.timezone)
    if filters.overdue:
        items = [i for i in items if i.due_on and i.due_on < day]
    items.sort(
        key=lambda i: (
            not (i.due_on and i.due_on < day),
            -(i.score or 0),
            i.due_on or date.max,
            i.id or 0,
        )
    )
    return items[:limit]
