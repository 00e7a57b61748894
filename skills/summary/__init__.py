"""The summary skill: project health, top risks, what changed, and the portfolio view."""

from skills.summary.handlers import skill
from skills.summary.jobs import WeeklySummary

skill.jobs.append(WeeklySummary())

__all__ = ["skill"]
