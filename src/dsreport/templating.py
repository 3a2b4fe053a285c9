"""Jinja environment for every text artifact.

Templates are ours, or the user's from `--templates DIR`; bundle text only ever
arrives as data. Autoescaping is on for HTML and XML; Markdown and plain-text
templates escape nothing (they are not markup a browser runs) but still never
compile bundle text. A user template with the same relative path replaces the
shipped one; `{% extends "builtin/ds/report.html.j2" %}` reaches the shipped
template it replaces, so a user can override a single block.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from dsreport.analyse.format import fmt_count
from dsreport.buildtool.cache import cache_dir, installation_digest
from dsreport.errors import BuildError
from dsreport.render.markdown import md_escape, to_html, to_plain
from dsreport.resources import templates_dir


def _autoescape(name: str | None) -> bool:
    return bool(name) and str(name).removesuffix(".j2").endswith((".html", ".xml", ".svg"))


def environment(user_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    shipped = jinja2.FileSystemLoader(str(templates_dir()))
    loader = jinja2.ChoiceLoader(
        [
            *(jinja2.FileSystemLoader(str(d)) for d in user_dirs),
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
        bytecode_cache=_bytecode_cache(cache_dir()),
    )
    env.filters["markdown"] = to_html
    env.filters["plain"] = to_plain
    env.filters["count"] = fmt_count
    env.filters["md_escape"] = md_escape
    return env


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, where a write that fails is no error."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def _bytecode_cache(root: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates, kept in the user's cache folder: compiling the report's
    templates takes longer than laying out a page, loading them a few milliseconds.

    Jinja files each template by its name and file path (a user's template that overrides
    a shipped one is filed apart) and checks the source's digest when it loads one (an
    edited template is compiled again). What it compiles also depends on the environment's
    settings, which are dsreport's code: the folder is named after the installation and
    Jinja's version, and a new folder replaces the others. The folder holds code that
    runs, so it is used only if it is a folder of this user's that nobody else may read
    or write."""
    name = hashlib.sha256(f"{installation_digest()}\0{jinja2.__version__}".encode())
    folder = root / f"templates-{name.hexdigest()[:16]}"
    try:
        fresh = not folder.exists()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    owner = getattr(os, "getuid", lambda: info.st_uid)()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != owner or info.st_mode & 0o077:
        return None
    if fresh:  # the templates of an older installation
        for old in root.glob("templates-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return _Compiled(str(folder))


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
