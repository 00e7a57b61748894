"""Amounts and months as people type them: "€120k", "1.2m EUR", "42,000"; "Nov 2026",
"2026-11", "last month". Money is kept in minor units (cents) so sums are exact."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core import clock
from bot.core.messages import UserError
from bot.core.text import escape, shorten
from skills.raid.parsing import parse_date_phrase

SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR"}
SIGN = {code: symbol for symbol, code in SYMBOLS.items()}
MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000,
               "mn": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000}  # fmt: skip
CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN",
         "CZK", "HUF", "RON", "INR", "CNY", "SGD", "HKD", "ZAR", "BRL", "MXN", "AED", "SAR",
         "ILS", "TRY", "KRW")  # fmt: skip
_CODE = "|".join(CODES)
AMOUNT = re.compile(
    rf"(?<![\w.])(?:(?P<code1>{_CODE})\s?)?(?P<symbol>[€$£¥₹])?\s?"
    # every comma of the number, so `read_number` can refuse an unclear one
    r"(?P<number>(?:\d{1,3}(?:[,\s'’]\d{3}(?!\d))+|\d+)(?:,\d+)*(?:\.\d+(?:,\d+)*)?)"
    r"(?![eE][+-]?\d)"  # "1e5" is no amount of 1
    rf"(?:\s?(?P<mult>k|m|mn|bn|thousand|million|billion)\b)?(?:\s?(?P<code2>{_CODE})\b)?",
    re.I,
)
THOUSANDS = re.compile(r"\d{1,3}(?:[,\s'’]\d{3})*|\d+")
MAX_CENTS = 10**15  # ten trillion in major units: more is a typo
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
PERIOD = re.compile(
    rf"\b(?:(?P<month>{MONTH_WORD})\.?(?:[\s-]+(?P<year>\d{{4}})|\s?[-'’](?P<yy>\d{{2}}))?(?!\d)"
    r"|(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})(?!\d|-\d)|(?P<num_m>\d{1,2})/(?P<num_y>\d{4})"
    r"|(?P<rel>this|last|previous|next)\s+month)\b",
    re.I,
)


def to_cents(value: Decimal, said: str) -> int:
    """`value` in cents; a `UserError` quoting `said` past `MAX_CENTS`, or for no number."""
    if not value.is_finite() or abs(value) * 100 > MAX_CENTS:  # before rounding: 28 digits
        raise UserError(f"`{escape(shorten(said, 40))}` is more than I can believe.")
    return int((value * 100).quantize(Decimal("1")))


def read_number(number: str) -> Decimal:
    """`45,000`, `1,250,000.5`, `12 500` or, with a decimal comma, `12,5` and `1,25`; a
    `UserError` when its commas are unclear (`1,2345`, `1,234,5`, `1.234,5`)."""
    whole, point, fraction = number.partition(".")
    head, comma, tail = number.rpartition(",")
    if not point and comma and len(tail) <= 2 and "," not in head:
        whole, fraction = head, tail
    if not THOUSANDS.fullmatch(whole) or not re.fullmatch(r"\d*", fraction):
        raise UserError(
            f"I can't tell what `{escape(number)}` means: group thousands in threes (`45,000`) "
            "and write a decimal with a point or a comma and one or two digits (`12.5k`, `12,5k`)."
        )
    digits = re.sub(r"[,\s'’]", "", whole)
    return Decimal(f"{digits}.{fraction or 0}")


def read_amount(
    text: str, *, currency: str | None = None
) -> tuple[int, str | None, tuple[int, int]]:
    """The first amount in `text` as (cents, currency code or None, its span); a `UserError`
    when there is none, or it is negative, unclear ("1.250": a thousand or one?) or absurd."""
    match = AMOUNT.search(text)
    if match is None:
        raise UserError("I couldn't find an amount: write it like `42,000`, `€42k` or `1.2m EUR`.")
    if match.start() > 0 and text[match.start() - 1] == "-":
        raise UserError("Amounts can't be negative: enter the month's net spend.")
    number = match.group("number")
    if not match.group("mult") and re.fullmatch(r"\d{1,3}\.\d{3}", number):  # "€1.250"
        raise UserError(
            f"Is `{escape(number)}` {number.replace('.', ',')} or {number.rstrip('0')}? Write "
            "thousands with a comma and decimals with one or two digits."
        )
    value = read_number(number) * MULTIPLIERS.get((match.group("mult") or "").lower(), 1)
    code = (match.group("code1") or match.group("code2") or "").upper() or None
    currency = SYMBOLS.get(match.group("symbol") or "") or code or currency
    return to_cents(value, match.group().strip()), currency, match.span()


def check_currency(code: str) -> str:
    code = SYMBOLS.get(code.strip(), code.strip().upper())
    if code not in CODES:
        raise UserError(
            f"`{escape(code)}` is not a currency I know: use a code like EUR, USD or GBP."
        )
    return code


def money(cents: int, currency: str, *, exact: bool = False) -> str:
    """`€1.32M`, `€120k`, `€42,000` (or to the cent with `exact`)."""
    sign = SIGN.get(currency)
    units = Decimal(cents) / 100
    if exact or abs(units) < 100_000:
        shown = f"{units:,.2f}".removesuffix(".00")
    elif abs(units) < 1_000_000:
        shown = f"{units / 1000:,.0f}k"
    else:
        shown = f"{units / 1_000_000:,.2f}M"
    return f"{sign}{shown}" if sign else f"{shown} {currency}"


def month_start(value: date) -> date:
    return value.replace(day=1)


def add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """Months from `first` to `last`, both counted (0 when `last` is earlier)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def month_name(value: date) -> str:
    return f"{value:%b %Y}"


