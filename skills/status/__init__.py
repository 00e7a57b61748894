"""Status check-ins: configured per project, asked at each person's own time, reported once.

`checkin_skill` configures them and `skill` (`standup`) takes updates; the job kinds in
`jobs` prompt, remind and report; `parsing` reads free text offline.
"""

from skills.status import interactions  # noqa: F401  (attaches buttons and modals)
from skills.status.handlers import checkin_skill, skill

__all__ = ["checkin_skill", "skill"]
