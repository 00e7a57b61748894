"""Personal reminders: "remind me / us / @ana tomorrow at 9 to …", delivered by the scheduler
exactly once, in the person's timezone, out of quiet hours and past time away."""

from skills.reminders.handlers import skill

__all__ = ["skill"]
