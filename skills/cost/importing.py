"""Cost figures from a spreadsheet: one row per month, with its actual and/or planned spend.

Each row is checked and saved on its own (a bad row is reported with its reason and the rest
go in); importing the same file again replaces each month's figures, so it adds nothing twice.
A month the file already gave in an earlier row is refused, never a silent overwrite.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from bot.core.messages import UserError
from bot.core.models import Project
from bot.core.text import escape
from skills.cost import service
from skills.cost.money import month_name, period_of_cell, read_amount, to_cents
from skills.sheets import Columns, SheetReport, import_each, sheet_rows, text_cell

COLUMNS: Columns = {
    "period": ("month", "date", "period end", "month ending", "month end"),
    "actual": ("actuals", "actual spend", "actual cost", "spend", "spent", "cost", "costs",
               "amount"),
    "plan": ("planned", "planned spend", "planned cost", "budget", "forecast"),
    "currency": ("ccy", "curr"),
    "note": ("notes", "comment", "comments", "description"),
}  # fmt: skip


EMPTY_CELLS = frozenset(("", "-", "–", "—", "n/a", "na", "tbc", "tbd"))


def amount_cell(value: Any, currency: str) -> int | None:
    """A cell as cents: a number, or text like `€42k` (in the project's currency); an empty
    cell, or one holding a dash or "n/a", has none."""
    if value is None or (isinstance(value, str) and value.strip().lower() in EMPTY_CELLS):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise UserError(f"`{escape(str(value))}` is not an amount.") from None
        if not amount.is_finite():
            raise UserError(f"`{escape(str(value))}` is not an amount.")
        if amount < 0:
            raise UserError("Amounts can't be negative: enter the month's net spend.")
        return to_cents(amount, str(value))
    cents, given, _ = read_amount(str(value), currency=currency)
    if given and given != currency:
        raise UserError(f"`{escape(str(value))}` is in {given}; this project counts in {currency}.")
    return cents


def import_costs(
    session: Session, *, project: Project, content: bytes, filename: str, actor: str
) -> SheetReport:
    """Import monthly actual and planned spend; `ImportFileError` if the file can't be used."""
    plan = service.require_plan(session, project)
    rows = sheet_rows(content, filename, COLUMNS, required="period")
    saved_rows: dict[date, int] = {}  # each month saved, with its row: a repeat is refused

    def save(number: int, values: dict[str, Any]) -> str:
        period = period_of_cell(values.get("period"), timezone=project.timezone)
        if period in saved_rows:
            raise UserError(f"{month_name(period)} repeats row {saved_rows[period]}")
        currency = text_cell(values.get("currency")).upper() or plan.currency
        if currency != plan.currency:
            raise UserError(
                f"the currency is {escape(currency)}; this project counts in {plan.currency}"
            )
        amounts = {kind: amount_cell(values.get(kind), plan.currency) for kind in service.KINDS}
        if all(v is None for v in amounts.values()):
            raise UserError(f"{month_name(period)} has no actual or planned amount")
        for kind, cents in amounts.items():
            if cents is not None:
                service.record_figure(
                    session,
                    project=project,
                    period=period,
                    kind=kind,
                    cents=cents,
                    currency=plan.currency,
                    actor=actor,
                    source=f"import {filename} row {number}",
                    note=text_cell(values.get("note")) or None,
                )
        saved_rows[period] = number
        return month_name(period)

    return import_each(session, rows, save)
