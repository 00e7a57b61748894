"""The summary skill: project health, top risks, what changed, and the portfolio view."""

from skills.summary.handlers import skill

__all__ = ["skill"]
