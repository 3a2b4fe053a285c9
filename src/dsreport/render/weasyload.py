"""Import WeasyPrint without a library search whose answers it does not use.

WeasyPrint opens GObject, Pango, HarfBuzz and fontconfig through cffi, trying each under
several platforms' names in turn. On Linux the first names it tries ("libgobject-2.0-0",
"gobject-2.0-0", "gobject-2.0") are not file names the loader knows, so cffi asks
`ctypes.util.find_library`, which runs `ldconfig -p` and then, finding nothing, gcc, ld
and objdump: about fifty processes and 0.15-0.2 s of the PDF worker's start, before a
later name ("libgobject-2.0.so.0") opens directly anyway. While WeasyPrint is first
imported here the search answers "not found" at once, so each library opens under the
first of its names the system's loader finds by itself. Where that fails (libraries only
the search can find), the import is done again with the search as it is, as WeasyPrint
would have done it.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys


def import_weasyprint() -> None:
    """Import WeasyPrint (once per process); its import errors are its own, as ever."""
    if "weasyprint" in sys.modules:
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        # on a failure WeasyPrint prints its installation hint before raising
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
        return
    except OSError:  # a library only the search finds: forget the half-done import
        for name in [m for m in sys.modules if m.partition(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401


def _not_searched(name: str) -> str | None:
    return None
