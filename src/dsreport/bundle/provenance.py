"""Where a rung's model and its environment come from, when an importer knows.

`dsreport import mlflow` fills these: each rung's logged model is referenced by its URI
and SHA-256 (never copied, never loaded), and the chosen run's pinned packages and Python
version become the environment the handoff's engineers recreate.
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


class Environment(Model):
    """The Python environment the model runs in."""

    python: Text | None = Field(default=None, pattern=r"^3\.\d+(\.\d+)?$", examples=["3.11.7"])
    """Python version the model was trained and evaluated with."""
    requirements: list[Text] = Field(
        default_factory=list, examples=[["scikit-learn==1.9.1", "pandas==2.2.3"]]
    )
    """Pinned packages (`name==version`), as in a requirements file."""
