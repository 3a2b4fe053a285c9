"""Shared fixtures: bundles by name, and the CLI run in-process or as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsreport.cli import main
from helpers import BUNDLES, QUIET_ENV, Run
from report_helpers import Builds, make_builds

# Variables that would make rich colour or wrap its output even when it is captured.
LOUD = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


@pytest.fixture
def bundle(tmp_path: Path) -> Callable[[str], Path]:
    """`bundle("good-binary")` -> a private copy of tests/bundles/good-binary to mutate."""

    def copy(name: str) -> Path:
        source = BUNDLES / name
        assert source.is_dir(), f"no test bundle named {name!r}"
        target = tmp_path / "bundles" / name
        shutil.copytree(source, target, symlinks=True)
        return target

    return copy


@pytest.fixture
def cli() -> Callable[..., Run]:
    """Run `dsreport ARGS...` in-process with click's CliRunner."""

    def invoke(*args: str | Path) -> Run:
        env: dict[str, str | None] = {**QUIET_ENV, **dict.fromkeys(LOUD)}
        runner = CliRunner(env=env)
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def run_dsreport() -> Callable[..., Run]:
    """Run `python -m dsreport.cli ARGS...` as a separate process (end-to-end)."""

    def run(*args: str | Path, cwd: Path | None = None) -> Run:
        env = {k: v for k, v in os.environ.items() if k not in (*LOUD, "PYTHONWARNINGS")}
        env.update(QUIET_ENV)
        proc = subprocess.run(
            [sys.executable, "-m", "dsreport.cli", *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=cwd,
            timeout=120,
            check=False,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(autouse=True)
def _private_build_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets its own build cache, never the user's."""
    monkeypatch.setenv("DSREPORT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The report tests' builds, made once for every module that reads them."""
    return make_builds(tmp_path_factory.mktemp("report"))
