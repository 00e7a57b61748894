"""Status updates: which check-in an update answers, saving, editing, skipping, reading back.

An update belongs to the open check-in its author is on (the earliest they have not
answered, else today's in their timezone); with no check-in that day it is kept as a
free update for history and summaries. Until the check-in closes an update can be
replaced; after it closes, someone who had not answered may still send a late one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.core import clock
from bot.core.concurrency import editing, get_or_add
from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.people import People
from scheduler.models import Firing
from skills.status.config import get_config, holidays, participants
from skills.status.days import (
    ensure_checkin,
    is_checkin_day,
    is_closed,
    local_today,
    on_roster,
    roster_of,
)
from skills.status.models import Checkin, CheckinPerson, StatusUpdate
from skills.status.parsing import StatusDraft, parse_status_update
from skills.status.parsing.blockers import says_no_blockers
from skills.status.parsing.percent import stated_percent

MAX_UPDATE_CHARS = 4_000
RAG_WORDS = {"green": "on track", "amber": "at risk", "red": "off track"}
NONE_ANSWER = re.compile(
    r"^\W*(?:none|nothing|nope|no|n/?a|nil|-+|no\s+blockers?|not\s+blocked|all\s+good)\W*$", re.I
)
LABELS_ONLY = re.compile(  # what is left of "Done: - Next: none" is nothing
    r"\b(?:done|did|next|blockers?|blocked|today|yesterday|tomorrow|none|nothing|n/?a|status|"
    r"update|plans?|overall)\b|[\W_]+",
    re.I,
)
BULLET = re.compile(r"^\s*(?:[-*\u2022]+|\d{1,2}[.)])\s*")
# A message that goes on from the update before it: "oh and also …", "PS …", "…, forgot to
# mention". Its items are added to that update's, not put in their place.
GOES_ON = re.compile(
    r"^\W*(?:(?:oh|ah|and|plus)[\s,]+)*(?:also|plus|p\.?s\.?|one\s+more\s+thing)\b[\s,:.\-]*"
    r"|\b(?:i\s+)?forgot\s+to\s+(?:say|mention|add)\b\W*$",
    re.I,
)


@dataclass
class Saved:
    """What `submit_update` did."""

    update: StatusUpdate
    project: Project
    checkin: Checkin | None
    replaced: bool = False
    late: bool = False


def is_empty(text: str) -> bool:
    """True when nothing but labels, "none" and punctuation is left."""
    return not LABELS_ONLY.sub("", text or "")


def check_text(text: str) -> str:
    """The update's text, or a `UserError` when it is empty or too long to report."""
    text = (text or "").strip()
    if is_empty(text):
        raise UserError(
            "Your update is empty. Tell me what you did, what's next and anything blocking you, "
            "e.g. `/pmo status Done: login page. Next: search. Blockers: none`."
        )
    if len(text) > MAX_UPDATE_CHARS:
        raise UserError(
            f"That update is {len(text):,} characters; a check-in answer must be under "
            f"{MAX_UPDATE_CHARS:,}. Send the highlights (done, next, blockers) and link the rest."
        )
    return text


def update_for(session: Session, checkin: Checkin, user: str) -> StatusUpdate | None:
    query = select(StatusUpdate).where(
        StatusUpdate.checkin_id == checkin.id, StatusUpdate.user_id == user
    )
    return session.exec(query).first()


def open_checkins_for(session: Session, project: Project, user: str) -> list[Checkin]:
    """Open check-ins of the project that `user` is on and has not answered, oldest first."""
    query = (
        select(Checkin)
        .join(CheckinPerson, CheckinPerson.checkin_id == Checkin.id)
        .where(Checkin.project_id == project.id, CheckinPerson.user_id == user)
        .where(Checkin.closes_at > clock.now())
        .order_by(Checkin.day)
    )
    return [c for c in session.exec(query) if not is_closed(c) and not update_for(session, c, user)]


