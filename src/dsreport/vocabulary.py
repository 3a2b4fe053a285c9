"""Names the bundle may use that the analysis and renderers understand.

Kept in one place so validation, analysis and the docs agree.
"""

from __future__ import annotations

from typing import Final

BINARY_METRICS: Final = (
    "precision",
    "recall",
    "f1",
    "accuracy",
    "balanced_accuracy",
    "specificity",
    "roc_auc",
    "average_precision",
    "log_loss",
    "brier",
    "ece",
)
MULTICLASS_METRICS: Final = (
    "accuracy",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "weighted_f1",
    "micro_f1",
    "top_k_accuracy",
)
REGRESSION_METRICS: Final = ("mae", "rmse", "mape", "smape", "r2")
COMPUTED_METRICS: Final = {
    "binary": BINARY_METRICS,
    "multiclass": MULTICLASS_METRICS,
    "regression": REGRESSION_METRICS,
}
LOWER_IS_BETTER: Final = frozenset({"log_loss", "brier", "ece", "mae", "rmse", "mape", "smape"})

VERDICTS: Final = ("correct", "incorrect", "partial")
SEVERITIES: Final = ("none", "low", "medium", "high", "critical")
REVIEW_COLUMNS: Final = (
    "id",
    "input",
    "model_output",
    "expected_output",
    "verdict",
    "error_category",
    "severity",
    "note",
)

# name -> (label for the staff DS report, plain words for the PM deck)
GLOSSARY: Final = {
    "precision": ("Precision", "share of flagged cases that are right"),
    "recall": ("Recall", "share of the cases we catch"),
    "f1": ("F1 score", "balance of catching cases and being right"),
    "accuracy": ("Accuracy", "share of all decisions that are right"),
    "balanced_accuracy": ("Balanced accuracy", "accuracy, counting both classes equally"),
    "specificity": ("Specificity", "share of non-cases left alone"),
    "roc_auc": ("ROC AUC", "how well the score ranks cases above non-cases"),
    "average_precision": ("Average precision", "how clean the top of the ranked list is"),
    "log_loss": ("Log loss", "penalty for confident mistakes"),
    "brier": ("Brier score", "error of the predicted probabilities"),
    "ece": ("Expected calibration error", "gap between predicted and actual rates"),
    "macro_precision": ("Macro precision", "average share of right answers per class"),
    "macro_recall": ("Macro recall", "average share caught per class"),
    "macro_f1": ("Macro F1", "average quality across classes"),
    "weighted_f1": ("Weighted F1", "quality across classes, weighted by volume"),
    "micro_f1": ("Micro F1", "share of all decisions that are right"),
    "top_k_accuracy": ("Top-k accuracy", "share where the right answer is in the shortlist"),
    "mae": ("Mean absolute error", "typical size of a miss"),
    "rmse": ("Root mean squared error", "typical size of a miss, big misses weigh more"),
    "mape": ("Mean absolute percentage error", "typical miss, as a share of the true value"),
    "smape": ("Symmetric MAPE", "typical miss, as a share of the values"),
    "r2": ("R²", "share of the variation the model explains"),
    "error_rate": ("Error rate", "share of reviewed cases that were wrong"),
}


def labels(metric: str) -> tuple[str, str]:
    """Display name and plain-language name of a metric."""
    if metric in GLOSSARY:
        return GLOSSARY[metric]
    words = metric.replace("_", " ").strip()
    return words[:1].upper() + words[1:], words
