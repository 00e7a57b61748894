"""The skills; `registry()` collects them for the router."""

from __future__ import annotations

import importlib

from bot.core.skills import Skill, SkillRegistry

SKILLS: dict[str, tuple[str, str]] = {
    "summary": ("skills.summary", "skill"),
    "raid": ("skills.raid", "skill"),
    "status": ("skills.status", "skill"),
    "checkin": ("skills.status", "checkin_skill"),
    "ooo": ("skills.availability", "skill"),
    "quiet": ("skills.availability", "quiet_skill"),
    "reminder": ("skills.reminders", "skill"),
    "undo": ("skills.undo", "skill"),
    "schedule": ("skills.schedule", "skill"),
    "ask": ("skills.kb.handlers", "ask_skill"),
    "kb": ("skills.kb.handlers", "skill"),
    "help": ("skills.help", "skill"),
    "project": ("skills.projects", "skill"),
    "milestone": ("skills.milestones", "skill"),
    "cost": ("skills.cost", "skill"),
    "hub": ("skills.hub", "skill"),
    "admin": ("skills.admin", "skill"),
    "interpret": ("skills.interpret", "skill"),
}
"""Every skill: its name -> (module, attribute)."""


def all_skills(names: tuple[str, ...] | None = None) -> list[Skill]:
    """Every skill (or those `names`), each module imported only then: a skill's imports
    cost start-up time, and its tables register on demand."""
    return [
        getattr(importlib.import_module(module), attribute)
        for name, (module, attribute) in SKILLS.items()
        if names is None or name in names
    ]


def registry(names: tuple[str, ...] | None = None) -> SkillRegistry:
    return SkillRegistry(all_skills(names))
