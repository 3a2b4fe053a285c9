"""Walk the bundle models alongside raw YAML data.

The loader needs two things the models know and pydantic does not expose
directly: which keys are allowed at a location (for "did you mean"), and which
values are file references or prose (to read them before validation, so a
missing file is reported in the same pass as every other mistake).
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from dsreport.bundle.fields import FileMarker, ProseMarker, as_text

Loc = tuple[str | int, ...]


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold, with Optional and unions flattened."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [t for arg in get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _markers(info: FieldInfo) -> list[FileMarker | ProseMarker]:
    found = [m for m in info.metadata if isinstance(m, FileMarker | ProseMarker)]
    for arg in get_args(info.annotation):
        if get_origin(arg) is Annotated:
            found += [m for m in arg.__metadata__ if isinstance(m, FileMarker | ProseMarker)]
    return found


def _field_key(name: str, info: FieldInfo) -> str:
    return info.alias or name


def keys_of(model: type[BaseModel]) -> list[str]:
    return [_field_key(name, info) for name, info in model.model_fields.items()]


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, info in model.model_fields.items():
        if _field_key(name, info) == key:
            return info
    return None


def model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class whose instance sits at `loc`, or None if `loc` is not a model."""
    candidates: list[Any] = [root]
    for part in loc:
        nxt: list[Any] = []
        for cand in candidates:
            origin = get_origin(cand)
            if isinstance(part, str) and isinstance(cand, type) and issubclass(cand, BaseModel):
                info = _field(cand, part)
                if info is not None:
                    nxt += _unwrap(info.annotation)
            elif isinstance(part, int) and origin is list:
                nxt += _unwrap(get_args(cand)[0])
            elif isinstance(part, str) and origin is dict:
                nxt += _unwrap(get_args(cand)[1])
        candidates = nxt
    for cand in candidates:
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
    return None


def iter_marked(
    model: type[BaseModel], data: Any, loc: Loc = ()
) -> Iterator[tuple[Loc, FileMarker | ProseMarker, str, dict[Any, Any]]]:
    """Yield (loc, marker, value, container) for every file or prose value in raw `data`.

    `container` is the dict holding the value, so the caller can replace it in place.
    """
    if not isinstance(data, dict):
        return
    for name, info in model.model_fields.items():
        key = _field_key(name, info)
        if key not in data:
            continue
        value = data[key]
        markers = _markers(info)
        if markers and isinstance(value, str | int | float):
            # `path: 0.5` or `path: true` is checked as the path "0.5" or "true", the text
            # the field will hold, never let through unread
            yield (*loc, key), markers[0], str(as_text(value)), data
            continue
        if markers and isinstance(value, list):  # a list of paths
            for index, item in enumerate(value):
                if isinstance(item, str | int | float):
                    yield (*loc, key, index), markers[0], str(as_text(item)), value  # type: ignore[misc]
            continue
        for kind in _unwrap(info.annotation):
            origin = get_origin(kind)
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                yield from iter_marked(kind, value, (*loc, key))
            elif origin is list and isinstance(value, list):
                (item_type,) = get_args(kind)
                for sub in _unwrap(item_type):
                    if isinstance(sub, type) and issubclass(sub, BaseModel):
                        for index, item in enumerate(value):
                            yield from iter_marked(sub, item, (*loc, key, index))
