"""The cost skill: budget and currency, actuals and plans by month, the forecast at completion
by run rate, the burn chart, and where each figure came from."""

from skills.cost.handlers import skill

__all__ = ["skill"]
