"""The CLI pauses the garbage collector while it starts, and `start()` resumes it."""

import gc
from collections.abc import Iterator

import pytest

from bot.runtime import pause_gc, resume_gc, start


@pytest.fixture
def paused_gc() -> Iterator[None]:
    pause_gc()
    yield
    gc.enable()
    gc.unfreeze()


def test_start_resumes_the_collector_and_leaves_start_up_out_of_its_scans(
    paused_gc, sqlite_only_url
) -> None:
    start(database_url=sqlite_only_url)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_command_may_keep_it_paused_until_its_first_request(paused_gc, sqlite_only_url) -> None:
    start(database_url=sqlite_only_url, keep_gc_paused=True)
    assert not gc.isenabled()
    resume_gc()
    assert gc.isenabled()


def test_resuming_a_running_collector_freezes_nothing(sqlite_only_url) -> None:
    start(database_url=sqlite_only_url)
    resume_gc()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
