"""Who people are: timezone, display name, admin flag; and who a name or e-mail is.

Slack answers through `users.info`, `users.lookupByEmail` and `users.list` (see
`bot/slack/people.py`); the console and tests use `StaticPeople`.
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
    email: str | None = None
    handle: str | None = None  # the Slack display name, e.g. "jo.bloggs"


class People(Protocol):
    def get(self, user_id: str) -> Person: ...

    def find(self, name_or_email: str) -> Person | None:
        """The one person with this e-mail address or name (None when nobody or several)."""
        ...


def matching_person(people: list[Person], name_or_email: str) -> Person | None:
    """The one person whose e-mail, full name, first name or handle is ``name_or_email``."""
    wanted = " ".join(name_or_email.strip().lstrip("@").casefold().split())
    if not wanted:
        return None
    if "@" in wanted:
        found = [p for p in people if (p.email or "").casefold() == wanted]
    else:
        found = [
            p
            for p in people
            if wanted in ((p.handle or "").casefold(), p.name.casefold()) and not p.is_bot
        ]
        if not found:
            found = [
                p for p in people if not p.is_bot and p.name.casefold().split()[:1] == [wanted]
            ]
    return found[0] if len({p.user_id for p in found}) == 1 else None


class StaticPeople:
    """People from a dict; anyone unknown gets the default timezone."""

    def __init__(self, default_timezone: str = "UTC", people: dict[str, Person] | None = None):
        self.default_timezone = default_timezone
        self.people = dict(people or {})

    def add(self, person: Person) -> None:
        self.people[person.user_id] = person

    def get(self, user_id: str) -> Person:
        return self.people.get(user_id) or Person(user_id, user_id, self.default_timezone)

    def find(self, name_or_email: str) -> Person | None:
        return matching_person(list(self.people.values()), name_or_email)