def read_period(
    text: str, *, timezone: str, future: bool = False
) -> tuple[date, tuple[int, int]] | None:
    """The month `text` names (its first day) and where; a month without a year is the latest
    one not after this month, or with `future` the next one not before it."""
    this_month = month_start(clock.today(timezone))
    match = PERIOD.search(text)
    if match is None:
        return _period_from_date(text, timezone)
    if match.group("rel"):
        step = {"this": 0, "next": 1}.get(match.group("rel").lower(), -1)
        return add_months(this_month, step), match.span()
    if match.group("iso_y"):
        year, month = int(match.group("iso_y")), int(match.group("iso_m"))
    elif match.group("num_y"):
        year, month = int(match.group("num_y")), int(match.group("num_m"))
    else:
        month = MONTHS[match.group("month")[:3].lower()]
        if match.group("year") or match.group("yy"):
            year = int(match.group("year") or f"20{match.group('yy')}")
        else:
            year = this_month.year
            guess = date(year, month, 1)
            if future and guess < this_month:
                year += 1
            elif not future and guess > this_month:
                year -= 1
    if not 1 <= month <= 12:
        return None
    return date(year, month, 1), match.span()


def _period_from_date(text: str, timezone: str) -> tuple[date, tuple[int, int]] | None:
    found = (
        parse_date_phrase(text, now=clock.now(), tz=ZoneInfo(timezone)) if text.strip() else None
    )
    return (month_start(found), (0, len(text))) if found else None


def period_of_cell(value: object, *, timezone: str) -> date:
    """A spreadsheet cell as a month: a date, or text like `Nov 2026` or `2026-11`."""
    if isinstance(value, datetime):
        return month_start(value.date())
    if isinstance(value, date):
        return month_start(value)
    text = "" if value is None else str(value).strip()
    found = read_period(text, timezone=timezone) if text else None
    if found is None:
        raise UserError(
            f"`{escape(text) or 'an empty cell'}` is not a month: use `2026-11`, `Nov 2026` "
            "or a date in the month."
        )
    return found[0]
