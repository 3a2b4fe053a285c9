"""Compiled templates are kept in the user's cache folder, safely: a user's template is
filed apart from the shipped one it overrides, an edit is compiled again, and a folder
others may write is not used."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from dsreport import templating

NAME = "summary/summary.md.j2"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self, source, name=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        names.append(name or "")
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return names


def _cached(root: Path) -> list[Path]:
    return sorted(root.glob("templates-*/*.cache"))


def test_a_template_is_compiled_once_into_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    monkeypatch.setenv("DSREPORT_CACHE_DIR", str(tmp_path))
    templating.environment().get_template(NAME)
    assert compiles == [NAME]
    (folder,) = tmp_path.glob("templates-*")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert len(_cached(tmp_path)) == 1
    templating.environment().get_template(NAME)
    assert compiles == [NAME]


def test_a_user_template_is_filed_apart_and_an_edit_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    monkeypatch.setenv("DSREPORT_CACHE_DIR", str(tmp_path / "cache"))
    mine = tmp_path / "mine" / NAME
    mine.parent.mkdir(parents=True)
    mine.write_text("mine: {{ 1 + 1 }}\n", "utf-8")
    templating.environment().get_template(NAME)  # the shipped one, compiled and kept
    assert templating.render(NAME, [tmp_path / "mine"]) == "mine: 2\n"
    assert templating.render(NAME, [tmp_path / "mine"]) == "mine: 2\n"
    assert len(_cached(tmp_path / "cache")) == 2
    mine.write_text("mine, edited: {{ 2 + 2 }}\n", "utf-8")
    assert templating.render(NAME, [tmp_path / "mine"]) == "mine, edited: 4\n"
    assert compiles == [NAME, NAME, NAME]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_may_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DSREPORT_CACHE_DIR", str(tmp_path))
    templating.environment()
    (folder,) = tmp_path.glob("templates-*")
    folder.chmod(0o777)
    templating._bytecode_cache.cache_clear()
    assert templating.environment().bytecode_cache is None
