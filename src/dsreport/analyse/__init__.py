"""Analyse: a loaded bundle -> the facts every renderer shares."""

from __future__ import annotations
