"""The PMO Hub: the App Home for everyone (a transport-neutral view, `hub.home`), the PM's
portfolio with its charts and drill-down, and the one relevance order (`urgency`)."""

from skills.hub.handlers import skill

__all__ = ["skill"]
