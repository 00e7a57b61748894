"""Correcting the log: a comment, a changed type, and undoing a person's last change.

Every history row written by one request shares a `change` id (`service.change_id`); undo
reverts the rows of the person's newest change, within `UNDO_WINDOW`, unless someone else
has changed the item since.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.concurrency import editing
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.skills import too_late_to_undo
from bot.core.text import escape, mention
from skills.raid import service
from skills.raid.models import UNDO_NOTE, RaidHistory, RaidItem, RaidLink
from skills.raid.scoring import LIFECYCLES, RaidStatus, RaidType

NO_STATE = {"escalated": "an escalation", "comment": "a comment"}  # rows with nothing to revert
INT_FIELDS = ("probability", "impact")


def comment(session: Session, *, item: RaidItem, actor: str, text: str) -> None:
    text = " ".join(text.split())
    if not text:
        raise UserError(f"What should the comment on {item.key} say?")
    service.record(session, item, actor=actor, field="comment", note=text[:2000])


def change_type(
    session: Session, *, item: RaidItem, project: Project, new_type: RaidType, actor: str
) -> str:
    """Re-type an item in place (it takes the next key of its new type; history and links
    stay, and the old key still finds it). Returns the old key."""
    old_type, old_key = RaidType(item.type), item.key
    if new_type == old_type:
        raise UserError(f"{item.key} is already a {new_type.value}.")
    lifecycle = LIFECYCLES[new_type]
    seq = service.next_seq(session, project, new_type)
    status = item.status if item.status in lifecycle.statuses else lifecycle.initial.value
    changes = {"type": new_type.value, "seq": seq, "key": service.item_key(project, new_type, seq)}
    if status != item.status:
        changes["status"] = status
    _apply(session, item, changes, actor=actor, note=f"was {old_type.value} {old_key}")
    return old_key


def renamed_item(session: Session, key: str) -> RaidItem | None:
    """The item that had `key` before its type changed."""
    row = session.exec(
        select(RaidHistory)
        .where(RaidHistory.field == "key", RaidHistory.old == key)
        .order_by(col(RaidHistory.id).desc())
    ).first()
    item = session.get(RaidItem, row.item_id) if row else None
    return item if item and not item.deleted else None


def successor(session: Session, item: RaidItem) -> RaidItem:
    """The live item `item` was converted to (a risk that became an issue), else `item`."""
    for _ in range(8):  # a chain of conversions, never a loop
        if item.status != RaidStatus.CONVERTED.value:
            return item
        link = session.exec(
            select(RaidLink).where(RaidLink.from_id == item.id, RaidLink.relation == "converted_to")
        ).first()
        after = session.get(RaidItem, link.to_id) if link else None
        if after is None or after.deleted:
            return item
        item = after
    return item


def last_change(session: Session, user: str, item: RaidItem | None = None) -> list[RaidHistory]:
    """The rows of `user`'s newest change (to `item`, if given), undo rows left out; a
    comment or escalation that changed nothing else is its own row."""
    mine = select(RaidHistory).where(RaidHistory.actor == user)
    undone = {
        row.note.removeprefix(UNDO_NOTE)
        for row in session.exec(mine.where(col(RaidHistory.note).startswith(UNDO_NOTE)))
        if row.note
    }
    query = mine.where(
        or_(col(RaidHistory.note).is_(None), ~col(RaidHistory.note).startswith(UNDO_NOTE))
    )
    if undone:
        query = query.where(
            or_(col(RaidHistory.change).is_(None), col(RaidHistory.change).not_in(undone))
        )
    if item is not None:
        query = query.where(RaidHistory.item_id == item.id)
    newest = session.exec(query.order_by(col(RaidHistory.id).desc())).first()
    if newest is None:
        return []
    if newest.change is None:
        return [newest]
    rows = session.exec(
        select(RaidHistory)
        .where(RaidHistory.change == newest.change, RaidHistory.actor == user)
        .order_by(col(RaidHistory.id).desc())
    )
    return [r for r in rows if r.field not in NO_STATE] or [newest]  # a comment alone: itself


def check_undoable(session: Session, rows: list[RaidHistory], user: str) -> None:
    """Refuse an undo that is too late or would overwrite someone else's later change."""
    if not rows:
        raise UserError("You have made no change to the RAID log that I could undo.")
    if rows[0].field in NO_STATE:  # never reach back past it to an older change
        item = session.get(RaidItem, rows[0].item_id)
        key = item.key if item else "an item"
        raise UserError(
            f"Your last change was {NO_STATE[rows[0].field]} on {key}; it stays in the item's "
            "history, so I undid nothing."
        )
    late = too_late_to_undo(clock.as_utc(rows[0].at), clock.now())
    if late:
        raise UserError(f"{late} Change it back with `raid update KEY FIELD VALUE`.")
    for item_id in {r.item_id for r in rows}:
        later = session.exec(
            select(RaidHistory)
            .where(RaidHistory.item_id == item_id, RaidHistory.id > max(r.id or 0 for r in rows))
            .where(RaidHistory.actor != user)
            .order_by(col(RaidHistory.id))
        ).first()
        if later is not None:
            item = session.get(RaidItem, item_id)
            raise UserError(
                f"{mention(later.actor)} changed {item.key if item else 'that item'} after you, "
                "so undoing yours would overwrite theirs. Change it with `raid update`."
            )


