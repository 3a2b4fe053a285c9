"""Who gets what: owners, contacts, the PM's decision, branding."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dsreport.bundle.fields import ImagePath, Model, PptxPath, Text, Text80

Audience = Literal["pm", "ds", "engineer"]
_ALL_AUDIENCES: tuple[Audience, ...] = ("pm", "ds", "engineer")
SlideKind = Literal[
    "title",
    "answer",
    "problem",
    "success",
    "results",
    "ladder",
    "examples",
    "risks",
    "cost",
    "decision",
]


class Person(Model):
    name: Text = Field(max_length=80, examples=["Ana Ruiz"])
    """Full name (at most 80 characters)."""
    role: Text80 | None = Field(default=None, examples=["Data scientist"])
    """Role or team (at most 80 characters)."""
    email: Text | None = Field(
        default=None, pattern=r"^[^@\s]+@[^@\s]+$", examples=["ana@example.com"]
    )
    """Contact address."""


class PmAudience(Model):
    decision: Text = Field(
        max_length=240, examples=["Approve a four-week pilot with two retention teams."]
    )
    """The decision asked of the product manager, in one or two sentences (at most 240
    characters: the deck shows it on the second and the last slide)."""
    next_steps: list[Annotated[Text, Field(max_length=140)]] = Field(
        default_factory=list, max_length=5, examples=[["Pilot in January"]]
    )
    """What happens after the decision: at most five steps of at most 140 characters each."""
    slides: list[SlideKind] | None = Field(
        default=None, examples=[["title", "results", "decision"]]
    )
    """Which slides the deck holds, in order; all default slides when absent."""


class DsAudience(Model):
    """Settings of the staff data scientist's report."""

    appendix_rows: int = Field(default=200, ge=0, le=100_000, examples=[200])
    """Reviewed examples printed in the appendix; the full table is always attached."""
    paper: Literal["A4", "Letter"] = Field(default="A4", examples=["A4"])


class Branding(Model):
    accent: Text | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$", examples=["#0072B2"])
    """Accent colour for 'ours' (the chosen model, the headline number)."""
    logo: ImagePath | None = Field(default=None, examples=["img/logo.png"])
    """Logo image for the cover and title slide."""
    pptx_template: PptxPath | None = Field(default=None, examples=["brand/corporate.pptx"])
    """A corporate PowerPoint template whose layouts the deck uses."""
    replace_template_accent: bool = Field(default=False, examples=[False])
    """With a corporate template, the deck keeps the template's own accent colour; true puts
    `accent` in its place."""
    layout_map: dict[SlideKind, Text] = Field(
        default_factory=dict, examples=[{"title": "Title Slide"}]
    )
    """Deck slide kind -> layout name in the template."""


class Audiences(Model):
    owners: list[Person] = Field(min_length=1)
    """Who owns the model."""
    contacts: list[Person] = Field(default_factory=list)
    """Who to ask about it."""
    pm: PmAudience
    """What the product manager is asked for."""
    ds: DsAudience = Field(default_factory=DsAudience)
    """Settings of the staff data scientist's report."""
    outputs: list[Audience] = Field(
        default_factory=lambda: list(_ALL_AUDIENCES), examples=[["pm", "ds", "engineer"]]
    )
    """Which audiences get an artifact by default."""
    branding: Branding = Field(default_factory=Branding)
    """Accent colour, logo and corporate deck template."""
    retraining: Text | None = Field(
        default=None, examples=["Quarterly, or when recall drops 5 points."]
    )
    """When and how the model is retrained."""
