"""Delivery keys (`processed_deliveries`) are pruned past the retention, every
`PRUNE_EVERY` at most per process, and a retry within the retention is still dropped."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.core import clock
from bot.core.db import PRUNE_EVERY, claim_delivery, session_scope
from bot.core.models import ProcessedDelivery
from bot.core.settings import ConfigError, load_settings

T0 = datetime.fromisoformat("2027-01-04T09:00:00+00:00")  # later than other tests' clocks


def at(offset: timedelta) -> None:
    clock.pin((T0 + offset).isoformat())


def stored(url: str) -> set[str]:
    with session_scope(url) as session:
        return set(session.exec(select(ProcessedDelivery.key)))


def test_keys_past_the_retention_go_and_retries_within_it_are_dropped(database_url) -> None:
    at(timedelta(0))
    assert claim_delivery(database_url, "event:Ev1")
    at(timedelta(hours=23))
    assert claim_delivery(database_url, "event:Ev2")
    at(timedelta(hours=23, minutes=5))
    assert not claim_delivery(database_url, "event:Ev1")  # 23 h old: still a retry
    at(timedelta(hours=25))
    assert claim_delivery(database_url, "event:Ev3")
    assert stored(database_url) == {"event:Ev2", "event:Ev3"}
    assert not claim_delivery(database_url, "event:Ev2")
    assert not claim_delivery(database_url, "event:Ev3")


def test_pruning_runs_at_most_every_few_minutes_and_takes_any_replicas_keys(
    database_url,
) -> None:
    at(timedelta(days=3))
    assert claim_delivery(database_url, "command:T1")  # prunes now
    with session_scope(database_url) as session:  # a key another replica recorded long ago
        session.add(ProcessedDelivery(key="command:T0", received_at=T0))
    at(timedelta(days=3) + PRUNE_EVERY / 2)
    assert claim_delivery(database_url, "command:T2")
    assert "command:T0" in stored(database_url)  # pruned a moment ago: not again yet
    at(timedelta(days=3) + PRUNE_EVERY)
    assert claim_delivery(database_url, "command:T3")
    assert stored(database_url) == {"command:T1", "command:T2", "command:T3"}


def test_the_retention_is_at_least_an_hour() -> None:
    assert load_settings(livepmo_delivery_retention_hours=48).livepmo_delivery_retention_hours == 48
    with pytest.raises(ConfigError, match="LIVEPMO_DELIVERY_RETENTION_HOURS"):
        load_settings(livepmo_delivery_retention_hours=0)
