"""Names the bundle may use that the analysis and renderers understand.

Kept in one place so validation, analysis and the docs agree.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

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
    "balanced_accuracy",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "weighted_f1",
    "micro_f1",
    "top_k_accuracy",
)
MULTICLASS_PROBABILITY_METRICS: Final = ("macro_roc_auc", "log_loss", "brier", "ece")
"""Computed when a multiclass rung's per-class probabilities are given (`proba_prefix`)."""
NOT_RATES: Final = frozenset(
    {"roc_auc", "macro_roc_auc", "average_precision", "log_loss", "brier", "ece"}
)
"""Classification metrics that are not shares of cases (written as numbers, not percent)."""
REGRESSION_METRICS: Final = ("mae", "rmse", "mape", "smape", "r2")
COMPUTED_METRICS: Final = {
    "binary": BINARY_METRICS,
    "multiclass": MULTICLASS_METRICS + MULTICLASS_PROBABILITY_METRICS,
    "regression": REGRESSION_METRICS,
}
LOWER_IS_BETTER: Final = frozenset({"log_loss", "brier", "ece", "mae", "rmse", "mape", "smape"})

JUDGED_VERDICTS: Final = ("correct", "incorrect", "partial")
"""Verdicts that judge the output: the review's error rate is counted over these."""
UNJUDGED_VERDICTS: Final = ("ambiguous", "not_applicable")
"""Verdicts that do not: the reviewer could not tell (`ambiguous`), or the case is outside
what the model is asked to do (`not_applicable`). Counted, shown, never errors nor correct."""
Verdict = Literal["correct", "incorrect", "partial", "ambiguous", "not_applicable"]
VERDICTS: Final[tuple[str, ...]] = get_args(Verdict)
ERROR_VERDICTS: Final = ("incorrect", "partial")
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

METRIC_ALIASES: Final = {
    "auc": "roc_auc",
    "auroc": "roc_auc",
    "rocauc": "roc_auc",
    "sensitivity": "recall",
    "tpr": "recall",
    "true_positive_rate": "recall",
    "ppv": "precision",
    "tnr": "specificity",
    "true_negative_rate": "specificity",
    "ap": "average_precision",
    "auprc": "average_precision",
    "pr_auc": "average_precision",
    "f1_score": "f1",
    "f_score": "f1",
    "logloss": "log_loss",
    "cross_entropy": "log_loss",
    "brier_score": "brier",
    "r_squared": "r2",
    "mean_absolute_error": "mae",
    "root_mean_squared_error": "rmse",
    "mean_absolute_percentage_error": "mape",
    "rsquared": "r2",
    "top_k": "top_k_accuracy",
    "bacc": "balanced_accuracy",
}
"""Other names for metrics dsreport knows; `validate` suggests the known name."""

# name -> (label for the staff DS report, plain words for the PM deck)
GLOSSARY: Final = {
    "precision": ("Precision", "share of flagged cases that are right"),
    "recall": ("Recall", "share of the cases we catch"),
    "f1": ("F1 score", "balance of catching cases and being right"),
    "accuracy": ("Accuracy", "share of all decisions that are right"),
    "balanced_accuracy": ("Balanced accuracy", "accuracy, counting every class equally"),
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
    "macro_roc_auc": ("Macro ROC AUC (one-vs-rest)", "how well each class's score ranks it first"),
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


DEFINITIONS: Final = {
    "precision": "Of the cases flagged positive, the share that are positive: TP / (TP + FP).",
    "recall": "Of the positive cases, the share flagged: TP / (TP + FN). Also sensitivity.",
    "f1": "Harmonic mean of precision and recall: 2·TP / (2·TP + FP + FN).",
    "accuracy": "Share of all cases classified correctly.",
    "balanced_accuracy": "Mean of the per-class recalls over the classes present in truth "
    "(binary: mean of recall and specificity); insensitive to class balance.",
    "specificity": "Of the negative cases, the share left unflagged: TN / (TN + FP).",
    "roc_auc": "Probability that a random positive scores above a random negative (ties count "
    "half); area under the ROC curve.",
    "average_precision": "Precision averaged over the recall steps of the ranked list "
    "(step-wise, as scikit-learn).",
    "log_loss": "Mean negative log-likelihood of the true class; probabilities clipped to "
    "[ε, 1−ε].",
    "brier": "Mean over cases of the squared error of the predicted probabilities: binary "
    "(score − outcome)², in [0, 1]; multiclass Σ over classes of (probability − 1 if the "
    "true class else 0)², in [0, 2] (scikit-learn's brier_score_loss since 1.7).",
    "ece": "Expected calibration error: case-weighted mean gap between the mean score and the "
    "observed rate over ten equal-count score bins (deciles). Multiclass: top-label, the top "
    "class's probability against the share of cases where the top class is right.",
    "macro_precision": "Unweighted mean of per-class precision over the classes present.",
    "macro_recall": "Unweighted mean of per-class recall over the classes present.",
    "macro_f1": "Unweighted mean of per-class F1 over the classes present.",
    "weighted_f1": "Mean of per-class F1 weighted by each class's support.",
    "micro_f1": "F1 over all decisions pooled; equals accuracy for single-label multiclass.",
    "top_k_accuracy": "Share of cases whose true class is among the k highest scores.",
    "macro_roc_auc": "Unweighted mean over classes of the one-vs-rest ROC AUC of each class's "
    "probability, over the classes with both positive and negative cases.",
    "mae": "Mean absolute error: mean of |prediction − actual|.",
    "rmse": "Root mean squared error: square root of the mean of (prediction − actual)².",
    "mape": "Mean absolute percentage error: mean of |prediction − actual| / |actual|; only "
    "when no actual value is zero.",
    "smape": "Symmetric MAPE: mean of 2·|prediction − actual| / (|actual| + |prediction|).",
    "r2": "Coefficient of determination: 1 − residual sum of squares / total sum of squares.",
    "error_rate": "Share of the judged reviewed examples (verdict correct, partial or "
    "incorrect) that are incorrect or partially correct; ambiguous and not-applicable cases "
    "are left out.",
}
