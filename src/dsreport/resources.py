"""Find the shipped `templates/` and `assets/` folders, wherever dsreport runs from.

In a wheel they sit inside the package (`dsreport/templates`); in an editable
checkout they sit at the repository's top level. One resolver serves both.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dsreport.errors import DsreportError

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(kind: str) -> Path:
    """Return the folder for `kind` ("templates" or "assets")."""
    for candidate in (_PACKAGE / kind, _PACKAGE.parent.parent / kind):
        if candidate.is_dir():
            return candidate
    raise DsreportError(
        f"the {kind}/ folder that ships with dsreport is missing",
        hint="reinstall dsreport: the installation is incomplete",
    )


def templates_dir() -> Path:
    return resource_dir("templates")


def assets_dir() -> Path:
    return resource_dir("assets")


def asset(relative: str) -> Path:
    """A file inside `assets/`, checked to exist so a broken install fails clearly."""
    path = assets_dir() / relative
    if not path.is_file():
        raise DsreportError(
            f"asset {relative} is missing from {assets_dir()}",
            hint="reinstall dsreport: the installation is incomplete",
        )
    return path
