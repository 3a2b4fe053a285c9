"""Serialise the PDF's objects once, and compress them at zlib's default level.

WeasyPrint hands the finished objects to pydyf, which writes them and then, to make the
file identifier (`/ID`), serialises every object a second time and hashes the bytes: every
stream is compressed twice, the object stream holding all the dictionaries included. It
compresses at level 9, which on the report's streams takes four times as long as zlib's
default level 6 for a file 2-3% smaller. `written_once` wraps the PDF's `write`: while it
runs (in this thread only) each numbered object's bytes are computed once and reused by
the hash, and streams are compressed at level 6. The identifier is the hash of exactly the
bytes written, as before; at level 9 the file is byte for byte what pydyf writes alone
(tests check it). Only numbered objects are remembered: they live as long as the PDF and
nothing changes them while it is written, whereas a temporary dictionary's `id()` could be
reused.
"""

from __future__ import annotations

import contextvars
import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

LEVEL = 6
"""zlib's own default: on the examples' streams a quarter of level 9's time, 2-3% larger."""

_MEMO: contextvars.ContextVar[tuple[dict[int, bytes], int] | None] = contextvars.ContextVar(
    "dsreport_pdf_memo", default=None
)


def written_once(pdf: Any, level: int = LEVEL) -> None:
    """Make `pdf.write` (a pydyf PDF's) serialise each object once; left as it is when this
    pydyf is laid out differently from what the override expects."""
    if not _installed():
        return
    write = pdf.write

    def write_once(*args: Any, **kwargs: Any) -> Any:
        token = _MEMO.set(({}, level))
        try:
            return write(*args, **kwargs)
        finally:
            _MEMO.reset(token)

    pdf.write = write_once


@cache
def _installed() -> bool:
    """Route pydyf's `Stream.data` and `Dictionary.data` through the memo (outside
    `written_once` they behave exactly as before)."""
    import pydyf

    stream, dictionary = (vars(c).get("data") for c in (pydyf.Stream, pydyf.Dictionary))
    if not (isinstance(stream, property) and isinstance(dictionary, property)):
        return False
    if not callable(getattr(pydyf, "_to_bytes", None)):
        return False

    def stream_data(self: Any, level: int) -> bytes:
        # pydyf's Stream.data, with the compression level as a parameter
        body = b"\n".join(pydyf._to_bytes(item) for item in self.stream)
        extra = pydyf.Dictionary(self.extra.copy())
        if self.compress:
            extra["Filter"] = "/FlateDecode"
            compressor = zlib.compressobj(level=level)
            body = compressor.compress(body) + compressor.flush()
        extra["Length"] = len(body)
        return b"\n".join((extra.data, b"stream", body, b"endstream"))

    plain_stream, plain_dictionary = stream.fget, dictionary.fget
    if plain_stream is None or plain_dictionary is None:
        return False
    pydyf.Stream.data = _remembered(plain_stream, stream_data)
    pydyf.Dictionary.data = _remembered(plain_dictionary, lambda self, _: plain_dictionary(self))
    return True


def _remembered(original: Callable[[Any], bytes], compute: Callable[[Any, int], bytes]) -> property:
    def data(self: Any) -> bytes:
        active = _MEMO.get()
        if active is None:
            return original(self)
        memo, level = active
        if self.number is None:  # a direct or temporary object: not remembered
            return compute(self, level)
        key = id(self)
        found = memo.get(key)
        if found is None:
            found = memo[key] = compute(self, level)
        return found

    return property(data)
