"""Check-in settings and status updates edited by two requests at the same moment.

Each request's read of the record is held 50 ms (an ORM load hook), so both requests read
before either writes; before the fix one of the two changes was lost, or the second insert
of the same update failed with "something went wrong".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bot.core import clock
from bot.core.db import session_scope
from bot.core.dispatch import OOPS
from bot.core.messages import UserError
from bot.core.projects import require_project
from bot.core.settings import Settings
from skills.status.config import get_config
from skills.status.days import ensure_checkin
from skills.status.models import Checkin, CheckinConfig
from tests.helpers import BOB, CHEN, PM
from tests.status.chat import DAN, console, directory, updates, with_checkins


@contextmanager
def slow_reads(model: type) -> Iterator[None]:
    def pause(*_args: object) -> None:
        time.sleep(0.05)

    event.listen(model, "load", pause)
    try:
        yield
    finally:
        event.remove(model, "load", pause)


def at_once(settings: Settings, *lines: tuple[str, str, str | None]) -> list[str]:
    """Send each (user, text, channel) from its own thread at the same moment."""
    barrier = threading.Barrier(len(lines))

    def send(user: str, text: str, channel: str | None) -> str:
        chat = console(settings, user=user, channel=channel)
        barrier.wait(timeout=30)
        return chat.send(text)[0].text

    with ThreadPoolExecutor(len(lines)) as pool:
        return [job.result(timeout=120) for job in [pool.submit(send, *line) for line in lines]]


def open_todays_checkin(session: Session) -> Checkin:
    project = require_project(session, "apollo")
    config = get_config(session, project)
    return ensure_checkin(session, directory(), project, config, clock.today("Europe/London"))


def test_two_pms_changing_settings_at_once_both_count(settings: Settings) -> None:
    chat = with_checkins(settings, DAN)
    assert "is now pm" in chat.send(f"/pmo project members add <@{BOB}> pm")[0].text
    with slow_reads(CheckinConfig):
        at_once(
            settings,
            (PM, f"/pmo checkin timezone <@{CHEN}> Asia/Tokyo", "C0APOLLO"),
            (BOB, f"/pmo checkin timezone <@{DAN}> Europe/Paris", "C0APOLLO"),
        )
        at_once(
            settings,
            (PM, f"/pmo checkin participants remove <@{CHEN}>", "C0APOLLO"),
            (BOB, f"/pmo checkin participants remove <@{DAN}>", "C0APOLLO"),
        )
    with session_scope(settings.database_url) as session:
        config = get_config(session, require_project(session, "apollo"))
        assert config.timezones == {CHEN: "Asia/Tokyo", DAN: "Europe/Paris"}
        assert sorted(config.participants) == sorted([PM, BOB])


def test_a_setup_form_older_than_the_settings_is_refused(settings: Settings) -> None:
    chat = with_checkins(settings)
    assert chat.send("/pmo checkin setup")[0].modal
    assert "10:00" in chat.send("/pmo checkin time 10:00")[0].text
    [refused] = chat.send('!submit checkin_setup {"window": "2h"}')
    assert refused.text.startswith(
        "Someone changed the check-in settings of `apollo` while you were editing them, "
        "so I saved nothing. They are now:"
    )
    assert "10:00" in refused.text
    with session_scope(settings.database_url) as session:
        config = get_config(session, require_project(session, "apollo"))
        assert (config.time, config.window_minutes) == ("10:00", 240)


def test_the_same_person_answering_twice_at_once_keeps_one_update(settings: Settings) -> None:
    with_checkins(settings)
    with session_scope(settings.database_url) as session:  # today's check-in, already open
        open_todays_checkin(session)
    with slow_reads(Checkin):
        replies = at_once(
            settings,
            (PM, "/pmo status Done: plan. Next: budget. Blockers: none", None),
            (PM, "/pmo status Done: plan and budget. Next: review. Blockers: none", None),
        )
    assert OOPS not in replies
    first, second = sorted(replies)  # one saved it, the other replaced it
    assert first.startswith("Got your update") and second.startswith("Updated your update")
    [saved] = updates(settings, PM)
    assert saved.edits == 1


def test_skipping_while_answering_never_hides_the_answer(settings: Settings) -> None:
    with_checkins(settings)
    with slow_reads(Checkin):
        replies = at_once(
            settings,
            (PM, "/pmo status skip", None),
            (PM, "/pmo status Done: plan. Next: budget. Blockers: none", None),
        )
    assert OOPS not in replies
    [saved] = updates(settings, PM)
    assert not saved.skipped and saved.text.startswith("Done: plan.")


def test_a_savepoint_never_outlives_the_request_that_failed(settings: Settings) -> None:
    """SQLite: a SAVEPOINT before any write used to be the outermost transaction, so its
    RELEASE committed the check-in though the request then failed."""
    with_checkins(settings)
    with pytest.raises(UserError), session_scope(settings.database_url) as session:
        open_todays_checkin(session)
        raise UserError("a mistake found after the check-in was made")
    with session_scope(settings.database_url) as session:
        assert session.exec(select(Checkin)).all() == []
