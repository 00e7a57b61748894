"""The RAID log skill: risks, assumptions, issues and dependencies from chat."""

from skills.raid import changing, interactions, reading  # noqa: F401  (declare the operations)
from skills.raid.handlers import skill
from skills.raid.jobs import PmDigest, RaidReminders

skill.jobs += [RaidReminders(), PmDigest()]
skill.last_change = changing.change_to_undo

__all__ = ["skill"]
