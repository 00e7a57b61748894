"""What the serving process keeps of the deliveries it acked until a worker is done with
them (`HeldDeliveries`), and how a worker tells when it is done (`TrackedWork`)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.slack.handoff import HANDOFFS_PER_DELIVERY, HeldDeliveries
from bot.slack.http_requests import Delivery
from bot.slack.worker_process import TrackedWork


def delivery(name: str, size: int = 10) -> Delivery:
    return Delivery(
        raw=name.ljust(size, "."), body={"type": "event_callback", "name": name}, headers={}
    )


def names(pairs: list[tuple[int, Delivery]]) -> list[str]:
    return [d.body["name"] for _, d in pairs]


def test_the_unfinished_ones_are_handed_again_oldest_first() -> None:
    held = HeldDeliveries()
    for ident, name in enumerate(["a", "b", "c"]):
        held.hold(ident, delivery(name))
    held.release(1)
    held.release(1)  # a second report changes nothing
    assert names(held.again()) == ["a", "c"]
    held.hold(3, delivery("d"))
    assert names(held.again()) == ["a", "c", "d"]


def test_past_the_cap_the_oldest_are_let_go() -> None:
    held = HeldDeliveries(limit=25)
    for ident, name in enumerate(["a", "b", "c", "d"]):
        held.hold(ident, delivery(name, size=10))
    assert names(held.again()) == ["c", "d"]
    assert held.size == 20
    held.hold(9, delivery("huge", size=100))  # one alone over the cap is still kept
    assert names(held.again()) == ["huge"]


def test_one_that_every_worker_died_with_is_let_go() -> None:
    held = HeldDeliveries()
    held.hold(0, delivery("poison"))
    for _ in range(HANDOFFS_PER_DELIVERY - 1):
        assert names(held.again()) == ["poison"]
    assert held.again() == []
    assert held.size == 0


def test_a_delivery_is_done_when_its_dispatch_and_all_its_work_are() -> None:
    done: list[int] = []
    work = TrackedWork(ThreadPoolExecutor(max_workers=4), done.append)
    first, nested = threading.Event(), threading.Event()

    def inner() -> None:
        nested.wait(5)

    def outer() -> None:
        first.wait(5)
        work.submit(inner)  # work of the same delivery, submitted by its work

    outer_done = work.dispatching(7, lambda: work.submit(outer))
    work.dispatching(8, lambda: None)  # a delivery that hands no work on
    assert done == [8]
    first.set()
    outer_done.result(5)  # it has handed `inner` on
    work.submit(inner)  # outside any dispatch: nobody's work
    assert done == [8]
    nested.set()
    work.shutdown(wait=True)
    assert done == [8, 7]


def test_a_dispatch_that_fails_is_done_too() -> None:
    done: list[int] = []
    work = TrackedWork(ThreadPoolExecutor(max_workers=1), done.append)

    def fail() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        work.dispatching(3, fail)
    work.shutdown(wait=True)
    assert done == [3]
