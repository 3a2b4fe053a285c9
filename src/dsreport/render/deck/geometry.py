"""Boxes on the slide and the 12-column grid they are cut from (all lengths in EMU)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dsreport.load.layoutbox import Rect

EMU_PER_INCH = 914400
EMU_PER_PT = 12700
COLUMNS = 12
GUTTER = int(0.25 * EMU_PER_INCH)
GAP = int(0.2 * EMU_PER_INCH)


def inches(value: float) -> int:
    return round(value * EMU_PER_INCH)


@dataclass(frozen=True)
class Box(Rect):
    """A rectangle on the slide, with the grid's ways of cutting it."""

    def cols(self, start: int, span: int) -> Box:
        """Columns `start`..`start + span - 1` of this box's 12-column grid."""
        width = (self.w - (COLUMNS - 1) * GUTTER) / COLUMNS
        left = self.x + round(start * (width + GUTTER))
        return replace(self, x=left, w=round(span * width + (span - 1) * GUTTER))

    def top(self, height: int) -> Box:
        """The top `height` of this box."""
        return replace(self, h=min(height, self.h))

    def below(self, box: Box, gap: int = GAP) -> Box:
        """What is left of this box under `box`, `gap` apart."""
        y = min(box.bottom + gap, self.bottom)
        return replace(self, y=y, h=self.bottom - y)

    def rows(self, count: int, gap: int = GAP) -> list[Box]:
        """This box cut into `count` rows of equal height."""
        height = (self.h - (count - 1) * gap) // count
        return [replace(self, y=self.y + i * (height + gap), h=height) for i in range(count)]

    def inset(self, dx: int, dy: int | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, max(self.w - 2 * dx, 0), max(self.h - 2 * dy, 0))
