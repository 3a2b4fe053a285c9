"""Write the package twice, as a folder and as a reproducible zip, with its manifest.

The zip holds exactly the folder's bytes under `<name>/`: entries sorted, stored
uncompressed (so the bytes do not depend on the zlib build), every timestamp the build
date at midnight (the facts' `build_date`, which follows SOURCE_DATE_EPOCH), every
file mode 0644, no directories, no symlinks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

from dsreport import strictjson
from dsreport.errors import BuildError
from dsreport.render.ziptime import clamp_zip_time

MANIFEST = "MANIFEST.sha256"
FILE_MODE = 0o644


def json_bytes(text: str, template: str) -> bytes:
    """Parse a rendered JSON template and write it back canonically (2-space indent, UTF-8)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BuildError(
            f"template {template} did not produce valid JSON: {exc.msg} at line {exc.lineno}",
            hint="fix the template in your --templates folder",
        ) from exc
    return (strictjson.dumps(data, indent=2) + "\n").encode("utf-8")


def jsonl_bytes(text: str, template: str) -> bytes:
    """The same for JSON Lines: one compact object per non-empty line."""
    lines = []
    for line in text.split("\n"):  # not splitlines(): U+2028 inside a string is no break
        if line.strip():
            data: Any = json.loads(json_bytes(line, template))
            lines.append(strictjson.dumps(data, separators=(", ", ": ")))
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def manifest(files: dict[str, bytes]) -> bytes:
    """`sha256sum -c` input: one `<hex>  <path>` line per file, sorted by path."""
    lines = [f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n" for p in sorted(files)]
    return "".join(lines).encode("utf-8")


def zip_time(build_date: str) -> tuple[int, int, int, int, int, int]:
    day = dt.date.fromisoformat(build_date)
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    return clamp_zip_time(stamp)


def write_package(out_dir: Path, name: str, files: dict[str, bytes], build_date: str) -> list[Path]:
    """Write `<out_dir>/<name>/` and `<out_dir>/<name>.zip`; return both paths."""
    folder = out_dir / name
    for rel in sorted(files):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[rel])
        target.chmod(FILE_MODE)
    archive = out_dir / f"{name}.zip"
    stamp = zip_time(build_date)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        for rel in sorted(files):
            info = zipfile.ZipInfo(f"{name}/{rel}", date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, so the mode below is honoured
            info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
            bundle.writestr(info, files[rel])
    return [folder, archive]
