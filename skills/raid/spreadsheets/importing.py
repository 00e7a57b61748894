"""Import: each row of a file checked, matched to an item and saved in a SAVEPOINT of its own.

A row with a key updates that item (through `update_item`, so history is kept); a row
without one updates the live item with its external reference (the ID of an imported
register), else the one live item of the same type and title; otherwise an item is created,
with the number its key has in the file. Links are added once every row is in, so
a row may link to an item a later row creates. What a saved row left out (a status word its
type has no state for) is a warning of that row; the headers no field was read from are listed
once per sheet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.people import People
from bot.core.text import unformat
from skills.raid.models import RaidItem, RaidLink
from skills.raid.scoring import RaidStatus, RaidType, is_closed
from skills.raid.service import create_item, delete_item, link_items, restore_item, update_item
from skills.raid.spreadsheets.columns import TYPE_ORDER
from skills.raid.spreadsheets.reading import Table, read_file_table
from skills.raid.spreadsheets.rows import RowData, RowError, read_row

log = logging.getLogger(__name__)

Saved = dict[int | str, tuple[RowData, RaidItem, str]]  # row -> (row, item, outcome)


@dataclass
class ImportReport:
    """What an import did: keys created, updated and unchanged, (row, reason) errors,
    (row, what was left out) warnings of rows that were saved, and the headers of each sheet
    no field was read from (``[("Issues", ["RAG"])]``, the sheet "" in a CSV or JSON file).

    Row numbers are those a spreadsheet user sees (under a header in row 1, the first data
    row is row 2; for JSON, the first object is "row 2" too, so every format numbers alike);
    in a workbook with several sheets of items, rows are named like ``"Risks!5"``.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int | str, str]] = field(default_factory=list)
    rows: int = 0  # data rows read, blank rows not counted
    warnings: list[tuple[int | str, str]] = field(default_factory=list)
    unused_columns: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def saved_rows(self) -> int:
        """Rows that went in (created, updated or unchanged)."""
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        """One line: the counts, then rows with warnings and columns not used, if any."""
        bad = len({row for row, _ in self.errors})
        text = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {bad} {'row' if bad == 1 else 'rows'} with errors"
        )
        if warned := len({row for row, _ in self.warnings}):
            text += f", {warned} {'row' if warned == 1 else 'rows'} with warnings"
        if self.unused_columns:
            sheets = (
                f"{sheet + ': ' if sheet else ''}{', '.join(repr(h) for h in headers)}"
                for sheet, headers in self.unused_columns
            )
            text += f"; columns not used: {'; '.join(sheets)}"
        return text


def import_rows(
    session: Session,
    *,
    project: Project,
    content: bytes,
    filename: str,
    actor: str,
    people: People | None = None,
) -> ImportReport:
    """Import a CSV, xlsx or JSON file into `project`, each row all-or-nothing.

    Raises `ImportFileError` when the file cannot be read at all; problems of single rows
    are in the report and never stop the other rows. With `people`, owners written as a
    name or e-mail become the Slack user the directory finds (else they are kept as text).
    """
    read = read_file_table(content, filename)
    table = read.rows
    report = ImportReport(rows=len(table), unused_columns=read.unused_columns)
    rows = _checked_rows(project, table, report, people)
    saved = _save_rows(session, project, rows, actor=actor, filename=filename, report=report)
    _link_rows(session, project, saved, actor=actor, report=report)
    order = {number: position for position, (number, _) in enumerate(table)}
    for problems in (report.errors, report.warnings):
        problems.sort(key=lambda problem: order.get(problem[0], len(order)))
    log.info("raid import into %s by %s: %s", project.key, actor, report.summary())
    return report


def _checked_rows(
    project: Project, table: Table, report: ImportReport, people: People | None
) -> list[RowData]:
    """The rows that pass their checks, keyed rows first, by type and number.

    Keyed rows go first so that in a fresh project new items get the file's numbers before
    a row without a key takes the next free one.
    """
    rows: list[RowData] = []
    for number, values in table:
        try:
            rows.append(read_row(project, number, values, people))
        except RowError as exc:
            report.errors.append((number, str(exc)))
    order = {number: position for position, (number, _) in enumerate(table)}
    rows.sort(
        key=lambda r: (r.seq is None, TYPE_ORDER[r.type] if r.seq else 0, r.seq or 0, order[r.row])
    )
    return rows


def _save_rows(
    session: Session,
    project: Project,
    rows: list[RowData],
    *,
    actor: str,
    filename: str,
    report: ImportReport,
) -> Saved:
    """Save each row in a SAVEPOINT of its own; a row that fails writes nothing."""
    note = f"imported from {filename[-100:]}"
    saved: Saved = {}
    claimed: dict[int, int | str] = {}  # item id -> the row that wrote it
    for data in rows:
        try:
            with session.begin_nested():
                item, outcome = _save_row(session, project, data, actor, note, claimed)
        except (RowError, UserError) as exc:
            report.errors.append((data.row, unformat(exc)))
            continue
        except SQLAlchemyError:
            log.exception("raid import: row %s of %s failed in %s", data.row, filename, project.key)
            report.errors.append((data.row, "the database refused this row; it has been logged"))
            continue
        claimed[item.id] = data.row  # type: ignore[index]
        saved[data.row] = (data, item, outcome)
        report.warnings.extend((data.row, warning) for warning in data.warnings)
    return saved


