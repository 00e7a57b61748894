"""Imports every module that defines tables, so `SQLModel.metadata` is complete.

Add a skill's `models` module here when it gains tables.
"""

import bot.core.models  # noqa: F401
import bot.interpret.tables  # noqa: F401
import bot.llm.usage  # noqa: F401
import scheduler.models  # noqa: F401
import skills.cost.models  # noqa: F401
import skills.hub.models  # noqa: F401
import skills.kb.models  # noqa: F401
import skills.milestones.models  # noqa: F401
import skills.raid.models  # noqa: F401
import skills.reminders.models  # noqa: F401
import skills.status.models  # noqa: F401
