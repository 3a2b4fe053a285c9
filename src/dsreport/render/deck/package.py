"""Write the deck so that two builds of one bundle give the same bytes.

python-pptx saves through `zipfile` with the current time on every entry, and the
workbook behind each chart records when it was made. After saving, the package is
rewritten with every entry dated to the build date, in a fixed order, and each
embedded workbook gets the same treatment.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from dsreport.render.ziptime import clamp_zip_time

FIRST = "[Content_Types].xml"
_W3CDTF = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def build_datetime(iso_date: str) -> dt.datetime:
    """Midnight UTC of the facts' build date (never before 1980, the zip format's epoch)."""
    day = max(dt.date.fromisoformat(iso_date), dt.date(1980, 1, 1))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def set_core_properties(prs: Any, when: dt.datetime, **fields: str) -> None:
    """Title, author, subject, ... and every date from the bundle, not python-pptx's defaults."""
    props = prs.core_properties
    for name, value in fields.items():
        setattr(props, name, value[:255])
    naive = when.replace(tzinfo=None)
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    props.revision = 1


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return [(info.filename, source.read(info)) for info in source.infolist()]


def normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """`data` (a zip: pptx or xlsx) rewritten with fixed dates and a fixed entry order."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = _entries(data)
    entries.sort(key=lambda item: (item[0] != FIRST, item[0]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in entries:
            if name.endswith(".xlsx"):
                body = normalise_zip(body, when)
            elif name.endswith("core.xml"):
                body = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            info = zipfile.ZipInfo(name, date_time=clamp_zip_time(when.timetuple()[:6]))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            target.writestr(info, body)
    return out.getvalue()


def save_bytes(prs: Any, when: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalise_zip(buffer.getvalue(), when)
