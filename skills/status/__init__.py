"""Status check-ins: configured per project, asked at each person's own time, reported once.

`checkin_skill` configures them and `skill` (`status`) takes updates; the job kinds in
`jobs` prompt, remind and report; `parsing` reads free text offline.
"""

from skills.status import interactions  # noqa: F401  (declares the button and form operations)
from skills.status.checkin_ops import skill as checkin_skill
from skills.status.handlers import skill
from skills.status.jobs import KINDS

checkin_skill.jobs += KINDS

__all__ = ["checkin_skill", "skill"]
