"""A bundle dated outside the zip format's years still gets its deck and handoff archive."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from dsreport.render.deck.package import normalise_zip
from dsreport.render.handoff.package import zip_time
from dsreport.render.ziptime import clamp_zip_time


@pytest.mark.parametrize(
    ("stamp", "kept"),
    [
        ((1975, 6, 1, 0, 0, 0), (1980, 1, 1, 0, 0, 0)),
        ((2030, 6, 1, 12, 0, 0), (2030, 6, 1, 12, 0, 0)),
        ((2108, 1, 1, 0, 0, 0), (2107, 12, 31, 23, 59, 58)),
    ],
)
def test_zip_times_stay_within_the_format(stamp: tuple[int, ...], kept: tuple[int, ...]) -> None:
    assert clamp_zip_time(stamp) == kept


def test_a_deck_dated_2108_is_written() -> None:
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
    data = normalise_zip(source.getvalue(), dt.datetime(2108, 1, 1, tzinfo=dt.UTC))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.infolist()[0].date_time == (2107, 12, 31, 23, 59, 58)
    assert zip_time("2108-01-01") == (2107, 12, 31, 23, 59, 58)
