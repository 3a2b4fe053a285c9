"""Where a rung's model comes from, when an importer knows.

`dsreport import mlflow` references each rung's logged model by its URI and SHA-256
(never loaded); the chosen rung's file is also copied into `system_design.model`.
"""

from __future__ import annotations

from pydantic import Field

from dsreport.bundle.fields import Model, Text


class ModelReference(Model):
    """A model file outside the bundle: recorded, never read by dsreport."""

    uri: Text = Field(examples=["runs:/4c0056ac/model/model.pkl"])
    """Where the model file lives (an MLflow artifact URI, a path, a URL)."""
    sha256: Text | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        examples=["9f2c4e0a1b3d5f7e9c1a3b5d7f9e1c3a5b7d9f1e3c5a7b9d1f3e5c7a9b1d3f5e"],
    )
    """SHA-256 of the file, lowercase hex, so the engineers can check they ship this one."""
    run: Text | None = Field(default=None, examples=["4c0056acddfd4b9b912649987801fc47"])
    """The MLflow run that logged it."""
    flavors: list[Text] = Field(default_factory=list, examples=[["sklearn"]])
    """MLflow flavours the model was logged with (how it is loaded)."""