def undo(
    session: Session, rows: list[RaidHistory], *, actor: str
) -> list[tuple[RaidItem, list[RaidHistory]]]:
    """Revert the rows of one change (newest first), each on its own item (a conversion
    touches the risk and the issue it made); returns each item with its rows."""
    touched = []
    for item_id in dict.fromkeys(row.item_id for row in rows):
        own = [row for row in rows if row.item_id == item_id]
        item = session.get(RaidItem, item_id)
        assert item is not None
        changes: dict[str, object] = {}
        for row in own:  # newest first: the oldest value of a field wins
            if row.field == "created":
                changes["deleted"] = True
            elif row.field == "deleted":
                changes["deleted"] = row.old == "True"
            elif row.field == "link":
                _unlink(session, item, row)
            elif row.field in INT_FIELDS or row.field == "seq":
                changes[row.field] = int(row.old) if row.old else None
            elif row.field == "due_on":
                changes["due_on"] = date.fromisoformat(row.old) if row.old else None
            else:
                changes[row.field] = row.old if row.old is not None or row.field != "title" else ""
        _apply(session, item, changes, actor=actor, note=f"{UNDO_NOTE}{rows[0].change or ''}")
        touched.append((item, own))
    return touched


def _unlink(session: Session, item: RaidItem, row: RaidHistory) -> None:
    relation, _, key = (row.new or "").partition(" ")
    other = session.exec(select(RaidItem).where(RaidItem.key == key)).first()
    if other is None:
        return
    link = session.exec(
        select(RaidLink).where(
            RaidLink.from_id == item.id, RaidLink.to_id == other.id, RaidLink.relation == relation
        )
    ).first()
    if link is not None:
        session.delete(link)


def _apply(
    session: Session, item: RaidItem, changes: dict[str, object], *, actor: str, note: str
) -> None:
    """Set fields directly (a correction, not a workflow move), with a history row each, on
    the item as stored now (locked and version-checked like every edit)."""
    with editing(session, item, conflict=service.changed_meanwhile):
        for field, value in changes.items():
            old = getattr(item, field)
            if old == value:
                continue
            setattr(item, field, value)
            service.record(session, item, actor=actor, field=field, old=old, new=value, note=note)
        service.rescore(item)
        item.updated_at = clock.now()
        session.add(item)


def describe_undo(touched: list[tuple[RaidItem, list[RaidHistory]]]) -> str:
    removed = [item.key for item, rows in touched if any(r.field == "created" for r in rows)]
    said = []
    if removed:
        keys = ", ".join(reversed(removed))  # in the order they were logged
        verb = "is" if len(removed) == 1 else "are"
        said.append(f"Undone: {keys} {verb} removed from the log (history is kept).")
    for item, rows in touched:
        if item.key not in removed:
            names = ", ".join(escape(f.replace("_on", "")) for f in sorted({r.field for r in rows}))
            said.append(f"Undone your change to {item.key} ({names}).")
    return " ".join(said)
