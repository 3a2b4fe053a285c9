"""Jinja environment for every text artifact.

Templates are ours, or the user's from `--templates DIR`; bundle text only ever
arrives as data. Autoescaping is on for HTML and XML; Markdown and plain-text
templates escape nothing (they are not markup a browser runs) but still never
compile bundle text. A user template with the same relative path replaces the
shipped one; `{% extends "builtin/ds/report.html.j2" %}` reaches the shipped
template it replaces, so a user can override a single block.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from dsreport.analyse.format import fmt_count
from dsreport.errors import BuildError
from dsreport.render.markdown import md_escape, to_html, to_plain
from dsreport.resources import templates_dir


def _autoescape(name: str | None) -> bool:
    return bool(name) and str(name).removesuffix(".j2").endswith((".html", ".xml", ".svg"))


def environment(user_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """One environment per set of template folders, kept for the process: a template is
    compiled once (a fifth of a second for the report's) and recompiled only when its file
    changes, so a process that renders again (`--watch`, the library called in a loop)
    does not compile the same templates again."""
    return _environment(tuple(str(d) for d in user_dirs))


@functools.cache
def _environment(user_dirs: tuple[str, ...]) -> jinja2.Environment:
    shipped = jinja2.FileSystemLoader(str(templates_dir()))
    loader = jinja2.ChoiceLoader(
        [
            *(jinja2.FileSystemLoader(d) for d in user_dirs),
            jinja2.PrefixLoader({"builtin": shipped}),
            shipped,
        ]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = to_html
    env.filters["plain"] = to_plain
    env.filters["count"] = fmt_count
    env.filters["md_escape"] = md_escape
    return env


def render(name: str, user_dirs: Sequence[Path] = (), **context: Any) -> str:
    """Render template `name`; a template error is a BuildError naming the template."""
    env = environment(user_dirs)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise BuildError(
            f"template {exc.name} not found",
            hint="check --templates; shipped templates live in templates/",
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(
            f"template {exc.filename or name}:{exc.lineno}: {exc.message}",
            hint="fix the template in your --templates folder",
        ) from exc
    except SecurityError as exc:
        raise BuildError(
            f"template {name}: the sandbox refused an operation ({exc})",
            hint="templates may only read facts; fix your --templates folder",
        ) from exc
    except jinja2.UndefinedError as exc:
        raise BuildError(
            f"template {name}: {exc.message}", hint="the template uses a fact that does not exist"
        ) from exc
