"""Periods as people write them on the command line: '7d', '2w', '24h', or a date."""

import re
from datetime import datetime, timedelta

__all__ = ["parse_since", "SinceError"]

UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")


class SinceError(ValueError):
    """A period that cannot be read."""


def parse_since(value: str, now: datetime) -> datetime:
    """The moment a period starts: `now` minus '7d' (days), '2w' (weeks), '24h' (hours), or a YYYY-MM-DD date.

    >>> parse_since("7d", datetime(2024, 5, 8, 12, 0))
    datetime.datetime(2024, 5, 1, 12, 0)
    >>> parse_since("2024-05-01", datetime(2024, 5, 8))
    datetime.datetime(2024, 5, 1, 0, 0)
    """
    match = RELATIVE.match(value.strip().lower())
    if match:
        return now - int(match.group(1)) * UNITS[match.group(2)]
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d")
    except ValueError as error:
        raise SinceError(f"cannot read period {value!r}: write 7d, 2w, 24h or a date YYYY-MM-DD") from error