def _save_row(
    session: Session,
    project: Project,
    data: RowData,
    actor: str,
    note: str,
    claimed: dict[int, int | str],
) -> tuple[RaidItem, str]:
    """Create or update the row's item: (item, "created" | "updated" | "unchanged")."""
    item = _existing_item(session, project, data)
    if item is not None and item.id in claimed:
        earlier = claimed[item.id]  # type: ignore[index]
        if data.key:
            raise RowError(f"{item.key} is also on row {earlier}: keep one row per item")
        if data.fields.get("external_ref") and item.external_ref == data.fields["external_ref"]:
            raise RowError(
                f"ID {item.external_ref} is also on row {earlier}: keep one row per item"
            )
        raise RowError(
            f"same type and title as row {earlier} ({item.key}): give one of them "
            "a key or another title"
        )
    if item is None:
        return _create(session, project, data, actor, note), "created"
    # A row matched by title keeps the item's spelling of it ("vendor slip" = "Vendor slip").
    ref = data.fields.get("external_ref")
    by_title = not data.key and not (ref and item.external_ref == ref)
    changes = {k: v for k, v in data.fields.items() if not by_title or k != "title"}
    if data.closing and is_closed(RaidType(item.type), RaidStatus(item.status)):
        changes.pop("status", None)  # "Done?" yes: an item closed already stays as it is
    changed = update_item(session, item=item, changes=changes, actor=actor, note=note)
    if data.deleted is not None and data.deleted != item.deleted:
        if data.deleted:
            delete_item(session, item=item, actor=actor, note=note)
        else:
            restore_item(session, item=item, actor=actor, note=note)
        changed.append("deleted")
    session.flush()
    return item, "updated" if changed else "unchanged"


def _existing_item(session: Session, project: Project, data: RowData) -> RaidItem | None:
    """The item a row is about: by key, else by external reference, else the one live item of
    that type and title."""
    if data.key:
        item = session.exec(select(RaidItem).where(RaidItem.key == data.key)).first()
        if item is not None and item.project_id != project.id:
            raise RowError(f"key {data.key} belongs to another project")
        return item
    if ref := data.fields.get("external_ref"):
        by_ref = session.exec(
            select(RaidItem).where(
                RaidItem.project_id == project.id,
                RaidItem.type == data.type.value,
                RaidItem.external_ref == ref,
                RaidItem.deleted == False,  # noqa: E712
            )
        ).first()
        if by_ref is not None:
            return by_ref
    title = _same_title(data.fields["title"])
    query = select(RaidItem).where(
        RaidItem.project_id == project.id,
        RaidItem.type == data.type.value,
        RaidItem.deleted == False,  # noqa: E712
    )
    matches = [item for item in session.exec(query) if _same_title(item.title) == title]
    if len(matches) > 1:
        keys = ", ".join(item.key for item in matches)
        raise RowError(
            f"matches several items ({keys}): put the key of the one to update in the key column"
        )
    return matches[0] if matches else None


def _same_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def _create(session: Session, project: Project, data: RowData, actor: str, note: str) -> RaidItem:
    """A new item with the row's number (if it has a key), raiser and times."""
    item = create_item(
        session, project=project, raid_type=data.type, actor=actor, seq=data.seq, **data.fields
    )
    item.raised_by = data.raised_by or item.raised_by
    item.raised_at = data.raised_at or item.raised_at
    if data.deleted:
        delete_item(session, item=item, actor=actor, note=note)
    item.updated_at = data.updated_at or item.updated_at
    session.add(item)
    session.flush()
    return item


# --------------------------------------------------------------------------- links


def _link_rows(
    session: Session, project: Project, saved: Saved, *, actor: str, report: ImportReport
) -> None:
    """Add the links of every saved row, then put its key in the report, in row order."""
    for _, (data, item, outcome) in sorted(saved.items()):
        if _add_links(session, project, data, item, actor, report) and outcome == "unchanged":
            outcome = "updated"
        getattr(report, outcome).append(item.key)


def _add_links(
    session: Session,
    project: Project,
    data: RowData,
    item: RaidItem,
    actor: str,
    report: ImportReport,
) -> bool:
    """Add the row's links, each in a SAVEPOINT of its own; True if any was new."""
    added = False
    for relation, key, incoming in data.links:
        try:
            with session.begin_nested():
                added = _link(session, project, item, relation, key, incoming, actor) or added
        except (RowError, UserError, SQLAlchemyError) as exc:
            why = "database error" if isinstance(exc, SQLAlchemyError) else unformat(exc)
            problem = f"{item.key} was saved but not its link {relation} {key}: {why}"
            report.errors.append((data.row, problem))
    return added


def _link(
    session: Session,
    project: Project,
    item: RaidItem,
    relation: str,
    key: str,
    incoming: bool,
    actor: str,
) -> bool:
    """Link `item` to `key` (or `key` to `item` when incoming); False if already linked."""
    query = select(RaidItem).where(RaidItem.key == key, RaidItem.project_id == project.id)
    other = session.exec(query).first()
    if other is None:
        raise RowError(f"there is no item {key} in project {project.key}")
    source, target = (other, item) if incoming else (item, other)
    exists = session.exec(
        select(RaidLink.id).where(
            RaidLink.from_id == source.id,
            RaidLink.to_id == target.id,
            RaidLink.relation == relation,
        )
    ).first()
    if exists is not None:
        return False
    link_items(session, from_item=source, to_item=target, actor=actor, relation=relation)
    session.flush()
    return True