PROMPT_KIND = "checkin-prompt"  # `jobs.CheckinPrompts.name`, whose job keys end in `:user`


def prompted_projects(session: Session, user: str, *, answered: bool = False) -> list[Project]:
    """Projects whose check-in prompt `user` was sent and may still answer: the prompt went
    out (the scheduler recorded it as posted), their window has not ended, the check-in
    has not closed and they have not answered or skipped it. With `answered`, those whose
    prompt they did answer (not skipped) and may still add to. Newest prompt first."""
    now = clock.now()
    query = (
        select(Firing)
        .where(Firing.kind == PROMPT_KIND, Firing.status == "posted")
        .where(col(Firing.job_key).endswith(f":{user}", autoescape=True))
        .where(Firing.due <= now, Firing.due > now - timedelta(days=2))
        .order_by(col(Firing.due).desc())
    )
    found: dict[str, Project] = {}
    for firing in session.exec(query):
        day = date.fromisoformat(firing.job_key.rsplit(":", 2)[1])
        project = session.get(Project, firing.project_id) if firing.project_id else None
        if project is None or project.key in found:
            continue
        if _still_open(session, project, day, user, firing, now, answered):
            found[project.key] = project
    return list(found.values())


def _still_open(
    session: Session,
    project: Project,
    day: date,
    user: str,
    firing: Firing,
    now: datetime,
    answered: bool,
) -> bool:
    config = get_config(session, project)
    if config is None or not config.enabled:
        return False
    window_end = clock.as_utc(firing.due) + timedelta(minutes=config.window_minutes)
    checkin = session.exec(
        select(Checkin).where(Checkin.project_id == project.id, Checkin.day == day)
    ).first()
    if checkin is None:
        return not answered and now < window_end
    update = update_for(session, checkin, user)
    awaited = (update is not None and not update.skipped) if answered else update is None
    if is_closed(checkin, now) or not awaited:
        return False
    person = on_roster(session, checkin, user)
    window_end = clock.as_utc(person.window_end) if person else window_end
    return now < window_end


def checkin_for(session: Session, people: People, project: Project, user: str) -> Checkin | None:
    """The check-in an update from `user` answers now, or None for a free update."""
    config = get_config(session, project)
    if config is None or not config.enabled:
        return None
    waiting = open_checkins_for(session, project, user)
    if waiting:
        return waiting[0]
    today = local_today(people, config, project, user)
    if not is_checkin_day(config, today, holidays(session, project)):
        return None
    checkin = session.exec(
        select(Checkin).where(Checkin.project_id == project.id, Checkin.day == today)
    ).first()
    if user in participants(session, project, config):  # creates it, or adds a newcomer
        checkin = ensure_checkin(session, people, project, config, today, answering=user)
    return checkin if checkin and on_roster(session, checkin, user) else None


def draft_from_form(values: dict[str, Any], questions: list[str]) -> tuple[StatusDraft, str]:
    """The modal's answers as a draft and as text (standard questions map one to one)."""
    rag = values.get("rag") or None
    if "done" in values or "next" in values or "blockers" in values:
        done, nxt = _lines(values.get("done")), _lines(values.get("next"))
        blockers = [b for b in _lines(values.get("blockers")) if not NONE_ANSWER.match(b)]
        parts = [("Done", done), ("Next", nxt), ("Blockers", blockers or ["none"])]
        text = "\n".join(f"{label}: {'; '.join(items)}" for label, items in parts if items)
        percent = stated_percent(text)  # the form's fields are the items: no parse, no model
        return StatusDraft(done, nxt, blockers, rag, percent), _with_rag(text, rag)
    answers = [(q, str(values.get(f"q{i}") or "").strip()) for i, q in enumerate(questions)]
    text = "\n".join(f"{q}\n{a}" for q, a in answers if a)
    draft = parse_status_update(text)
    draft.rag = rag or draft.rag
    return draft, _with_rag(text, rag)


