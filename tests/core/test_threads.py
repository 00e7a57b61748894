"""Named threads: the opener's channel and ts, kept in the database (SQLite and PostgreSQL)."""

from sqlmodel import select

from bot.core import threads
from bot.core.db import session_scope
from bot.core.models import PostedThread

KEY = "checkin:apollo:2026-11-23"


def test_a_thread_is_found_by_its_key_once_remembered(database_url) -> None:
    assert threads.find(database_url, KEY) is None
    threads.remember(database_url, KEY, "C0APOLLO", "1700000000.000100")
    found = threads.find(database_url, KEY)
    assert found == ("C0APOLLO", "1700000000.000100")
    assert (found.channel, found.ts) == ("C0APOLLO", "1700000000.000100")
    assert threads.find(database_url, "checkin:apollo:2026-11-24") is None


def test_opening_the_same_key_again_moves_the_thread_to_the_new_post(database_url) -> None:
    threads.remember(database_url, KEY, "C0APOLLO", "1700000000.000100")
    threads.remember(database_url, KEY, "C0OTHER", "1700000000.000200")
    assert threads.find(database_url, KEY) == ("C0OTHER", "1700000000.000200")
    with session_scope(database_url) as session:
        assert len(session.exec(select(PostedThread)).all()) == 1


def test_the_caller_s_session_is_used_and_committed_with_its_work(database_url) -> None:
    with session_scope(database_url) as session:
        threads.remember(session, KEY, "C0APOLLO", "1700000000.000300")
        assert threads.find(session, KEY) == ("C0APOLLO", "1700000000.000300")
    assert threads.find(database_url, KEY) == ("C0APOLLO", "1700000000.000300")
    try:
        with session_scope(database_url) as session:
            threads.remember(session, "checkin:apollo:2026-11-25", "C0APOLLO", "1.2")
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    assert threads.find(database_url, "checkin:apollo:2026-11-25") is None
