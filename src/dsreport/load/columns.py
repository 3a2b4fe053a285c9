"""Column helpers that work on a column's own dtype (text, integer, categorical).

Converting ten million cells to strings costs seconds; factorising costs a
fraction of that, and only the distinct values are ever turned into text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

MISSING = "(missing)"


def label_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def factor(series: pd.Series) -> tuple[np.ndarray[Any, Any], list[str]]:
    """Integer codes and the text of each distinct value (missing is its own value).

    Works on the column's own dtype (categorical, integer, text) without converting every
    row to a string, which matters at ten million rows.
    """
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    texts = [label_text(u) for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(texts), codes)
        texts.append(MISSING)
    merged: dict[str, int] = {}
    remap = np.array([merged.setdefault(t, len(merged)) for t in texts], dtype=np.int32)
    if len(merged) == len(texts) and not (codes < 0).any():
        return codes.astype(np.int32, copy=False), list(merged)  # nothing to merge
    return remap[codes] if len(codes) else codes.astype(np.int32), list(merged)


def rows_by_code(codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Row numbers ordered by code, each code's rows in table order (a stable sort). Codes
    under 32,768 sort as 16-bit integers, which numpy sorts by radix: at 100,000 rows
    0.2-0.6 ms instead of 2-3 ms, the same order."""
    if len(codes) and codes.min() >= 0 and codes.max() < 2**15:
        codes = codes.astype(np.int16)
    return np.argsort(codes, kind="stable")


def blank(series: pd.Series, strip: bool = True) -> pd.Series:
    """Missing cells: NaN/None, or empty text in a text column (vectorised per dtype);
    without `strip`, text of spaces is not empty (ten million ids are checked whole)."""
    missing = series.isna()
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        empty = np.array([not (str(c).strip() if strip else str(c)) for c in categories], bool)
        codes = series.cat.codes.to_numpy()
        hit = np.where(codes >= 0, empty[np.maximum(codes, 0)] if len(empty) else False, False)
        return missing | pd.Series(hit, index=series.index)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        text = series.astype("string").str.strip() if strip else series
        missing |= (text == "").fillna(False).astype(bool)
    return missing


def outside(series: pd.Series, allowed: list[str]) -> pd.Series:
    """Cells whose text form is not in `allowed` (missing cells are not outside)."""
    codes, texts = factor(series)
    bad = np.array([t not in allowed and t not in (MISSING, "") for t in texts], dtype=bool)
    return pd.Series(bad[codes] if len(codes) else np.zeros(0, bool), index=series.index)
