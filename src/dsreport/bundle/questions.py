"""The questions a senior reviewer asks of the parts only a person can write.

`dsreport init --from-predictions` and `dsreport import mlflow` write each such part as
`TODO: <question>`; `dsreport validate` lists every one still open with its question.
Keys are dotted paths with `[]` for any list index.
"""

from __future__ import annotations

from typing import Final

MARKER: Final = "TODO"
"""A value that starts with this word is an open item."""

QUESTIONS: Final = {
    "project.authors": "Who did the work? Give each author's name (role and email optional).",
    "ecosystem.problem": "What is the problem today, and what does it cost the business?",
    "ecosystem.current_process": "What happens today, without the model? Who does the work, "
    "how, and how well does it go?",
    "ecosystem.users": "Who will use the model's output, and how does their daily work change?",
    "ecosystem.business_value": "What does 'better' mean in business terms: what is one "
    "right (or wrong) answer worth?",
    "ecosystem.statement.product": "What does the business call the product or model?",
    "ecosystem.statement.feature": "Which feature does it improve?",
    "ecosystem.statement.for_product": "Which product or team does that feature serve?",
    "ecosystem.statement.in_system": "Which system does it live in?",
    "ecosystem.statement.improves": "What gets better for the users, in one phrase?",
    "ecosystem.statement.achieve": "What outcome do you expect, in the business's own units?",
    "operator_view.success_metric.metric": "Which metric does the operator judge success by?",
    "operator_view.success_metric.optimal": "At what value of the success metric would "
    "nobody ask for more?",
    "operator_view.success_metric.acceptable": "At what value can the product ship?",
    "operator_view.success_metric.worst_case": "Below what value does the model do more harm "
    "than today's process?",
    "operator_view.latency.class": "How long can a user wait for an answer: real_time "
    "(under 100 ms), seconds, minutes or batch?",
    "operator_view.cost.budget": "What may the model cost to run, in the cost unit (currency "
    "per period)?",
    "operator_view.fallback": "What happens when the model fails or cannot answer: fall back "
    "to rules, ask the user, or show no result?",
    "operator_view.safest_default": "When in doubt, what is the safest thing the system can do?",
    "system_design.inputs": "What does a request carry? Name, type and meaning of each input "
    "field.",
    "system_design.outputs": "What does a response carry? Name, type and meaning of each "
    "output field.",
    "system_design.model_structure": "How is the model built: algorithm, features, "
    "post-processing?",
    "system_design.data.description": "How were the training and test data built: sources, "
    "time windows, splits, leakage guards?",
    "system_design.metric_choice": "Which metrics train and evaluate the model, and why these?",
    "ladder.chosen": "Which rung ships?",
    "ladder.rungs[].kind": "Is this rung today's heuristic, a simple model or a complex one?",
    "ladder.rungs[].decision": "Was this rung kept, dropped or chosen?",
    "ladder.rungs[].score_column": "Which column holds this rung's score of the positive class?",
    "ladder.rungs[].reason": "Why was this rung kept, dropped or chosen, with the numbers?",
    "interrogation.threshold": "At what score does the product act (the operating threshold)?",
    "interrogation.positive_label": "Which class is the one to catch (the positive class)?",
    "audiences.owners": "Who owns the model once it ships? Give each owner's name.",
    "audiences.pm.decision": "What decision do you ask of the product manager?",
}


def pattern(key: str) -> str:
    """`ladder.rungs[2].kind` -> `ladder.rungs[].kind`: the key of `QUESTIONS`."""
    out, depth = [], 0
    for char in key:
        if char == "[":
            depth += 1
            out.append("[")
        elif char == "]":
            depth -= 1
            out.append("]")
        elif depth == 0:
            out.append(char)
    return "".join(out)


def todo(key: str) -> str:
    """The value an importer writes for an open item: the marker and its question."""
    return f"{MARKER}: {QUESTIONS[pattern(key)]}"
