"""The engineer's handoff package: `<slug>-handoff/` and the same bytes as `<slug>-handoff.zip`.

Everything a software engineer needs to put the model into production without
meeting the data scientist: integration notes, the model card (Markdown with
Hugging Face metadata, and Model Card Toolkit JSON), the contract (JSON Schemas,
examples, typed models), the bundle's code with a generated contract test, the
monitoring thresholds and a SHA-256 manifest. Every text file comes from a template
under `templates/handoff/`; every number from the facts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dsreport import contract as schemas
from dsreport.render.base import RenderContext, Renderer, register
from dsreport.render.handoff import cards, contract
from dsreport.render.handoff.codefiles import code_files
from dsreport.render.handoff.modelfiles import TEST_REQUIREMENTS, minimum_python, model_package
from dsreport.render.handoff.package import (
    MANIFEST,
    json_bytes,
    jsonl_bytes,
    manifest,
    write_package,
)
from dsreport.render.handoff.view import as_json, context
from dsreport.templating import render

__all__ = ["HandoffRenderer"]


def pretty(value: dict[str, Any]) -> str:
    """A JSON object with one key per line and compact values (arrays stay on one line)."""
    lines = [f"  {json.dumps(k, ensure_ascii=False)}: {as_json(v)}" for k, v in value.items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def _py_fields(fields: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": f.name,
            "annotation": contract.py_type(f),
            "required": f.required,
            "description": f.description,
        }
        for f in fields
    ]


@register
class HandoffRenderer(Renderer):
    name = "engineer"
    audience = "engineer"
    description = "handoff package for engineers: contract, code, model, model card, monitoring"

    def render(self, ctx: RenderContext) -> list[Path]:
        facts, bundle = ctx.facts, ctx.bundle
        design = bundle.spec.system_design
        package = f"{facts.slug}-handoff"
        code = code_files(bundle)
        model = model_package(bundle)
        view = context(facts, bundle, code, model, package)
        view.update(py=repr, pretty=pretty, entry_point=design.entry_point)

        def text(name: str, **extra: Any) -> str:
            return render(f"handoff/{name}", ctx.template_dirs, **view, **extra)

        files: dict[str, bytes] = {}
        for side, fields in (("input", design.inputs), ("output", design.outputs)):
            files[f"contract/{side}.schema.json"] = json_bytes(
                text(
                    "schema.json.j2",
                    side=side,
                    properties_json=as_json(schemas.properties(fields)),
                    required_json=as_json(schemas.required(fields)),
                ),
                "handoff/schema.json.j2",
            )
        files["contract/examples.jsonl"] = jsonl_bytes(
            text("examples.jsonl.j2"), "handoff/examples.jsonl.j2"
        )
        if bundle.golden:
            files["contract/golden.jsonl"] = jsonl_bytes(
                text("golden.jsonl.j2"), "handoff/golden.jsonl.j2"
            )
        files["contract/io_models.py"] = text(
            "io_models.py.j2",
            request_fields=_py_fields(design.inputs),
            response_fields=_py_fields(design.outputs),
        ).encode("utf-8")
        for rel, data in code.files.items():
            files[f"code/{rel}"] = data
        generated = ["handoff_contract.py", "test_contract.py", "serve.py", "monitor.py"]
        if model.entries:
            generated.append("handoff_model.py")
        if view["batch"]:
            generated.append("batch.py")
        for name in generated:
            files[f"code/{name}"] = text(f"{name}.j2").encode("utf-8")
        floor, unparsed = minimum_python({k: v for k, v in files.items() if k.endswith(".py")})
        view["min_python"] = f"{floor[0]}.{floor[1]}"
        view["python_version"] = bundle.environment.python or view["min_python"]
        view["venv_python"] = ".".join(view["python_version"].split(".")[:2])
        for name in unparsed:
            ctx.notes.append(f"handoff: {name} is not Python 3 that vermin can read")
        files["requirements.txt"] = text(
            "requirements.txt.j2",
            environment=bundle.environment,
            pinned=bundle.environment.requirements,
            test_requirements=TEST_REQUIREMENTS,
        ).encode("utf-8")
        files["settings.json"] = json_bytes(as_json(view["default_settings"]), "settings")
        if model.entries:
            files.update(model.files)
            files["model/MLmodel"] = text("MLmodel.j2").encode("utf-8")
            files["model/python_env.yaml"] = text("python_env.yaml.j2").encode("utf-8")
            if view["canonical"] is not None:
                files["model/input_example.json"] = json_bytes(
                    as_json(view["canonical"].request), "input example"
                )
        files["monitoring.json"] = json_bytes(text("monitoring.json.j2"), "handoff/monitoring")
        chosen = bundle.spec.ladder.chosen
        files["model_card.json"] = json_bytes(
            text("model_card.json.j2", metrics_json=as_json(cards.mct_metrics(facts, chosen))),
            "handoff/model_card.json.j2",
        )
        files["MODEL_CARD.md"] = text(
            "MODEL_CARD.md.j2",
            front_matter=cards.hf_front_matter(facts, bundle.spec, chosen, model.library),
        ).encode("utf-8")
        if facts.since is not None:  # what changed since the last review (--since)
            files["CHANGELOG.md"] = text("CHANGELOG.md.j2", since=facts.since).encode("utf-8")
        listing = sorted([*files, "README.md", MANIFEST])
        files["README.md"] = text("README.md.j2", files=listing).encode("utf-8")
        files[MANIFEST] = manifest(files)
        if view["canonical"] is None:
            missing = ", ".join(view["examples"].missing_inputs)
            ctx.notes.append(
                f"handoff: no example request (no usable example for: {missing}); "
                "the package's contract test will fail until the bundle gives one"
            )
        return write_package(ctx.out_dir, package, files, facts.build_date)
