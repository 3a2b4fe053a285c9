"""What each column of a predictions table is: truth, id, split, a rung's score, predicted
label or per-class probabilities, a slice candidate, or something else.

Roles come from the column's name (the synonyms below, documented in docs/import.md) and
its values (how many distinct, numeric or not, within [0, 1]). Every inference that is
not certain from the name alone is reported as a note, never made silently; what cannot
be inferred is left open for a person to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dsreport.load.columns import factor
from dsreport.load.loaded import slugify

TRUTH = ("label", "target", "y", "y_true", "truth", "ground_truth", "true_label", "actual")
IDS = ("id", "row_id", "case_id", "example_id", "uid", "key")
SPLITS = ("split", "subset", "partition", "fold", "set", "dataset")
PREDICTED = re.compile(
    r"^(?:pred|prediction|predicted|predicted_label|y_pred|yhat|y_hat|outputs?)"
    r"(?:_(?P<after>.+))?$|^(?P<before>.+?)_(?:pred|prediction|predicted)$",
    re.IGNORECASE,
)
SCORE = re.compile(
    r"^(?:score|scores|proba|prob|probability|p|y_score|y_prob|y_proba)"
    r"(?:_(?P<after>.+))?$|^(?P<before>.+?)_(?:score|proba|prob|probability)$",
    re.IGNORECASE,
)
PROBA_PREFIXES = ("proba_", "prob_", "probability_", "p_")
MAX_CLASSES = 50
MAX_SLICE_VALUES = 12
POSITIVE = {
    frozenset({"0", "1"}): "1",
    frozenset({"-1", "1"}): "1",
    frozenset({"false", "true"}): "true",
    frozenset({"no", "yes"}): "yes",
    frozenset({"negative", "positive"}): "positive",
    frozenset({"neg", "pos"}): "pos",
}
"""Binary label pairs whose positive class goes without saying (compared in lower case)."""


@dataclass
class RungColumns:
    id: str
    score: str | None = None
    """Binary: the positive-class score; multiclass: the predicted label; regression: the
    predicted value."""
    predicted: str | None = None
    """Binary: the predicted label, which gives the operating threshold."""
    proba_prefix: str | None = None
    derived_score: bool = False
    """Multiclass: `score` is to be written as the argmax of the probabilities."""
    name: str | None = None
    kind: str | None = None
    """heuristic, simple or complex, when the source says (MLflow: the estimator class)."""
    description: str | None = None


@dataclass
class Inferred:
    task: str
    truth: str
    id: str | None
    split: str | None
    rungs: list[RungColumns]
    classes: list[str] = field(default_factory=list)
    positive: str | None = None
    threshold: float | None = None
    slices: list[str] = field(default_factory=list)
    probabilities: bool = False
    """The scores are named as probabilities (proba, prob, probability)."""
    notes: list[str] = field(default_factory=list)


class InferenceError(ValueError):
    """The table does not say what it holds; the message says what to add or name."""


def _texts(series: pd.Series) -> list[str]:
    return [t for t in factor(series)[1] if t not in ("", "(missing)")]


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _sorted_classes(values: list[str]) -> list[str]:
    try:
        return sorted(values, key=float)
    except ValueError:
        return sorted(values)


def infer(frame: pd.DataFrame, task: str | None = None) -> Inferred:
    """The roles of `frame`'s columns; `task` overrides the inferred task."""
    columns = [str(c) for c in frame.columns]
    notes: list[str] = []
    truth = _find(columns, TRUTH)
    if truth is None:
        raise InferenceError(
            "no column holds the true label or value: name it one of " + ", ".join(TRUTH)
        )
    if truth != "label":
        notes.append(f"'{truth}' holds the truth (the label column)")
    values = _texts(frame[truth])
    numbers = _numeric(frame[truth])
    all_numeric = bool(numbers.notna().sum() == frame[truth].notna().sum() and len(values))
    integral = all_numeric and bool(np.all(np.mod(numbers.dropna(), 1) == 0))
    inferred_task = (
        "binary"
        if len(values) == 2
        else "regression"
        if all_numeric and (not integral or len(values) > MAX_CLASSES)
        else "multiclass"
    )
    task = task or inferred_task
    if task != "regression" and len(values) > MAX_CLASSES:
        raise InferenceError(f"'{truth}' has {len(values)} distinct values: too many for classes")
    id_column = _find(columns, IDS) or next(
        (c for c in columns if c.lower().endswith("_id") and frame[c].is_unique), None
    )
    split = _find(columns, SPLITS)
    if split is not None and len(_texts(frame[split])) > MAX_SLICE_VALUES:
        split = None
    classes = _sorted_classes(values) if task != "regression" else []
    taken = {c for c in (truth, id_column, split) if c}
    rungs, extra = _rungs(frame, columns, taken, task, classes, notes)
    taken |= extra
    inferred = Inferred(
        task=task,
        truth=truth,
        id=id_column,
        split=split,
        rungs=rungs,
        classes=classes,
        notes=notes,
        probabilities=any(r.score and re.search(r"prob", r.score, re.IGNORECASE) for r in rungs)
        or any(r.proba_prefix for r in rungs),
    )
    if task == "binary":
        inferred.positive = _positive(classes, rungs)
    _finish(inferred)
    if task == "binary":
        inferred.threshold = _threshold(frame, inferred.rungs, inferred.positive, notes)
    inferred.slices = [
        c for c in columns if c not in taken and 2 <= len(_texts(frame[c])) <= MAX_SLICE_VALUES
    ]
    if inferred.slices:
        notes.append("slices: " + ", ".join(inferred.slices) + " (few distinct values each)")
    return inferred


