"""Do the test rows overlap the other splits? The leakage checks dsreport can run itself.

Two checks, on the predictions table when it has a split column: test ids that also
appear in another split (the same entity in training and test), and test rows whose
input-field values (the columns named like the contract's inputs) equal a row of another
split. Both are one hash join; tables above `MAX_ROWS` rows are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dsreport.bundle.spec import BundleSpec

MAX_ROWS = 5_000_000


@dataclass
class Overlap:
    shared_ids: int | None = None
    shared_feature_rows: int | None = None
    feature_columns: tuple[str, ...] = ()


def overlap(spec: BundleSpec, frame: pd.DataFrame) -> Overlap:
    section = spec.interrogation.predictions
    if section is None or not section.split_column or len(frame) > MAX_ROWS:
        return Overlap()
    split = frame[section.split_column].astype("string")
    test = (split == "test").fillna(False).to_numpy(dtype=bool)
    if not test.any() or test.all():
        return Overlap()
    out = Overlap()
    if section.id_column in frame.columns:
        ids = frame[section.id_column].astype("string")
        others = pd.Index(ids[~test].dropna().unique())
        out.shared_ids = int(pd.Index(ids[test].dropna().unique()).isin(others).sum())
    inputs = tuple(
        f.name
        for f in spec.system_design.inputs
        if f.name in frame.columns
        and f.name not in (section.id_column, section.label_column, section.split_column)
    )
    if inputs:
        keys = pd.util.hash_pandas_object(frame[list(inputs)], index=False).to_numpy()
        seen = pd.Index(keys[~test])
        out.shared_feature_rows = int(pd.Index(keys[test]).isin(seen).sum())
        out.feature_columns = inputs
    return out
