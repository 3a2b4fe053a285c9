"""digit-routing: a multiclass bundle from the handwritten digits that ship with scikit-learn.

A form-processing centre reads handwritten digit fields and routes each one either to
automatic entry (confident reading) or to manual keying.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, top_k_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestCentroid

from . import handoff, kit
from .kit import Field, MetricValue, Person, Rung, q, text_value
from .skeleton import TEMPLATE

NAME = "digit-routing"
CLASSES = [str(d) for d in range(10)]
GATE = 0.8
MODEL_FILE = "digit-routing.skops"
"""Confidence at or above which a reading is entered without a person."""
FIELDS_PER_MONTH = 1_000_000
KEYING_SECONDS = 2.5
INK_BANDS = ("light", "medium", "heavy")
FIELD_EXAMPLE = "F-2026-004211-07"
TOP_K = 3
"""Suggestions shown to a keyer; also the k of dsreport's top_k_accuracy."""


def routing(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    pred = proba.argmax(axis=1)
    auto = proba.max(axis=1) >= GATE
    return {
        "auto_entry_rate": float(auto.mean()),
        "auto_entry_error_rate": float((pred[auto] != y[auto]).mean()) if auto.any() else 0.0,
    }


def multiclass_metrics(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    pred = proba.argmax(axis=1)
    return {
        "macro_f1": f1_score(y, pred, average="macro"),
        "accuracy": accuracy_score(y, pred),
        "top_k_accuracy": top_k_accuracy_score(y, proba, k=TOP_K, labels=range(10)),
        **routing(y, proba),
    }


def build(latency: kit.LatencyBook) -> kit.Summary:
    out = kit.fresh_dir(kit.EXAMPLES / NAME)
    data = load_digits()
    x, y = data.data, data.target
    rows = np.arange(len(y))
    train, test = train_test_split(rows, test_size=0.3, stratify=y, random_state=kit.SEED)
    train, test = np.sort(train), np.sort(test)
    xtr, ytr, xte, yte = x[train], y[train], x[test], y[test]

    templates = NearestCentroid().fit(xtr, ytr)
    logreg = LogisticRegression(C=0.01, max_iter=5000).fit(xtr, ytr)
    forest = RandomForestClassifier(n_estimators=300, n_jobs=1, random_state=kit.SEED)
    forest.fit(xtr, ytr)
    boosting = HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.1, random_state=kit.SEED
    ).fit(xtr, ytr)
    rungs = [
        Rung(
            "templates",
            "Template matching",
            "heuristic",
            "Today's capture software: one mean 8x8 template per digit (built from the "
            "training split), nearest template by Euclidean distance.",
            templates,
            "pred_templates",
            "proba_templates_",
        ),
        Rung(
            "logreg",
            "Logistic regression",
            "simple",
            "Multinomial logistic regression on the 64 raw ink counts; L2 penalty, C = 0.01.",
            logreg,
            "pred_logreg",
            "proba_logreg_",
        ),
        Rung(
            "forest",
            "Random forest",
            "complex",
            "300 fully grown trees on the 64 ink counts.",
            forest,
            "pred_forest",
            "proba_forest_",
        ),
        Rung(
            "boosting",
            "Gradient boosting",
            "complex",
            "Histogram gradient boosting, 200 rounds at learning rate 0.1, one tree per "
            "digit per round.",
            boosting,
            "pred_boosting",
            "proba_boosting_",
        ),
    ]
    probas: dict[str, np.ndarray] = {}
    for rung in rungs:
        model = rung.model
        probas[rung.id] = model.predict_proba(xte)
        rung.metrics = multiclass_metrics(yte, probas[rung.id])
        rung.train_metrics = multiclass_metrics(ytr, model.predict_proba(xtr))
        rung.latency_ms = latency.get(NAME, rung.id, model.predict_proba, xte)
        rung.cost = kit.monthly_cost(rung, FIELDS_PER_MONTH)
    by_id = {r.id: r for r in rungs}
    base, lr, rf, gb = (by_id[k] for k in ("templates", "logreg", "forest", "boosting"))

    # Paired bootstrap of the forest's macro F1 gain over logistic regression.
    pred = {k: p.argmax(axis=1) for k, p in probas.items()}
    gain_low, gain_high = kit.bootstrap(
        lambda i: (
            kit.fast_macro_f1(yte[i], pred["forest"][i], 10)
            - kit.fast_macro_f1(yte[i], pred["logreg"][i], 10)
        ),
        len(yte),
    )
    gain = rf.metrics["macro_f1"] - lr.metrics["macro_f1"]

    # The facts the reasons below state; a regeneration that changes them fails here.
    assert gain_low < 0 < gain_high, (gain_low, gain_high)
    assert lr.metrics["auto_entry_rate"] > rf.metrics["auto_entry_rate"] + 0.2
    assert lr.metrics["auto_entry_error_rate"] <= 0.005
    assert base.metrics["auto_entry_error_rate"] > 0.05
    assert lr.metrics["macro_f1"] >= gb.metrics["macro_f1"]

    n_test = len(yte)
    auto = {k: int((p.max(axis=1) >= GATE).sum()) for k, p in probas.items()}
    auto_wrong = {
        k: int(((p.max(axis=1) >= GATE) & (p.argmax(axis=1) != yte)).sum())
        for k, p in probas.items()
    }
    base.decision = "kept"
    base.reason = (
        f"Today's reader, kept as the comparison point. Macro F1 "
        f"{kit.pct(base.metrics['macro_f1'])}; it is confident about {auto['templates']} of "
        f"{n_test} test fields but wrong on {auto_wrong['templates']} of those, which is why "
        "nothing is entered today without a keyer."
    )
    lr.decision = "chosen"
    lr.reason = (
        f"Macro F1 {kit.pct(lr.metrics['macro_f1'])}. At the {GATE:g} confidence gate it enters "
        f"{auto['logreg']} of {n_test} test fields automatically with "
        f"{auto_wrong['logreg']} wrong; the rest go to keyers. 650 numbers in a small model "
        f"file, {lr.latency_ms:g} ms a field."
    )
    rf.decision = "kept"
    rf.reason = (
        f"Best macro F1 ({kit.pct(rf.metrics['macro_f1'])}), but the gain over logistic "
        f"regression ({100 * gain:+.1f} pts, paired 95% interval {100 * gain_low:+.1f} to "
        f"{100 * gain_high:+.1f} pts) is within the "
        f"noise, and its averaged votes rarely reach the gate: {auto['forest']} of {n_test} "
        "fields would be auto-entered. Kept as the challenger if its scores are recalibrated."
    )
    gb.decision = "dropped"
    gb.reason = (
        f"Macro F1 {kit.pct(gb.metrics['macro_f1'])}, below logistic regression, with a perfect "
        f"training fit; {auto['boosting']} fields auto-entered of which "
        f"{auto_wrong['boosting']} wrong, and {gb.latency_ms:g} ms a field."
    )

    # Slices: ink density terciles, cut on the training split.
    ink_cuts = np.quantile(xtr.sum(axis=1), [1 / 3, 2 / 3])
    ink_band = np.array(INK_BANDS)[np.digitize(xte.sum(axis=1), ink_cuts)]

    chosen = probas["logreg"]
    chosen_pred = chosen.argmax(axis=1)
    confident = chosen.max(axis=1) >= GATE
    metrics = []
    macro = kit.fast_macro_f1(yte, chosen_pred, 10)
    low, high = kit.bootstrap(lambda i: kit.fast_macro_f1(yte[i], chosen_pred[i], 10), n_test)
    metrics.append(MetricValue("macro_f1", macro, low, high, n_test, target=0.97, headline=True))
    acc = float((chosen_pred == yte).mean())
    low, high = kit.bootstrap(lambda i: float((chosen_pred[i] == yte[i]).mean()), n_test)
    metrics.append(MetricValue("accuracy", acc, low, high, n_test, target=0.97))
    top = np.argsort(-chosen, axis=1)[:, :TOP_K]
    in_top = (top == yte[:, None]).any(axis=1)
    low, high = kit.bootstrap(lambda i: float(in_top[i].mean()), n_test)
    metrics.append(
        MetricValue("top_k_accuracy", float(in_top.mean()), low, high, n_test, target=0.99)
    )
    low, high = kit.wilson(int(confident.sum()), n_test)
    metrics.append(
        MetricValue(
            "auto_entry_rate",
            float(confident.mean()),
            low,
            high,
            n_test,
            target=0.8,
            threshold=GATE,
        )
    )
    wrong_auto = int((confident & (chosen_pred != yte)).sum())
    low, high = kit.wilson(wrong_auto, int(confident.sum()))
    metrics.append(
        MetricValue(
            "auto_entry_error_rate",
            wrong_auto / confident.sum(),
            low,
            high,
            int(confident.sum()),
            direction="lower_is_better",
            target=0.005,
            threshold=GATE,
        )
    )
    base_pred = pred["templates"]
    low, high = kit.bootstrap(lambda i: kit.fast_macro_f1(yte[i], base_pred[i], 10), n_test)
    metrics.append(
        MetricValue("macro_f1", base.metrics["macro_f1"], low, high, n_test, rung="templates")
    )
    for band in INK_BANDS:
        mask = ink_band == band
        ys, ps = yte[mask], chosen_pred[mask]
        low, high = kit.bootstrap(
            lambda i, ys=ys, ps=ps: kit.fast_macro_f1(ys[i], ps[i], 10), int(mask.sum())
        )
        metrics.append(
            MetricValue(
                "macro_f1",
                kit.fast_macro_f1(ys, ps, 10),
                low,
                high,
                int(mask.sum()),
                target=0.97,
                slice_key="ink_band",
                slice_value=band,
            )
        )
        low, high = kit.wilson(int(confident[mask].sum()), int(mask.sum()))
        metrics.append(
            MetricValue(
                "auto_entry_rate",
                float(confident[mask].mean()),
                low,
                high,
                int(mask.sum()),
                target=0.8,
                threshold=GATE,
                slice_key="ink_band",
                slice_value=band,
            )
        )
    assert abs(macro - lr.metrics["macro_f1"]) < 1e-12
    headline = metrics[0]

    predictions = pd.DataFrame(
        {"id": kit.ids(test), "label": yte.astype(str), "split": "test", "ink_band": ink_band}
    )
    for rung in rungs:
        predictions[rung.score_column] = pred[rung.id].astype(str)
    for rung in rungs:
        for k in range(10):
            predictions[f"{rung.proba_prefix}{k}"] = probas[rung.id][:, k]
    kit.write_csv(predictions, out / "data" / "predictions.csv")

    def same_model(loaded: Any) -> None:
        assert np.array_equal(loaded.predict_proba(xte), logreg.predict_proba(xte))

    sha256, model = handoff.write_model(logreg, out / "model" / MODEL_FILE, same_model)
    predict_path = out / "code" / "predict.py"
    kit.write_text(predict_path, predict_source())
    module = kit.load_module(predict_path, "digits_predict")
    test_ids = kit.ids(test)
    requests = [
        {"field_id": f"F-{i}", "pixels": row}
        for i, row in zip(test_ids, xte.astype(int).tolist(), strict=True)
    ]
    shipped = [module.predict(r, model=model) for r in requests]
    shipped_conf = np.array([s["confidence"] for s in shipped])
    assert [s["digit"] for s in shipped] == [str(d) for d in chosen_pred]
    max_diff = float(np.max(np.abs(shipped_conf - chosen.max(axis=1))))
    assert max_diff < 1e-12, max_diff
    golden = handoff.pick_golden(
        [(shipped_conf, GATE)],
        [np.array([s["digit"] for s in shipped]), np.array([s["route"] for s in shipped])],
        total=40,
    )
    handoff.write_golden(
        [(test_ids[i], requests[i], shipped[i]) for i in golden], out / "data" / "golden.jsonl"
    )

    review = kit.write_reviewed(
        review_rows(test, xte, yte, chosen, xtr, ytr, templates), out / "data" / "reviewed.csv"
    )
    facts = {
        "n": len(y),
        "n_train": len(train),
        "n_test": n_test,
        "rungs": by_id,
        "auto": auto,
        "auto_wrong": auto_wrong,
        "gain": gain,
        "gain_low": gain_low,
        "gain_high": gain_high,
        "headline": headline,
        "metrics": metrics,
        "ink_cuts": ink_cuts,
        "model_sha256": sha256,
        "model_kib": (out / "model" / MODEL_FILE).stat().st_size / 1024,
        "review_n": len(review),
        "review_errors": int((review["verdict"] != "correct").sum()),
        "review_auto_errors": int(
            ((review["verdict"] != "correct") & (review["severity"] == "high")).sum()
        ),
    }
    write_prose(out, facts)
    example = ", ".join(str(int(v)) for v in xte[0])
    facts["example_out"] = module.predict(
        {"field_id": FIELD_EXAMPLE, "pixels": [int(v) for v in xte[0]]}, model=model
    )
    kit.write_text(out / "dsreport.yaml", spec_text(facts, example, rungs, metrics))
    return kit.Summary(
        name=NAME,
        chosen="logreg (logistic regression)",
        headline=(
            f"macro_f1 {headline.value:.3f} ({headline.low:.3f}-{headline.high:.3f}), "
            f"n={headline.n}; auto-entry {auto['logreg']}/{n_test} with "
            f"{auto_wrong['logreg']} wrong"
        ),
        lines=[
            f"{r.id}: "
            + ", ".join(f"{k} {v:.3f}" for k, v in r.metrics.items())
            + f"; {r.latency_ms:g} ms; {r.cost:g} EUR/month; {r.decision}"
            for r in rungs
        ],
    )


# ---------------------------------------------------------------------------- reviewed cases


def review_rows(
    test: np.ndarray,
    xte: np.ndarray,
    yte: np.ndarray,
    proba: np.ndarray,
    xtr: np.ndarray,
    ytr: np.ndarray,
    templates: NearestCentroid,
) -> list[dict[str, str]]:
    """Every test field the chosen model misread, plus 60 correct ones drawn at random."""
    pred = proba.argmax(axis=1)
    conf = proba.max(axis=1)
    wrong = np.flatnonzero(pred != yte)
    right = np.flatnonzero(pred == yte)
    rng = np.random.default_rng(kit.SEED)
    sample = np.sort(np.concatenate([wrong, rng.choice(right, 60, replace=False)]))
    ink_tr = xtr.sum(axis=1)
    faint = float(np.quantile(ink_tr, 0.1))
    centroids = templates.centroids_
    own_dist_tr = np.linalg.norm(xtr - centroids[ytr], axis=1)
    atypical = {d: float(np.quantile(own_dist_tr[ytr == d], 0.95)) for d in range(10)}
    ink_cuts = np.quantile(ink_tr, [1 / 3, 2 / 3])
    rows = []
    for i in sample:
        ink, inked = int(xte[i].sum()), int((xte[i] > 0).sum())
        band = INK_BANDS[int(np.digitize(ink, ink_cuts))]
        true, got, c = int(yte[i]), int(pred[i]), float(conf[i])
        auto = c >= GATE
        dist = np.linalg.norm(centroids - xte[i], axis=1)
        route = "auto-entry" if auto else "manual keying"
        row = {
            "id": f"{int(test[i]):06d}",
            "input": (
                f"handwritten digit field, 8x8 ink counts; total ink {ink} ({band}), "
                f"{inked} of 64 cells inked"
            ),
            "model_output": f"reads {got} (confidence {c:.2f}): {route}",
            "expected_output": f"{true} (value on the paper form)",
            "verdict": "correct",
            "error_category": "",
            "severity": "none",
        }
        if got != true:
            if ink <= faint:
                category, why = "faint or broken stroke", f"total ink {ink}, in the faintest 10%"
            elif dist[got] < dist[true]:
                category, why = (
                    "shape closer to another digit",
                    f"nearer the average {got} than the average {true}",
                )
            elif dist[true] > atypical[true]:
                category, why = (
                    "atypical handwriting",
                    f"far from every training {true} (distance {dist[true]:.0f})",
                )
            else:
                category, why = "misread of a typical digit", "no feature explains it"
            outcome = (
                "entered without review: a wrong value in the record"
                if auto
                else "sent to keying, where the keyer typed the right value"
            )
            row |= {
                "verdict": "incorrect",
                "error_category": category,
                "severity": "high" if auto else "low",
                "note": f"Read {got} for {true}; {why}. {outcome[:1].upper()}{outcome[1:]}.",
            }
        elif auto:
            row["note"] = "Confident and correct; entered automatically."
        else:
            row["note"] = f"Correct, but under the gate ({c:.2f}); a keyer confirmed it."
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------- code/predict.py


def predict_source() -> str:
    return f'''"""Digit routing scorer: read one handwritten digit field and route it.

The chosen rung of the ladder: multinomial logistic regression on the 64 ink counts
of an 8x8 grid (each 0-16: the inked pixels in a 4x4 block of the 32x32 bitmap),
shipped as model/{MODEL_FILE}. The caller loads it once (the handoff's
code/handoff_model.py checks its SHA-256 first) and passes it in.

Generated by examples/make_examples.py; one field at a time, it reads every test field
as the fitted model does, with confidences within 1e-12.
"""

from __future__ import annotations

import re
from typing import Any

MODEL_VERSION = "1.0.0"
GATE = {GATE!r}
"""Default of the `gate` setting: at or above this confidence a reading is entered
without a keyer."""
FIELD_ID = re.compile(r"^[A-Za-z0-9_-]{{1,64}}$")


def predict(request: dict[str, Any], *, model: Any, gate: float = GATE) -> dict[str, Any]:
    """Read `request["pixels"]` (64 integers, 0-16, row by row) and route the field."""
    field_id = request.get("field_id")
    if not isinstance(field_id, str) or not FIELD_ID.match(field_id):
        raise ValueError("field_id must be 1-64 letters, digits, '_' or '-'")
    pixels = request.get("pixels")
    if not isinstance(pixels, list) or len(pixels) != 64:
        raise ValueError("pixels must be a list of 64 ink counts")
    values = [float(v) for v in pixels]
    if any(v < 0 or v > 16 for v in values):
        raise ValueError("every ink count must be between 0 and 16")
    proba = model.predict_proba([values])[0]
    best = max(range(len(proba)), key=lambda k: proba[k])
    confidence = float(proba[best])
    return {{
        "field_id": field_id,
        "digit": str(model.classes_[best]),
        "confidence": confidence,
        "route": "auto_entry" if confidence >= gate else "manual_keying",
    }}
'''


# ---------------------------------------------------------------------------- prose


def write_prose(out: Path, f: dict[str, Any]) -> None:
    r = f["rungs"]
    lr = r["logreg"]
    share = lr.metrics["auto_entry_rate"]
    hours = FIELDS_PER_MONTH * share * KEYING_SECONDS / 3600
    f["hours"] = hours
    err = next(m for m in f["metrics"] if m.name == "auto_entry_error_rate")
    bands = {(m.name, m.slice_value): m for m in f["metrics"] if m.slice_key == "ink_band"}
    band_f1 = ", ".join(f"{kit.pct(bands['macro_f1', b].value)} ({b})" for b in INK_BANDS)
    band_auto = ", ".join(
        f"{kit.pct(bands['auto_entry_rate', b].value, 0)} ({b})" for b in INK_BANDS
    )
    wrong, entered = f["auto_wrong"]["logreg"], f["auto"]["logreg"]
    entries = f"{wrong} wrong automatic entr{'y' if wrong == 1 else 'ies'}"
    was_were = "was" if wrong == 1 else "were"
    worst = min(INK_BANDS, key=lambda b: bands["macro_f1", b].value)
    worst_m = bands["macro_f1", worst]
    weakest = (
        f"{worst.capitalize()} fields are read worst, below the 97.0% target; with "
        f"{worst_m.n} fields in the band the gap may be noise, so the pilot reports it per band."
        if worst_m.value < 0.97
        else "Every band meets the 97.0% target."
    )
    kit.write_markdown(
        out / "prose" / "problem.md",
        f"""
The scanning centre captures about {FIELDS_PER_MONTH:,} handwritten digit fields a month
from paper claim forms: amounts, dates, policy numbers. Every one of them is keyed
by an operator today. Keying is slow and dull work, backlogs build up at
month end, and most fields are perfectly legible.

The capture software already reads each digit with a template matcher, but its
confidence means little: when it is sure, it is still wrong often enough that
nobody lets it enter values on its own. The question is whether a better reader
can take the legible fields off the keyers' desks without letting wrong values
into the claims system.
""",
    )
    kit.write_markdown(
        out / "prose" / "business_value.md",
        f"""
Better means fewer fields keyed by hand, with no more wrong values in the record
than keying lets through.

- **Keying effort.** On the test split the logistic regression is confident enough to
  enter {f["auto"]["logreg"]} of {f["n_test"]} fields ({kit.pct(share)}) without a keyer. At
  {FIELDS_PER_MONTH:,} fields a month and about {KEYING_SECONDS:g} seconds a field, that is
  roughly {hours:,.0f} keying hours a month.
- **Quality.** Of the {entered} fields it entered on its own, {wrong} {was_were}
  wrong ({kit.pct(err.value)}; 95% upper bound {kit.pct(err.high)}). The operations team
  accepts at most 0.5% wrong automatic entries, the rate its own spot checks find in
  keyed fields.
""",
    )
    kit.write_markdown(
        out / "prose" / "data.md",
        f"""
**Source.** The optical recognition of handwritten digits data (Alpaydin and Kaynak,
UCI), as shipped with scikit-learn: {f["n"]:,} digits written on preprinted forms, each
scanned to a 32x32 bitmap and reduced to an 8x8 grid of ink counts (0 to 16 inked
pixels per 4x4 block). The scikit-learn copy is the UCI test part, written by 13
people.

**Label.** The digit the writer was asked to write, `"0"` to `"9"`.

**Split.** A random split stratified by digit, seed {kit.SEED}: {f["n_train"]:,} training
fields and {f["n_test"]} test fields. The test split was set aside before any modelling
choice and used once.

**Slice.** `ink_band` cuts the total ink of a field at the training split's terciles
({f["ink_cuts"][0]:.0f} and {f["ink_cuts"][1]:.0f}) into light, medium and heavy, to check
that faint or heavy writing is not left behind.
""",
    )
    kit.write_markdown(
        out / "prose" / "metric_choice.md",
        f"""
**Headline: macro F1.** Every digit matters equally in an amount or a policy number,
and the classes are balanced, so the unweighted mean of the per-digit F1 scores
is the fairest single number; accuracy is reported beside it.

**Routing metrics.** The product does not enter every reading: only those with a
confidence of {GATE:g} or more. `auto_entry_rate` is the share of fields entered
without a keyer (the saving); `auto_entry_error_rate` is the share of those that
are wrong (the risk). The error rate is measured on the auto-entered fields only,
and its interval is a Wilson interval, because with no errors observed a
bootstrap interval collapses to zero.

**Top-3 accuracy** (`top_k_accuracy`, k = {TOP_K}, the k dsreport computes) says how
often the right digit is among the three best readings: what the keyer's suggestion
list shows.

**Training objective.** Log loss for the logistic regression and the boosting
model; Gini impurity for the forest. Other intervals are percentile bootstraps
over test fields (1,000 resamples, seed {kit.SEED}).
""",
    )
    kit.write_markdown(
        out / "prose" / "limitations.md",
        f"""
- **Thirteen writers.** All {f["n"]:,} digits come from 13 people, and the data does not
  say who wrote which; the random split puts the same hands in training and test.
  Scores on a new writer's digits will be lower. The pilot must measure the auto-entry
  error rate on live forms before any field is entered unreviewed.
- **Clean, pre-segmented digits.** Each example is one centred digit. Live forms bring
  touching digits, crossed-out corrections and stray marks that this data lacks.
- **Few errors, wide interval.** The test split shows {entries} in {err.n} fields, a rate of
  {kit.pct(err.value)}, but the 95% upper bound is {kit.pct(err.high)}, above the 0.5% the
  operations team accepts. Only the pilot's blind checks, on thousands of fields, can
  settle it.
- **Ink.** Macro F1 is {band_f1}; the auto-entry rate is {band_auto}. {weakest}
  The bands reflect this data's pens and scanner; a change of either moves them.
- **Fixed gate.** The {GATE:g} confidence gate was set by the operations team, not
  tuned; a lower gate enters more fields at more risk.
""",
    )


# ---------------------------------------------------------------------------- dsreport.yaml


def outcome_yaml() -> str:
    """The centre counts fields a month; today every field is keyed, nothing entered
    automatically."""
    return kit.outcome_yaml(
        FIELDS_PER_MONTH,
        "digit fields",
        "month",
        GATE,
        [
            kit.Count(
                "acted",
                "fields entered automatically",
                "The gain. Today no field is entered without a keyer; the operations "
                "team's goal is 85% of fields.",
                better="more",
                target=0.85 * FIELDS_PER_MONTH,
                today=0,
            ),
            kit.Count(
                "false_positive",
                "wrong digits entered without a keyer",
                "The risk. Operations accepts at most 0.5% wrong automatic entries (the rate "
                "its spot checks find in keyed fields), about 4,000 a month at the goal.",
                target=0.005 * 0.85 * FIELDS_PER_MONTH // 1000 * 1000,
                today=0,
            ),
            kit.Count(
                "not_acted",
                "fields keyed by hand",
                "The keyers' work: today every field.",
                better="fewer",
                target=0.15 * FIELDS_PER_MONTH,
                today=FIELDS_PER_MONTH,
            ),
        ],
    )


def spec_text(
    f: dict[str, Any], example: str, rungs: list[Rung], metrics: list[MetricValue]
) -> str:
    lr = f["rungs"]["logreg"]
    head = f["headline"]
    share = lr.metrics["auto_entry_rate"]
    statement = {
        "st_product": "Digit reader",
        "st_feature": "automatic entry of handwritten digit fields",
        "st_for_product": "the claims scanning centre",
        "st_in_system": "the form capture pipeline",
        "st_improves": "how many fields reach the claims system without a keyer",
        "st_achieve": f"about {kit.pct(share, 0)} of digit fields entered automatically",
        "st_increase": "same-day processing of claim forms",
        "st_reduce": f"keying work by roughly {f['hours']:,.0f} hours a month",
    }
    sentence = (
        f"{statement['st_product']} aims to improve {statement['st_feature']} for "
        f"{statement['st_for_product']} in {statement['st_in_system']}. It will improve "
        f"{statement['st_improves']}. We expect to achieve {statement['st_achieve']}, "
        f"increase {statement['st_increase']} and reduce {statement['st_reduce']}."
    )
    inputs = [
        Field(
            "field_id",
            "string",
            "Identifier of the form field the digit was cut from; returned unchanged.",
            example=FIELD_EXAMPLE,
            pattern="^[A-Za-z0-9_-]{1,64}$",
        ),
        Field(
            "pixels",
            "array",
            "The digit as 64 ink counts, row by row over an 8x8 grid; "
            "each is an integer from 0 to 16 (inked pixels in a 4x4 block of the 32x32 "
            "scan).",
            example=f"[{example}]",
            items="integer",
            minimum=0,
            maximum=16,
            length=64,
        ),
    ]
    out = f["example_out"]
    outputs = [
        Field("field_id", "string", "The request's field_id.", example=FIELD_EXAMPLE),
        Field("digit", "category", "The digit read.", example=out["digit"], allowed=CLASSES),
        Field(
            "confidence",
            "number",
            "The model's probability for the digit read.",
            example=f"{out['confidence']:.6f}",
            minimum=0,
            maximum=1,
        ),
        Field(
            "route",
            "category",
            f"auto_entry when confidence is {GATE:g} or more, else manual_keying.",
            example=out["route"],
            allowed=["auto_entry", "manual_keying"],
        ),
    ]
    failure_modes = [
        kit.FailureMode(
            "Reader unavailable",
            "Fields cannot be read; every field would wait.",
            "rules",
            "Route every field to manual keying with the template matcher's reading "
            "pre-filled, exactly as today.",
        ),
        kit.FailureMode(
            "Malformed image",
            "The segmentation step sends a grid that is not 64 counts from 0 to 16 (a "
            "merged or cropped digit).",
            "ask_user",
            "Reject the request; the field goes to manual keying with the scan shown.",
        ),
        kit.FailureMode(
            "Confident misread",
            "A wrong digit above the gate is entered without review and reaches the claims record.",
            "other",
            "A 1% random sample of auto-entered fields is keyed blind each day; above "
            "0.5% disagreement the gate is raised to 0.95 until the cause is found.",
        ),
        kit.FailureMode(
            "New form or pen",
            "A new form layout or scanner changes the ink counts; confidence falls and "
            "fewer fields pass the gate.",
            "rules",
            "Nothing goes wrong silently: the fields fall to manual keying. The weekly "
            "auto-entry rate is watched and a drop of 10 points triggers a review.",
        ),
    ]
    sources = [
        kit.Source(
            "Optical recognition of handwritten digits (UCI)",
            f"{f['n']:,} digits from 13 writers as 8x8 ink counts, with the intended digit; the "
            "copy shipped with scikit-learn (load_digits).",
            "forms collected before 1998",
        )
    ]
    splits = [
        kit.SplitInfo(
            "train",
            f["n_train"],
            "Stratified random 70%. Fits every rung, the "
            "templates included, and the ink band cuts.",
        ),
        kit.SplitInfo("test", f["n_test"], "Stratified random 30%. Held out; used once."),
    ]
    guards = [
        "The test split was set aside before any model was fitted or compared.",
        "The templates, the models and the ink band cuts use the training split only.",
        "The confidence gate was fixed by operations before the evaluation, not tuned on test.",
        "Not guarded: writer identity is not in the data, so the split cannot be grouped by "
        "writer (see the limitations).",
    ]
    task_keys = "\n".join(
        [
            "  # The labels, as text; predicted labels outside them are errors.",
            f"  classes: {kit.flow_list(CLASSES)}",
        ]
    )
    return kit.render(
        TEMPLATE,
        title="Digit routing",
        origin=kit.comment(
            "This example was generated by examples/make_examples.py from the handwritten "
            "digits data that ships with scikit-learn; every number in it comes from that "
            "run. The scanning centre, the people and the costs are invented for the "
            "example. Edit it into your own project: change the values, keep the keys.",
            0,
        ),
        name=q("Digit routing"),
        slug="digit-routing",
        version=q("1.0.0"),
        date=kit.EVALUATION_DATE,
        task="multiclass",
        authors=kit.people(
            [
                Person("Noor Haddad", "Data scientist", "noor.haddad@example.org"),
                Person("Jonas Weber", "Machine learning engineer", "jonas.weber@example.org"),
            ],
            4,
        ),
        summary=text_value(
            f"A logistic regression reads handwritten digit fields with macro F1 "
            f"{kit.pct(head.value)} against "
            f"{kit.pct(f['rungs']['templates'].metrics['macro_f1'])} for today's template matcher. "
            f"Routing only readings with confidence {GATE:g} or more to automatic entry, it "
            f"would take {kit.pct(share, 0)} of fields off the keyers' desks; on "
            f"{f['auto']['logreg']} automatically entered test fields it made "
            f"{f['auto_wrong']['logreg']} error{'' if f['auto_wrong']['logreg'] == 1 else 's'}.",
            2,
        ),
        current_process=text_value(
            "Every digit field is keyed by an operator. The capture software's template "
            "matcher pre-fills its reading, and the operator confirms or overwrites it; "
            "no value enters the claims system unkeyed.",
            2,
        ),
        users=text_value(
            "Keying operators, who see only the fields under the gate, each with the "
            "model's three best readings; the operations lead, who watches the daily "
            "auto-entry and spot-check rates.",
            2,
        ),
        statement_comment=kit.comment(sentence, 2),
        **{k: q(v) for k, v in statement.items()},
        outcome=outcome_yaml(),
        sm_metric="macro_f1",
        sm_optimal="0.99",
        sm_acceptable="0.97",
        sm_worst="0.9",
        sm_unit=q("average quality of reading across the ten digits"),
        lat_schedule="",
        lat_class="real_time",
        lat_budget="50",
        cost_budget="150",
        failure_modes="\n".join(m.yaml(4) for m in failure_modes),
        fallback=text_value(
            "Route the field to manual keying, as today: a person sees the scan with the "
            "template matcher's reading pre-filled.",
            2,
        ),
        safest_default=q("Send the field to manual keying."),
        inputs=kit.fields_yaml(inputs, 4),
        outputs=kit.fields_yaml(outputs, 4),
        model_structure=text_value(
            "Multinomial logistic regression (L2, C = 0.01) on the 64 raw ink counts, "
            "fitted with L-BFGS; the softmax probability of the best digit is the "
            f"confidence, and fields at {GATE:g} or more are entered automatically. "
            f"The fitted model ships as model/{MODEL_FILE} ({f['model_kib']:.0f} KiB, skops "
            "format); code/predict.py checks the request and turns the model's "
            "probabilities into the response.",
            2,
        ),
        sources="\n".join(s.yaml(6) for s in sources),
        splits="\n".join(s.yaml(6) for s in splits),
        leakage_guards=kit.bullet_list(guards, 6),
        probabilities="false",
        ladder_comment=kit.comment(
            "For a multiclass task `score_column` holds the rung's predicted label and "
            "`proba_prefix` names its per-class probability columns (proba_logreg_0 to "
            "proba_logreg_9) in data/predictions.csv. Latencies are single-row calls of the "
            "scikit-learn model; costs are a serving container sized by the model plus "
            "compute at one million fields a month.",
            0,
        ),
        chosen="logreg",
        baseline="templates",
        rungs=kit.rungs_yaml(rungs, 4),
        task_keys=task_keys,
        seed=str(kit.SEED),
        metrics=kit.metrics_yaml(metrics, 4),
        slice_columns="[ink_band]",
        slice_definitions=handoff.slice_yaml(
            "ink_band", "pixels", INK_BANDS, f["ink_cuts"], aggregate="sum"
        ),
        license="cc-by-4.0",
        outcome_source=text_value(
            "The keyed value of the blind double-keying sample (one field in twenty is keyed "
            "twice whatever its route), joined on field_id.",
            4,
        ),
        outcome_delay="2",
        model=handoff.model_yaml(
            f"model/{MODEL_FILE}",
            f["model_sha256"],
            "examples/make_examples.py (digit-routing) in the dsreport repository",
        ),
        settings=handoff.Setting(
            "gate",
            GATE,
            "At or above this confidence a reading is entered without a keyer; the operations "
            "team set it.",
            "confidence",
            "route",
            "auto_entry",
            "manual_keying",
        ).yaml(4),
        sampling=text_value(
            f"All {f['review_errors']} test fields the logistic regression misread, plus 60 "
            f"of its correct readings drawn at random (seed {kit.SEED}), each compared with "
            "the paper form. Misreads are over-represented by design; severity is high "
            "when the misread was auto-entered and low when it went to a keyer.",
            4,
        ),
        owners=kit.people(
            [
                Person(
                    "Noor Haddad", "Data scientist, document automation", "noor.haddad@example.org"
                )
            ],
            4,
        ),
        contacts=kit.people(
            [
                Person(
                    "Beatriz Santos",
                    "Operations lead, scanning centre",
                    "beatriz.santos@example.org",
                ),
                Person("Jonas Weber", "Machine learning engineer", "jonas.weber@example.org"),
            ],
            4,
        ),
        decision=text_value(
            "Approve a four-week pilot in which fields read with confidence 0.8 or more "
            "are entered automatically on one form type, with a 1% daily blind re-keying "
            "check.",
            4,
        ),
        next_steps=kit.bullet_list(
            [
                "Pilot on the motor claim form from February 2027, four weeks.",
                "Measure the auto-entry error rate on live fields from writers the model has "
                "never seen; stop the pilot above 0.5%.",
                "Extend to the other form types if the pilot holds both the error rate and an "
                "auto-entry rate of 75% or more.",
            ],
            6,
        ),
        retraining=text_value(
            "Twice a year on keyed fields from the blind checks, and whenever a new form "
            "layout or scanner is introduced.",
            2,
        ),
    )
