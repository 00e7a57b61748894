"""Who people are: timezone, display name, admin flag.

Slack answers through `users.info` (see `bot/slack/people.py`); the console
and tests use `StaticPeople`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    timezone: str
    is_admin: bool = False
    is_bot: bool = False


class People(Protocol):
    def get(self, user_id: str) -> Person: ...


class StaticPeople:
    """People from a dict; anyone unknown gets the default timezone."""

    def __init__(self, default_timezone: str = "UTC", people: dict[str, Person] | None = None):
        self.default_timezone = default_timezone
        self.people = dict(people or {})

    def add(self, person: Person) -> None:
        self.people[person.user_id] = person

    def get(self, user_id: str) -> Person:
        return self.people.get(user_id) or Person(user_id, user_id, self.default_timezone)
