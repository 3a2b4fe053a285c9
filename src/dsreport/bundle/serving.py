"""What the engineers ship and operate: model files, environment, settings, golden set.

These parts of `system_design` and `operator_view` exist for the handoff package. Model
files are copied and hashed, never loaded: dsreport does not deserialise them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from dsreport.bundle.fields import EnvironmentPath, GoldenPath, Model, ModelPath, Number, Text

ModelFormat = Literal["skops", "onnx", "joblib", "pickle", "safetensors", "folder"]
MODEL_SUFFIXES = {
    ".skops": "skops",
    ".onnx": "onnx",
    ".joblib": "joblib",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".safetensors": "safetensors",
}
"""Model formats by file suffix; a folder is a `folder`."""
PICKLE_FORMATS = frozenset({"joblib", "pickle"})
"""Formats whose loading runs code stored in the file."""


class ModelFile(Model):
    """One model file (or folder) of the chosen rung, with the SHA-256 it must have."""

    path: ModelPath = Field(examples=["model/churn.skops"])
    """A file in the bundle (.skops, .onnx, .joblib, .pkl, .safetensors), or a folder."""
    sha256: Text = Field(
        pattern=r"^[0-9a-f]{64}$",
        examples=["9f2c4e0a1b3d5f7e9c1a3b5d7f9e1c3a5b7d9f1e3c5a7b9d1f3e5c7a9b1d3f5e"],
    )
    """Expected SHA-256, lowercase hex. For a folder: the SHA-256 of its `sha256sum`
    listing (`<hex>  <path>` lines, paths relative to the folder, sorted)."""
    format: ModelFormat | None = Field(default=None, examples=["skops"])
    """How the file is loaded; from the suffix when absent. joblib and pickle run code
    when loaded: the handoff's loader refuses them unless the caller allows it."""


class Environment(Model):
    """The Python environment the model runs in: pinned packages and the Python version."""

    python: Text | None = Field(default=None, pattern=r"^3\.\d+(\.\d+)?$", examples=["3.11.7"])
    """Python version the model was trained and evaluated with."""
    requirements: list[Text] = Field(
        default_factory=list, examples=[["scikit-learn==1.9.1", "skops==0.16.0"]]
    )
    """Pinned packages (`name==version`), as in a requirements file."""
    files: list[EnvironmentPath] = Field(
        default_factory=list, examples=[["mlflow/requirements.txt", "mlflow/python_env.yaml"]]
    )
    """Environment files an MLflow run already has (`requirements.txt`, `python_env.yaml`,
    `conda.yaml`); their Python version and packages are read and added to the above."""


class ModelArtifacts(Model):
    """The chosen rung as files: what the entry point loads."""

    files: list[ModelFile] = Field(min_length=1)
    """Model files, the first being the one the loader returns."""
    library: Text | None = Field(default=None, examples=["sklearn"])
    """Library the model is for (Hugging Face `library_name`); from the format when absent."""
    trusted_types: list[Text] = Field(default_factory=list, examples=[["numpy.float64"]])
    """skops: types beyond skops' defaults the loader may build (each was reviewed)."""
    environment: Environment = Field(default_factory=Environment)
    """Python version and pinned packages to run the model."""
    training_code: Text | None = Field(
        default=None, examples=["git@example.org:lab/triage.git@4f2a9c1 train.py"]
    )
    """Where the training code lives (repository, commit, path)."""


class Setting(Model):
    """A threshold or gate the engineers may move: an output field compared with a value."""

    name: Text = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", examples=["threshold"])
    """Name of the setting: the keyword the entry point takes."""
    default: Number = Field(examples=[0.2])
    """The value the evaluation used (binary: `interrogation.threshold`)."""
    description: Text = Field(examples=["At or above this score a customer is called."])
    """What the setting does, in one sentence."""
    field: Text = Field(examples=["churn_score"])
    """The output field compared with the setting."""
    decides: Text = Field(examples=["call"])
    """The output field the comparison sets."""
    at_or_above: Text = Field(examples=["yes"])
    """Value of `decides` when `field` is at or above the setting."""
    below: Text = Field(examples=["no"])
    """Value of `decides` otherwise."""


class GoldenSet(Model):
    """Rows of the test split with the responses the shipped model must give them."""

    path: GoldenPath = Field(examples=["data/golden.jsonl"])
    """JSON Lines: one `{"id", "request", "response"}` object per line; `id` is the row's
    id in the predictions table; 20 to 50 rows, both sides of every setting, every class."""


class SliceBin(Model):
    value: Text = Field(examples=["small"])
    """The slice value."""
    below: Number | None = Field(default=None, examples=[12.3])
    """Upper end (exclusive) of the bin; absent for the last bin."""


class SliceDefinition(Model):
    """How a slice column is computed from a request, so production can be sliced too."""

    key: Text = Field(examples=["plan"])
    """The slice column in the predictions table."""
    field: Text = Field(examples=["tenure_months"])
    """The request field the slice is computed from."""
    aggregate: Literal["sum"] | None = Field(default=None, examples=["sum"])
    """For an array field: bin the sum of its items."""
    bins: list[SliceBin] = Field(
        default_factory=list,
        examples=[[{"value": "new", "below": 12}, {"value": "loyal"}]],
    )
    """Numeric bins, ascending; without bins the slice value is the field's value."""
    values: dict[Text, Text] = Field(default_factory=dict, examples=[{"M": "men", "F": "women"}])
    """Without bins: the slice value of each field value, when they differ."""

    @model_validator(mode="after")
    def _ascending(self) -> SliceDefinition:
        if self.bins:
            edges = [b.below for b in self.bins[:-1]]
            if any(e is None for e in edges) or self.bins[-1].below is not None:
                raise ValueError("every bin but the last needs `below`; the last has none")
            if edges != sorted(edges):  # type: ignore[type-var]
                raise ValueError("bins must ascend")
        return self


class Outcomes(Model):
    """Where the true outcomes of production cases come from, and how late."""

    source: Text = Field(examples=["The CRM's cancellation records, joined on customer id."])
    """Where the truth comes from and how it is joined to a request."""
    delay_days: Number = Field(ge=0, examples=[30])
    """Days between a request and its known outcome."""
