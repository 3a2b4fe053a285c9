"""The date a zip entry carries, kept inside what the format can hold."""

from __future__ import annotations

ZIP_FLOOR = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip entry can carry."""
ZIP_CEILING = (2107, 12, 31, 23, 59, 58)
"""The latest: the year is stored as 7 bits from 1980, the seconds in steps of two."""


def clamp_zip_time(stamp: tuple[int, ...]) -> tuple[int, int, int, int, int, int]:
    """`stamp` (year, month, day, hour, minute, second) within the zip format's range: a
    bundle dated before 1980 or after 2107 still gets its archive."""
    y, mo, d, h, mi, s = (*stamp, 0, 0, 0, 0, 0, 0)[:6]
    return min(max((y, mo, d, h, mi, s), ZIP_FLOOR), ZIP_CEILING)
