"""Finishing touches to the PDF's tag tree that the PDF engine leaves out.

WeasyPrint links every data cell to its header cells (`/Headers`), but leaves the header
cells themselves without `/Scope`; PDF/UA checkers look for it on each header cell, so a
table whose structure is in fact determinable is reported as if it were not. This gives
each header cell its scope: a column for a cell in the table head, a row for a header
cell in the body (`<th scope="row">`).
"""

from __future__ import annotations

from typing import Any


def scope_header_cells(document: Any, pdf: Any) -> None:
    """A WeasyPrint `finisher`: runs on the PDF objects before they are written."""
    del document  # the finisher interface passes it; the objects are all we need
    by_reference = {
        obj.reference: obj for obj in pdf.objects if hasattr(obj, "get") and obj.number is not None
    }
    for obj in pdf.objects:
        if not hasattr(obj, "get") or obj.get("S") != "/TH":
            continue
        row = by_reference.get(_reference(obj.get("P")))
        group = by_reference.get(_reference(row.get("P"))) if row is not None else None
        scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
        attributes = obj.get("A")
        if attributes is None or not hasattr(attributes, "get"):
            continue
        attributes["Scope"] = scope


def _reference(value: Any) -> bytes | None:
    if value is None:
        return None
    return value if isinstance(value, bytes) else str(value).encode()
