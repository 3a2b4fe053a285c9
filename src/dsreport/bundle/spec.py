"""The top level of `dsreport.yaml`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from dsreport.bundle.audiences import Audiences, Person
from dsreport.bundle.evaluation import Interrogation, Ladder
from dsreport.bundle.fields import Model, Prose, Text
from dsreport.bundle.sections import Ecosystem, OperatorView, SystemDesign

FORMAT_VERSION: Literal[1] = 1
Task = Literal["binary", "multiclass", "regression"]


class Project(Model):
    name: Text = Field(min_length=1, max_length=200, examples=["Churn radar"])
    """Project name as the business knows it."""
    slug: Text | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["churn-radar"]
    )
    """Prefix of every output file name; derived from `name` when absent."""
    version: Text = Field(examples=["1.2.0"])
    """Version of the model or report (text: `1.10` stays `1.10`)."""
    date: dt.date = Field(examples=["2026-11-20"])
    """Date of the evaluation; the build date of the outputs unless SOURCE_DATE_EPOCH is set."""
    task: Task = Field(examples=["binary"])
    """Kind of model: binary, multiclass or regression."""
    authors: list[Person] = Field(min_length=1)
    """Who did the work."""
    summary: Prose | None = Field(default=None, examples=["One paragraph for the cover."])
    """A short summary for the cover and the executive summary."""
    limitations: Prose | None = Field(default=None, examples=["prose/limitations.md"])
    """Limitations and caveats, in the author's words."""
    license: Text | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9.+-]*$", examples=["apache-2.0"]
    )
    """Licence of the model, as a Hugging Face licence identifier (`mit`, `apache-2.0`,
    `cc-by-4.0`, `other`); the model card says `unknown` when absent."""


class BundleSpec(Model):
    """A results bundle: one evaluated model, described once for three audiences."""

    format_version: Literal[1] = Field(default=FORMAT_VERSION, examples=[1])
    """Version of this format; 1 today."""
    project: Project
    """What is being reported: name, version, date, task, authors."""
    ecosystem: Ecosystem
    """The problem today, who uses the model, and the business case."""
    operator_view: OperatorView
    """Success, time, money and failure, as the operator sees them."""
    system_design: SystemDesign
    """The contract, the model, the data and the metric choice."""
    ladder: Ladder
    """Every model tried, simplest first, and the one chosen."""
    interrogation: Interrogation
    """Metrics, predictions and reviewed examples."""
    audiences: Audiences
    """Owners, contacts, the PM's decision and branding."""
