"""Milestones: baseline and forecast dates, every move kept with who and why, the RAID items
that threaten them, followers, and slip alerts (`jobs.SlipAlerts`)."""

from skills.milestones import (
    handlers,
    interactions,  # noqa: F401  (declares the form and import operations)
)
from skills.milestones.handlers import skill
from skills.milestones.jobs import SlipAlerts

skill.jobs.append(SlipAlerts())
skill.last_change = handlers.last_change

__all__ = ["skill"]
