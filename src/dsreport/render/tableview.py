"""What the PDF shows of the bundle's tables without holding their rows: the files they come
from, how many rows, and the first reviewed examples as text. Taken in the process that
loaded the tables, it crosses to the PDF's worker, which then imports neither the loader
nor pandas and is ready before the analysis ends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsreport.load.streamed import StreamedTable
    from dsreport.load.tables import Table


@dataclass(frozen=True)
class TableView:
    sources: tuple[str, ...]
    """The bundle paths of the files the rows come from."""
    rows: int
    streamed: bool
    """Read in batches, never whole (and so never attached to the PDF)."""
    head: tuple[dict[str, str], ...] = ()
    """The first rows, every cell as text (a missing cell is empty)."""


def view_of(table: Table | StreamedTable | None, head: int = 0) -> TableView | None:
    if table is None:
        return None
    from dsreport.load.streamed import StreamedTable  # loaded already, where tables are

    if isinstance(table, StreamedTable):
        return TableView(tuple(table.sources), table.rows, streamed=True)
    first: list[dict[str, str]] = []
    if head > 0:
        cells = table.frame.head(head).astype("string").fillna("")
        first = cells.to_dict(orient="records")  # type: ignore[assignment]
    return TableView(tuple(table.sources), table.rows, streamed=False, head=tuple(first))