def _rung_id(match: re.Match[str] | None, classes: list[str]) -> str:
    """`score_gbm` -> `gbm`; `score`, or `p_yes` naming a class, -> `model`."""
    part = (match.group("after") or match.group("before")) if match else None
    if not part or part.lower() in {c.lower() for c in classes}:
        return "model"
    return slugify(part).replace("-", "_")


def _rungs(
    frame: pd.DataFrame,
    columns: list[str],
    taken: set[str],
    task: str,
    classes: list[str],
    notes: list[str],
) -> tuple[list[RungColumns], set[str]]:
    used: set[str] = set()
    rungs: dict[str, RungColumns] = {}
    if task != "regression":
        for prefix in _proba_prefixes(columns, classes):
            rung = _rung_id(SCORE.match(prefix.rstrip("_")), classes)
            rungs.setdefault(rung, RungColumns(rung)).proba_prefix = prefix
            used |= {prefix + c for c in classes}
    for column in columns:
        if column in taken or column in used:
            continue
        series = frame[column]
        numbers = _numeric(series)
        numeric = bool(numbers.notna().all()) and len(series) > 0
        predicted = PREDICTED.match(column)
        score = SCORE.match(column)
        if task == "binary":
            labels = set(_texts(series)) <= set(classes)
            if predicted and labels:
                rungs.setdefault(_rung_id(predicted, classes), RungColumns("")).predicted = column
                used.add(column)
            elif (score or predicted) and numeric and numbers.between(0, 1).all():
                rungs.setdefault(
                    _rung_id(score or predicted, classes), RungColumns("")
                ).score = column
                used.add(column)
        elif task == "multiclass":
            if predicted and set(_texts(series)) <= set(classes):
                rungs.setdefault(_rung_id(predicted, classes), RungColumns("")).score = column
                used.add(column)
        elif (predicted or score) and numeric:
            rungs.setdefault(_rung_id(predicted or score, classes), RungColumns("")).score = column
            used.add(column)
    for name, found in rungs.items():
        found.id = name
    return list(rungs.values()), used