def _with_rag(text: str, rag: str | None) -> str:
    return f"{text}\nOverall: {RAG_WORDS[rag]}".strip() if rag in RAG_WORDS else text


def _lines(value: Any) -> list[str]:
    lines = [BULLET.sub("", line).strip() for line in str(value or "").splitlines()]
    return [line for line in lines if line]


def submit_update(
    session: Session,
    people: People,
    *,
    project: Project,
    user: str,
    text: str,
    draft: StatusDraft | None = None,
    answers: dict[str, Any] | None = None,
    source: str = "message",
    checkin: Checkin | None = None,
) -> Saved:
    """Save `user`'s update (parsed offline unless `draft` is given). A second message to the
    same open check-in adds to the first: each part it states (done, next, blockers, status)
    replaces that part, the others are kept; the edit form replaces the whole update. Two
    answers sent at once are saved one after the other, never as two."""
    text = check_text(text)
    goes_on = bool(GOES_ON.search(text)) and source != "form"
    draft = draft or parse_status_update(GOES_ON.sub(" ", text).strip(" \t\n,;.-") or text)
    target = checkin if checkin is not None else checkin_for(session, people, project, user)
    late = bool(target and is_closed(target))
    if target is None:  # a free update: always one of its own
        update, created = StatusUpdate(project_id=project.id, user_id=user), True
        session.add(update)
    else:
        update, created = get_or_add(
            session,
            lambda: update_for(session, target, user),
            lambda: StatusUpdate(project_id=project.id, checkin_id=target.id, user_id=user),
        )
    with editing(session, update, conflict=_update_changed):
        replaced = not created and not update.skipped
        if late and replaced:
            raise UserError(
                f"The check-in of {target.day:%a %d %b} has closed with your update in it, so "
                "it can't be edited now. Send news with `/pmo status …` at the next check-in."
            )
        if replaced and source != "form":  # a second message adds to the first
            draft, text = added_to(update, draft, text, goes_on=goes_on)
        update.text, update.answers = text, dict(answers or {})
        update.done, update.next, update.blockers = draft.done, draft.next, draft.blockers
        update.rag, update.percent = draft.rag, draft.percent
        update.skipped, update.late, update.source = False, late, source
        update.edits += 1 if replaced else 0
        update.updated_at = clock.now()
        session.add(update)
    return Saved(update, project, target, replaced, late)


def added_to(
    update: StatusUpdate, draft: StatusDraft, text: str, *, goes_on: bool = False
) -> tuple[StatusDraft, str]:
    """`draft` with the parts it leaves out taken from `update`, and the two texts together
    when anything was kept ("next: search page" after "finished the login page"). A message
    that `goes_on` ("oh and also …") adds its items to the update's."""

    def part(said: list[str], kept: list[str]) -> list[str]:
        if goes_on:
            return [*kept, *(item for item in said if item not in kept)]
        return said or list(kept)

    merged = StatusDraft(
        done=part(draft.done, update.done),
        next=part(draft.next, update.next),
        blockers=part(draft.blockers, [] if says_no_blockers(text) else update.blockers),
        rag=draft.rag or update.rag,
        percent=draft.percent if draft.percent is not None else update.percent,
    )
    kept = (merged.done, merged.next, merged.blockers) != (draft.done, draft.next, draft.blockers)
    return merged, f"{update.text}\n{text}" if kept and update.text else text


def skip_checkin(
    session: Session, *, project: Project, checkin: Checkin, user: str
) -> StatusUpdate:
    """Record that `user` skips this check-in (refused when they already answered)."""
    if on_roster(session, checkin, user) is None:
        raise UserError(f"You are not on the check-in of {checkin.day:%a %d %b}.")
    update, _ = get_or_add(
        session,
        lambda: update_for(session, checkin, user),
        lambda: StatusUpdate(
            project_id=project.id, checkin_id=checkin.id, user_id=user, skipped=True
        ),
    )
    with editing(session, update, conflict=_update_changed):
        if not update.skipped:
            raise UserError(
                "You already gave your update for this check-in; edit it instead of skipping."
            )
        if is_closed(checkin):
            raise UserError(f"The check-in of {checkin.day:%a %d %b} has already closed.")
        update.skipped, update.source, update.updated_at = True, "skip", clock.now()
        session.add(update)
    return update


