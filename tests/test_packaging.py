"""The built wheel carries templates, assets and examples, and works from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("dsreport-*.whl")
    return found


def test_wheel_contains_resources(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for required in (
        "dsreport/__init__.py",
        "dsreport/cli.py",
        "dsreport/templates/README.md",
        "dsreport/assets/README.md",
        "dsreport/examples/tumour-triage/dsreport.yaml",
        "dsreport/examples/digit-routing/dsreport.yaml",
        "dsreport/examples/disease-progression/dsreport.yaml",
    ):
        assert required in names, required
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_installed_wheel_inits_validates_and_builds(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel (not editable) into a fresh venv and drive it from another folder.

    Dependencies come from this interpreter's site-packages through a .pth file, so the
    test needs no network; the editable checkout is not on that venv's path.
    """
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "_host_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    exe = str(env_dir / "bin" / "dsreport")
    where = subprocess.run(
        [str(python), "-c", "import dsreport; print(dsreport.__file__)"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(env_dir) in where, where
    for args in (["init", "b"], ["validate", "b"], ["build", "b", "-o", "o"]):
        done = subprocess.run([exe, *args], cwd=work, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (work / "o" / "b-facts.json").is_file()  # named after the folder
