"""Field types shared by every section of the bundle.

YAML 1.1 reads `1.10` as a number and `no` as false. Our loader keeps the
source text of every plain scalar, so a field typed as text gets exactly
what the author wrote, and a number field still gets a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_ASCII_FORBIDDEN = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def clean_text(value: str) -> str:
    """Bundle text as every output can carry it: the one cleaning step for all of them.

    Drops the characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage
    return; lone surrogates; U+FFFE and U+FFFF), the DEL and C1 controls, which no text
    means to hold and a terminal would obey, and the bidirectional controls (embeddings,
    overrides, isolates and marks), which make text display in another order than it reads
    (a label shown backwards, a name that hides its end). The loader applies it to every string that
    enters from a bundle (YAML keys and values, prose files, table headers and cells), so
    renderers, facts.json and error messages only ever see clean text.
    """
    return _FORBIDDEN.sub("", value)


def clean_value(value: Any) -> Any:
    """Every string (and key) of a JSON value cleaned as bundle text is."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    return value


def clean_utf8(data: bytes) -> str:
    """`data` decoded as UTF-8 (raises UnicodeDecodeError) and cleaned; fast for the large,
    all-ASCII tables (a byte translation, not a regular expression)."""
    text = data.decode("utf-8")
    if text.isascii():
        kept = data.translate(None, _ASCII_FORBIDDEN)
        return text if len(kept) == len(data) else kept.decode("ascii")
    return clean_text(text)


class SourcedInt(int):
    """An int read from YAML that remembers how it was written."""

    source: str


class SourcedFloat(float):
    """A float read from YAML that remembers how it was written (`1.10`, `.5`, `1e3`)."""

    source: str


def as_text(value: Any) -> Any:
    """A scalar read from YAML as the text its author wrote; anything else unchanged."""
    if isinstance(value, SourcedInt | SourcedFloat):
        return clean_text(value.source)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return clean_text(value)
    return value


def _as_number(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if text.endswith("%"):
            try:
                return float(text[:-1]) / 100.0
            except ValueError:
                return value
    return value


Text = Annotated[str, BeforeValidator(as_text)]
"""Plain text: never Markdown-rendered, always escaped by renderers."""


@dataclass(frozen=True)
class ProseMarker:
    """Marks a field as Markdown prose that may also be a path to a `.md` file."""


@dataclass(frozen=True)
class FileMarker:
    """Marks a field as a path to a file inside the bundle."""

    kinds: tuple[str, ...]
    what: str
    many: bool = False
    """Whether the path may also name a folder of Parquet files or a glob (one table)."""


def short(limit: int) -> Any:
    """Text of at most `limit` characters (what a slide shows as it is), as a type that keeps
    its limit inside an optional field."""
    return Annotated[str, BeforeValidator(as_text), StringConstraints(max_length=limit)]


Text60 = short(60)
Text80 = short(80)
Text100 = short(100)
Prose = Annotated[str, BeforeValidator(as_text), ProseMarker()]
Number = Annotated[float, BeforeValidator(_as_number), AllowInfNan(False)]


def file_ref(*suffixes: str, what: str, many: bool = False) -> Any:
    """A path inside the bundle with one of `suffixes`; checked at load, never followed out."""
    return Annotated[
        str,
        BeforeValidator(as_text),
        FileMarker(tuple(suffixes), what, many),
        Field(min_length=1),
    ]


TablePath = file_ref(".csv", ".parquet", what="table")
TableSource = file_ref(".csv", ".parquet", what="table", many=True)
"""A table file, a folder of Parquet files, or a glob: read as one table."""
ImagePath = file_ref(".png", ".jpg", ".jpeg", ".svg", what="image")
CodePath = file_ref(
    ".py",
    ".sql",
    ".txt",
    ".toml",
    ".yaml",
    ".yml",
    ".json",
    ".cfg",
    ".sh",
    ".r",
    ".R",
    what="code file",
)
PptxPath = file_ref(".pptx", what="PowerPoint template")
ModelPath = file_ref(
    ".skops", ".onnx", ".joblib", ".pkl", ".pickle", ".safetensors", what="model file"
)
"""A model file, or a folder of them (the loader reads a folder file by file)."""
EnvironmentPath = file_ref(".txt", ".yaml", ".yml", what="environment file")
GoldenPath = file_ref(".jsonl", what="golden set")


class Model(BaseModel):
    """Base for every bundle section: unknown keys are errors (so typos are caught)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )


PROSE_PATH = re.compile(r"^\S+\.md$", re.IGNORECASE)


def is_prose_path(value: str) -> bool:
    """A prose value that is one token ending in `.md` is a file to read (and to check:
    absolute paths and `..` are refused like any other reference)."""
    return bool(PROSE_PATH.match(value.strip()))
