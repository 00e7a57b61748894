"""The RAID log skill: risks, assumptions, issues and dependencies from chat."""

from skills.raid import interactions  # noqa: F401  (declares the form, button and shortcut operations)
from skills.raid.handlers import skill

__all__ = ["skill"]
