"""The last review, read as untrusted input (`--since`, `dsreport diff`).

PREVIOUS is the last review's PDF, its `<slug>-facts.json`, or its output folder (the
facts file in it). Of a PDF only the attached `*-facts.json` is read, by pypdf, with its
decoders capped and no external decoder run; nothing else in the PDF is looked at. Every
file is capped at the bundle's file limit (`--max-file-size`, 50 MiB by default); the
facts must be a version this dsreport understands and pass validation against the facts
model (the facts' JSON Schema, `dsreport schema --facts`). Every failure is one line
naming the file and what to do; nothing is ever executed.
"""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dsreport.bundle.fields import clean_text
from dsreport.errors import DsreportError
from dsreport.load.paths import LoadOptions, human_size

if TYPE_CHECKING:
    from dsreport.analyse.facts import Facts

FACTS_SUFFIX = "-facts.json"
WHAT = "pass the last review's PDF, its facts.json or its output folder"


class PreviousError(DsreportError):
    """The last review cannot be read: one line, the file and what to do."""


@dataclass
class Previous:
    facts: Facts
    source: Literal["pdf", "facts", "folder"]
    file: str
    """The name of the file the facts came from."""
    digest: str
    """SHA-256 of the bytes read (the build cache's key includes it)."""


def _fail(path: Path, message: str) -> PreviousError:
    return PreviousError(f"{path}: {message}")


def _read(path: Path, limit: int) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(path, f"no such file or folder; {WHAT}") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror}); {WHAT}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, f"not a regular file; {WHAT}")
    if info.st_size > limit:
        raise _fail(
            path,
            f"{human_size(info.st_size)}, over the {human_size(limit)} limit for a previous "
            "review (raise it with --max-file-size)",
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror}); {WHAT}") from None
    if len(data) > limit:
        raise _fail(path, f"over the {human_size(limit)} limit for a previous review")
    return data


def _in_folder(folder: Path, slug: str | None) -> Path:
    found = sorted(
        p for p in folder.iterdir() if p.name.endswith(FACTS_SUFFIX) and not p.is_symlink()
    )
    if slug and (folder / f"{slug}{FACTS_SUFFIX}") in found:
        return folder / f"{slug}{FACTS_SUFFIX}"
    if len(found) == 1:
        return found[0]
    if not found:
        raise _fail(folder, f"holds no *{FACTS_SUFFIX}; {WHAT}")
    names = ", ".join(p.name for p in found[:3])
    raise _fail(folder, f"holds several facts files ({names}); pass the one to compare with")


def _from_pdf(path: Path, data: bytes, limit: int, slug: str | None) -> tuple[str, bytes]:
    """The attached facts of a PDF: (attachment name, bytes)."""
    import io
    import logging
    import warnings

    from pypdf import PdfReader, apply_configuration, get_configuration
    from pypdf.errors import LimitReachedError

    capped = get_configuration().with_overwrites(
        jbig2dec_binary=None,  # never run an external decoder on untrusted streams
        zlib_maximum_output_length=limit,
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        brotli_maximum_output_length=limit,
        maximum_declared_stream_length=limit,
    )
    quiet = logging.getLogger("pypdf")  # its complaints are not ours to print: one line is
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)
    try:
        with apply_configuration(capped), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            names = sorted(n for n in reader.attachments if str(n).endswith(FACTS_SUFFIX))
            if not names:
                raise _fail(path, f"the PDF carries no attached *{FACTS_SUFFIX}; {WHAT}")
            wanted = f"{slug}{FACTS_SUFFIX}" if slug else None
            name = wanted if wanted in names else names[0]
            contents = reader.attachments[name]
    except PreviousError:
        raise
    except LimitReachedError:
        raise _fail(
            path,
            f"the PDF's streams expand past the {human_size(limit)} limit for a previous "
            "review (raise it with --max-file-size)",
        ) from None
    except Exception:  # any failure of an untrusted PDF is the file's, not a bug
        raise _fail(path, f"not a readable PDF (damaged, or not a PDF); {WHAT}") from None
    finally:
        quiet.setLevel(level)
    if not contents or len(contents[0]) > limit:
        raise _fail(path, f"the attached {name} is empty or over the {human_size(limit)} limit")
    return str(name), contents[0]


def _version(path: Path, data: Any) -> None:
    from dsreport.analyse.facts import FACTS_VERSION

    mine = tuple(int(x) for x in FACTS_VERSION.split("."))
    given = data.get("facts_version") if isinstance(data, dict) else None
    try:
        theirs = tuple(int(x) for x in str(given).split("."))
        if len(theirs) != 2:
            raise ValueError(given)
    except ValueError:
        raise _fail(path, f"no facts_version this dsreport understands; {WHAT}") from None
    if theirs[0] != mine[0] or theirs > mine:
        newer = "newer than" if theirs > mine else "not"
        raise _fail(
            path,
            f"facts version {given} is {newer} a version this dsreport understands "
            f"({mine[0]}.0 to {FACTS_VERSION}); "
            + ("upgrade dsreport to compare with it" if theirs > mine else WHAT),
        )


def _cleaned(value: Any) -> Any:
    """Every string as bundle text is: without the control characters a terminal would obey
    (the last review's messages reach `dsreport diff`'s output and every artifact)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): _cleaned(v) for k, v in value.items()}
    return value


def _facts(path: Path, raw: bytes) -> Facts:
    from pydantic import ValidationError

    from dsreport.analyse.facts import Facts
    from dsreport.bundle.spec import BundleSpec

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _fail(path, f"not valid JSON; {WHAT}") from None
    if not isinstance(data, dict):
        raise _fail(path, f"not a dsreport facts object; {WHAT}")
    _version(path, data)
    prefix: tuple[str, ...] = ()
    try:
        facts = Facts.model_validate(_cleaned(data))
        prefix = ("bundle",)  # the normalised bundle it carries is held to the bundle's model
        spec = BundleSpec.model_validate(facts.bundle)
        return facts.model_copy(update={"bundle": spec.model_dump(mode="json", by_alias=True)})
    except (ValidationError, RecursionError) as exc:  # nesting deep enough to exhaust the stack
        errors = exc.errors() if isinstance(exc, ValidationError) else []
        if not errors:
            raise _fail(path, "does not match the facts schema") from None
        first = errors[0]
        where = ".".join(str(part) for part in (*prefix, *first["loc"]))
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise _fail(
            path, f"does not match the facts schema: {where}: {first['msg'].lower()}{more}"
        ) from None


def read_previous(
    path: str | Path, options: LoadOptions | None = None, slug: str | None = None
) -> Previous:
    """Read the last review; `slug` picks its facts where a folder or PDF holds several."""
    limit = (options or LoadOptions()).limits.file_bytes
    given = Path(path)
    source: Literal["pdf", "facts", "folder"] = "facts"
    target = given
    if given.is_dir():
        source, target = "folder", _in_folder(given, slug)
    data = _read(target, limit)
    digest = hashlib.sha256(data).hexdigest()
    name = target.name
    if data.startswith(b"%PDF-"):
        source = "pdf"
        name, data = _from_pdf(target, data, limit, slug)
    elif target.suffix.lower() == ".pdf":
        raise _fail(target, f"not a readable PDF (no PDF header); {WHAT}")
    return Previous(_facts(target, data), source, name, digest)