def _update_changed(_session: Session, update: StatusUpdate) -> str:
    return (
        "Your update changed in another window while this one was saved, so I saved nothing "
        "here. `/pmo status` shows it; send it again if it is still news."
    )


def updates_of(session: Session, checkin: Checkin) -> dict[str, StatusUpdate]:
    query = select(StatusUpdate).where(StatusUpdate.checkin_id == checkin.id)
    return {u.user_id: u for u in session.exec(query)}


def history(
    session: Session, project: Project, *, user: str | None = None, limit: int = 10
) -> list[tuple[StatusUpdate, Checkin | None]]:
    """The newest updates of the project (or of one person), with their check-ins."""
    query = (
        select(StatusUpdate, Checkin)
        .join(Checkin, col(Checkin.id) == StatusUpdate.checkin_id, isouter=True)
        .where(StatusUpdate.project_id == project.id)
    )
    if user:
        query = query.where(StatusUpdate.user_id == user)
    query = query.order_by(col(StatusUpdate.created_at).desc(), col(StatusUpdate.id).desc())
    return [(u, c) for u, c in session.exec(query.limit(limit))]


def latest_statuses(
    session: Session, project: Project, *, now: datetime, within: timedelta = timedelta(days=7)
) -> list[str]:
    """Each person's latest stated overall status (green/amber/red) from the last `within`:
    what `skills.summary.builder.project_summary(..., statuses=...)` takes."""
    query = (
        select(StatusUpdate)
        .where(
            StatusUpdate.project_id == project.id,
            StatusUpdate.skipped == False,  # noqa: E712
            StatusUpdate.updated_at >= now - within,
            StatusUpdate.updated_at <= now,
        )
        .order_by(col(StatusUpdate.updated_at).desc(), col(StatusUpdate.id).desc())
    )
    latest: dict[str, str | None] = {}
    for update in session.exec(query):
        latest.setdefault(update.user_id, update.rag)
    return [rag for _, rag in sorted(latest.items()) if rag in RAG_WORDS]


@dataclass
class Participation:
    """One person's record over a period of check-ins."""

    user: str
    asked: int = 0
    answered: int = 0
    late: int = 0
    skipped: int = 0
    away: int = 0

    @property
    def missed(self) -> int:
        return self.asked - self.answered - self.late - self.skipped

    @property
    def rate(self) -> float | None:
        return (self.answered + self.late) / self.asked if self.asked else None


def participation(
    session: Session, project: Project, *, since: datetime, until: datetime
) -> list[Participation]:
    """Per person: check-ins asked, answered on time, late, skipped, away (closed ones only)."""
    from skills.status.days import AwayBook

    checkins = [
        c
        for c in session.exec(
            select(Checkin).where(Checkin.project_id == project.id).order_by(Checkin.day)
        )
        if since <= clock.as_utc(c.closes_at) <= until and is_closed(c, until)
    ]
    people: dict[str, Participation] = {}
    for checkin in checkins:
        roster = roster_of(session, checkin)
        book = AwayBook(session, [r.user_id for r in roster], checkin.day, checkin.day)
        answers = updates_of(session, checkin)
        for person in roster:
            row = people.setdefault(person.user_id, Participation(person.user_id))
            update = answers.get(person.user_id)
            if book.away(person.user_id, checkin.day) and update is None:
                row.away += 1
                continue
            row.asked += 1
            if update is None:
                continue
            if update.skipped:
                row.skipped += 1
            elif update.late:
                row.late += 1
            else:
                row.answered += 1
    return sorted(people.values(), key=lambda p: p.user)