def _finish(inferred: Inferred) -> None:
    """Each rung's score column, now that the positive class is known; rungs without one
    are dropped, with a note."""
    kept = []
    for rung in inferred.rungs:
        if inferred.task == "binary" and rung.proba_prefix:
            # one probability per class: the positive class's is the score
            rung.score = rung.score or (
                rung.proba_prefix + inferred.positive if inferred.positive else None
            )
            rung.proba_prefix = None
            if rung.score is None:
                inferred.notes.append(
                    f"rung '{rung.id}': which class's probability is the score depends on "
                    "the positive class, which is left for you to name"
                )
                kept.append(rung)
                continue
        if inferred.task == "multiclass" and rung.score is None and rung.proba_prefix:
            rung.score, rung.derived_score = f"pred_{rung.id}", True
            inferred.notes.append(
                f"rung '{rung.id}': no predicted-label column, so pred_{rung.id} is written "
                "as the class of highest probability (the first on ties)"
            )
        if rung.score is None:
            inferred.notes.append(
                f"'{rung.predicted}' holds predicted labels only: a binary rung needs the "
                "positive-class score, so it is not a rung"
            )
            continue
        kept.append(rung)
    if not kept:
        raise InferenceError(
            "no column holds a model's predictions: name it score_<model> or proba_<model> "
            "(binary), pred_<model> or proba_<model>_<class> (multiclass), or pred_<model> "
            "(regression)"
        )
    inferred.rungs = kept


def _proba_prefixes(columns: list[str], classes: list[str]) -> list[str]:
    """Prefixes `p` such that `p<class>` is a column for every class."""
    found: dict[str, int] = {}
    for column in columns:
        for label in classes:
            if column.endswith(label) and column[: -len(label)].lower().startswith(PROBA_PREFIXES):
                prefix = column[: -len(label)]
                found[prefix] = found.get(prefix, 0) + 1
    return [p for p, n in found.items() if n == len(classes)]


def _positive(classes: list[str], rungs: list[RungColumns]) -> str | None:
    known = POSITIVE.get(frozenset(c.lower() for c in classes))
    if known is not None:
        return next(c for c in classes if c.lower() == known)
    for rung in rungs:  # p_malignant, score_yes: the score names its class
        for label in classes:
            if rung.score and rung.score.lower().endswith("_" + label.lower()):
                return label
    if len(classes) == 2 and all(c.lower() in ("0", "1") for c in classes):
        return "1"
    return None


def _threshold(
    frame: pd.DataFrame, rungs: list[RungColumns], positive: str | None, notes: list[str]
) -> float | None:
    """The operating threshold a rung's predicted labels imply: every case predicted
    positive scores at or above it, every other case below."""
    if positive is None:
        return None
    found: set[float] = set()
    for rung in rungs:
        if rung.predicted is None or rung.score is None:
            continue
        score = _numeric(frame[rung.score]).to_numpy(dtype=float)
        flagged = (frame[rung.predicted].astype("string") == positive).to_numpy(dtype=bool)
        if not flagged.any() or flagged.all():
            continue
        low, high = float(score[~flagged].max()), float(score[flagged].min())
        if low >= high:
            notes.append(
                f"'{rung.predicted}' is not a threshold on '{rung.score}': no threshold inferred"
            )
            return None
        found.add(_round_between(low, high))
    if len(found) != 1:
        return None
    (threshold,) = found
    notes.append(f"threshold {threshold:g}, from the predicted labels")
    return threshold


def _round_between(low: float, high: float) -> float:
    """The shortest decimal t with low < t <= high (0.5 when it fits)."""
    if low < 0.5 <= high:
        return 0.5
    for digits in range(1, 16):
        step = 10.0**-digits
        t = np.ceil(low / step + 1e-9) * step
        t = round(float(t if t > low else t + step), digits)
        if low < t <= high:
            return t
    return high


def most_probable(frame: pd.DataFrame, prefix: str, classes: list[str]) -> list[str]:
    """Each row's class of highest probability in `<prefix><class>` (the first on ties)."""
    values = frame[[prefix + c for c in classes]].apply(pd.to_numeric).to_numpy(dtype=float)
    return [classes[i] for i in values.argmax(axis=1)]
