"""Warn about text and files still as `dsreport init` copied them from an example.

`dsreport init DIR` starts from a complete example so its structure guides the author; a
report that still tells the example's story would be wrong, so every text value equal to
the example's at the same key, and every file identical to the example's, is a warning
(one per section), until it is rewritten. The examples themselves are not warned about,
nor is a bundle that shares a phrase or two with one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dsreport.bundle.fields import clean_text, is_prose_path
from dsreport.bundle.questions import pattern
from dsreport.errors import DsreportError, Problem
from dsreport.load.messages import dotted
from dsreport.load.yamlsrc import Loc, YamlDoc

MIN_CHARS = 12
"""Shorter values (ids, metric names, column names) are the same in any bundle."""
CLAIM = 3
"""A bundle shares at least this many texts (or a file) with the example it was started
from; a hand-written one that happens to name a rung as an example does is left alone."""
SHOWN = 5


@dataclass(frozen=True)
class Example:
    name: str
    slug: str
    texts: frozenset[tuple[str, str]]
    """(key pattern, text) of every long enough text value, prose files read, but those
    another example has too."""
    files: dict[str, str]
    """Path -> SHA-256 of every file but dsreport.yaml and prose."""


def example_text_problems(doc: YamlDoc, slug: str, files: dict[str, bytes]) -> list[Problem]:
    """One warning per section whose texts are still an example's, one per file unchanged."""
    out: list[Problem] = []
    examples = [e for e in _examples() if e.slug != slug]
    if not examples:
        return out
    texts = [(loc, (pattern(dotted(loc)), text)) for loc, text in _texts(doc.data, ())]
    digests = {name: hashlib.sha256(files[name]).hexdigest() for name in sorted(files)}
    for example in examples:
        found: dict[str, list[Loc]] = {}
        for loc, keyed in texts:
            if keyed in example.texts:
                found.setdefault(str(loc[0]), []).append(loc)
        same = [name for name, digest in digests.items() if example.files.get(name) == digest]
        if not same and sum(len(locs) for locs in found.values()) < CLAIM:
            continue
        for section, locs in found.items():
            keys = [dotted(loc[1:]) for loc in locs]
            more = f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else ""
            out.append(
                Problem(
                    f"{len(keys)} text{'s are' if len(keys) != 1 else ' is'} still the "
                    f"{example.name} example's, as `dsreport init` wrote "
                    f"{'them' if len(keys) != 1 else 'it'}: {', '.join(keys[:SHOWN])}{more}",
                    file=doc.file,
                    line=doc.line(locs[0]),
                    key=section,
                    hint="rewrite them for your project; the example's words describe "
                    "another model",
                    severity="warning",
                )
            )
        out += [
            Problem(
                f"this is the {example.name} example's file, unchanged",
                file=name,
                hint="replace it with your own",
                severity="warning",
            )
            for name in same
        ]
    return out


def _texts(node: Any, loc: Loc) -> list[tuple[Loc, str]]:
    if isinstance(node, str):
        text = clean_text(node).strip()
        return [(loc, text)] if len(text) >= MIN_CHARS and " " in text else []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    return [found for part, value in items for found in _texts(value, (*loc, part))]


@cache
def _examples() -> tuple[Example, ...]:
    from dsreport.importers.example import TASK_EXAMPLES
    from dsreport.resources import resource_dir

    try:
        root = resource_dir("examples")
    except DsreportError:
        return ()
    found = [
        example
        for name in TASK_EXAMPLES.values()
        if (example := _read_example(root / name, name)) is not None
    ]
    # text every example shares ("Data scientist", "EUR per month") is nobody's in particular
    shared = {text for text, n in Counter(t for e in found for t in e.texts).items() if n > 1}
    return tuple(replace(e, texts=e.texts - shared) for e in found)


def _read_example(folder: Path, name: str) -> Example | None:
    spec = folder / "dsreport.yaml"
    if not spec.is_file():
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(spec.read_text(encoding="utf-8"), Loader=loader)
    prose: set[str] = set()

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        if isinstance(node, str) and is_prose_path(node) and (folder / node).is_file():
            prose.add(node)
            return (folder / node).read_text(encoding="utf-8")
        return node

    data = inline(data)
    texts = frozenset((pattern(dotted(loc)), text) for loc, text in _texts(data, ()))
    files = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "dsreport.yaml" and "__pycache__" not in path.parts
    }
    for name_ in prose:
        files.pop(name_, None)
    slug = str(data.get("project", {}).get("slug", "")) if isinstance(data, dict) else ""
    return Example(name=name, slug=slug, texts=texts, files=files)
