"""`dsreport init DIR`: a copy of the task's example, named after its folder.

The example's structure and comments stay as guidance; its name and slug become the
folder's, so the first build writes `<folder>-*` files. Text left as the example wrote it
is a `validate` warning (`dsreport.load.exampletext`).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from dsreport.errors import DsreportError, UsageError
from dsreport.resources import resource_dir

TASK_EXAMPLES = {
    "binary": "tumour-triage",
    "multiclass": "digit-routing",
    "regression": "disease-progression",
}


def title_of(folder: Path) -> str:
    """`my-bundle` -> `My bundle`: the project name a folder suggests."""
    words = re.sub(r"[-_\s]+", " ", folder.resolve().name).strip() or "Report"
    return words[:1].upper() + words[1:]


def ready_target(directory: str | Path) -> Path:
    """The folder to write into: new, or empty. Init never overwrites."""
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(
            f"{target} already exists and is not empty",
            hint="choose a new folder; init never overwrites files",
        )
    return target


def init_from_example(directory: str | Path, task: str = "binary") -> Path:
    """Copy the example bundle of `task` into `directory`, named after the folder."""
    if task not in TASK_EXAMPLES:
        raise UsageError(f"unknown task '{task}'", hint="use binary, multiclass or regression")
    target = ready_target(directory)
    source = resource_dir("examples") / TASK_EXAMPLES[task]
    if not (source / "dsreport.yaml").is_file():
        raise DsreportError(
            f"the {task} example bundle is missing from this installation",
            hint="reinstall dsreport: the installation is incomplete",
        )
    shutil.copytree(
        source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    spec = target / "dsreport.yaml"
    spec.write_text(renamed(spec.read_text(encoding="utf-8"), title_of(target)), encoding="utf-8")
    return target


def renamed(text: str, title: str) -> str:
    """The example's YAML with the project's name, slug and title comment set to `title`,
    comments and layout kept."""
    from dsreport.load.loaded import slugify

    project = re.search(r"(?m)^project:\n((?:[ #].*\n|\n)*)", text)
    if project is None:
        return text
    body = project.group(1)
    body = re.sub(r"(?m)^(  name: ).*$", lambda m: m.group(1) + json.dumps(title), body, count=1)
    body = re.sub(r"(?m)^(  slug: ).*$", lambda m: m.group(1) + slugify(title), body, count=1)
    text = text[: project.start(1)] + body + text[project.end(1) :]
    first = f"# {title}: a dsreport results bundle".replace("\n", " ")
    return re.sub(r"^# .*?: a dsreport results bundle", lambda _: first, text, count=1)
