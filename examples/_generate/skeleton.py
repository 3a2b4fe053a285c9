"""The commented `dsreport.yaml` every example bundle is written from.

Placeholders are `${name}`; the generators fill them with text that is already valid
YAML (quoted scalars, block scalars, or indented list items).
"""

from __future__ import annotations

TEMPLATE = """\
# ${title}: a dsreport results bundle
# ============================================================================
# This file is the single source of one finished model evaluation, written once.
# `dsreport build . -o out/` turns it into three artifacts that agree to the digit:
#   - a slide deck for the product manager,
#   - a detailed PDF for the staff data scientist reviewing the work,
#   - a handoff package (contract, code, model card) for the engineers.
#
${origin}
#
# Files: every path below is relative to this folder and must stay inside it.
#   prose/  Markdown paragraphs (any prose field may also be written inline)
#   data/   predictions.csv (one row per test case), reviewed.csv and golden.jsonl
#   code/   the inference code that the engineers' contract test calls
#   model/  the fitted model as a skops file (copied and hashed, never loaded by dsreport)
#
# Editing: `dsreport validate .` lists every problem at once, with line numbers.
# For completion and checks while you type, write the JSON Schema of this file
# with `dsreport schema > dsreport.schema.json` and point your editor's YAML
# plugin at it (for VS Code, the `yaml.schemas` setting of the YAML extension).
#
# Quoting: text that YAML could misread is in double quotes: anything with a
# colon or a leading digit, versions such as "1.10", words such as "no" or "on".
# Numbers, dates (YYYY-MM-DD) and fixed keywords stay bare. Unknown keys are
# errors, so a typo is reported instead of silently ignored.

format_version: 1

# ----------------------------------------------------------------------------
# project: what this is and who did it. `task` (binary, multiclass or
# regression) decides which metrics and checks apply.
project:
  name: ${name}
  # Prefix of every output file name; derived from `name` when absent.
  slug: ${slug}
  # Quoted, so that a version such as "1.10" is not read as the number 1.1.
  version: ${version}
  # Date of the evaluation; the outputs carry it unless SOURCE_DATE_EPOCH is set.
  date: ${date}
  task: ${task}
  authors:
${authors}
  # One paragraph for the cover of the deck and of the PDF.
  summary: ${summary}
  # Caveats in the authors' words; every audience sees them.
  limitations: prose/limitations.md
  # Licence of the model, as a Hugging Face licence identifier.
  license: ${license}

# ----------------------------------------------------------------------------
# ecosystem: the problem today, how it is solved now, who will use the model
# and what "better" means for the business. Prose fields take inline Markdown
# or the path of a .md file in this bundle.
ecosystem:
  problem: prose/problem.md
  # The baseline process: what people do today, without the model.
  current_process: ${current_process}
  # Who uses the output, and how their working day changes.
  users: ${users}
  business_value: prose/business_value.md
  # The sentence the ecosystem ends in, built from the parts below:
  # "[product] aims to improve [feature] for [for_product] in [in_system].
  #  It will improve [improves]. We expect to achieve [achieve], increase
  #  [increase] and reduce [reduce]."
  # Here it reads:
${statement_comment}
  statement:
    product: ${st_product}
    feature: ${st_feature}
    for_product: ${st_for_product}
    in_system: ${st_in_system}
    improves: ${st_improves}
    achieve: ${st_achieve}
    increase: ${st_increase}
    reduce: ${st_reduce}

# ----------------------------------------------------------------------------
# operator_view: success as the people running the product see it, how long
# they can wait, what they can pay, and what happens when the model fails.
operator_view:
  # The metric success is judged by, at three levels. It must be reported in
  # interrogation.metrics or in a rung's metrics (or be computable from the
  # predictions). For a lower-is-better metric the levels run downwards.
  success_metric:
    metric: ${sm_metric}
    # Nobody would ask for more than this.
    optimal: ${sm_optimal}
    # The product can ship at this level.
    acceptable: ${sm_acceptable}
    # Past this the model does more harm than today's process.
    worst_case: ${sm_worst}
    unit: ${sm_unit}
  latency:
    # real_time (under 100 ms), seconds, minutes or batch.
    class: ${lat_class}
    budget_ms: ${lat_budget}
    # The percentile the budget applies to; the rungs' latency_ms are measured there.
    # A latency measured per batch or in another unit can be given as
    # `budget: {value: 20, unit: min, batch_size: 10000}` (us, ms, s, min or h).
    percentile: p95${lat_schedule}
  # Leave `cost` out when running cost does not matter; without a budget it is shown
  # but not judged.
  cost:
    budget: ${cost_budget}
    # Currency and period of every cost in this bundle, the rungs' included.
    unit: "EUR per month"
  # Every failure mode you know of. `fallback` is one of rules, ask_user,
  # no_result, cached or other; `detail` says how the fallback works.
  failure_modes:
${failure_modes}
  # The fallback behaviour as a whole.
  fallback: ${fallback}
  # What the system does when in doubt.
  safest_default: ${safest_default}
  # Where production's true outcomes come from, and how many days they take to arrive;
  # the metric floors of the handoff's monitoring wait for them.
  outcomes:
    source: ${outcome_source}
    delay_days: ${outcome_delay}

# ----------------------------------------------------------------------------
# system_design: the engineers' contract, and how the model and its data were
# built.
system_design:
  # Typed request fields; they become the handoff's JSON Schema, so name them
  # as the code does. Types: integer, number, string, boolean, category,
  # datetime, array (with `items`, the type of each item). `example` is text, as
  # the value appears in a request. `constraints` may hold minimum, maximum,
  # allowed, pattern, max_length, nullable, and for arrays min_items and max_items.
  inputs:
${inputs}
  # Typed response fields, described the same way.
  outputs:
${outputs}
  model_structure: ${model_structure}
  data:
    description: prose/data.md
    sources:
${sources}
    # Row counts per split; they match the tables in data/.
    splits:
${splits}
    # How leakage between training and evaluation was prevented, one guard per item.
    leakage_guards:
${leakage_guards}
  # Which metrics train and evaluate the model, and why.
  metric_choice: prose/metric_choice.md
  # true when people read the score as a probability; calibration is then checked.
  scores_are_probabilities: ${probabilities}
  # Code shipped in the handoff. `entry_point` is module:function, relative to
  # the code files; the generated contract test calls it with example requests as
  # function(request, model=<the loaded model>, **settings).
  code:
    - path: code/predict.py
      role: inference
  entry_point: "predict:predict"
  # The fitted model, with the SHA-256 its file must have and the environment it was
  # made in. dsreport copies and hashes it; the handoff's loader checks the hash
  # before loading it. skops files are loaded without running code from the file.
  model:
${model}
  # Settings the engineers may move, each with its documented default; the handoff
  # tabulates the decision metrics at nearby values.
  settings:
${settings}
  # Test rows with the responses the shipped model must give them: the contract test
  # runs the real model on each, so moving a setting past a row fails the test.
  golden_set:
    path: data/golden.jsonl

# ----------------------------------------------------------------------------
# ladder: start simple, earn complexity. One rung per model tried, from
# today's heuristic up. `decision` is kept, dropped or chosen, and `reason`
# says why, with the numbers. `metrics` are on the test split, `train_metrics`
# on the training split (the gap shows overfitting); `cv_metrics` may add
# cross-validation scores ({mean, std, folds} per metric). `latency_ms` is per
# request at the operator view's percentile (or `latency: {value, unit,
# batch_size}` as measured); `cost` is in its cost unit.
${ladder_comment}
ladder:
  # The rung that ships.
  chosen: ${chosen}
  # The rung every delta is measured against: today's heuristic.
  baseline: ${baseline}
  rungs:
${rungs}

# ----------------------------------------------------------------------------
# interrogation: the evidence. Metrics with their direction, target, n and
# 95% interval; the per-row predictions they can be recomputed from; and the
# cases a person reviewed.
interrogation:
${task_keys}
  # Seed of every bootstrap dsreport runs, so that rebuilds give the same
  # intervals. The intervals below come from the run that made this bundle:
  # percentile bootstraps over the test rows (1,000 resamples, this seed), and
  # Wilson intervals for rates of rare events.
  seed: ${seed}
  # Without `rung`, a value belongs to the chosen rung; without `slice`, it is
  # the overall value. Exactly one metric is the headline. `n` is the number
  # of test rows the value was computed from: all rows for most metrics, only
  # the positive rows for a recall. dsreport recomputes every metric it knows
  # from data/predictions.csv; the values below are what that run reported.
  metrics:
${metrics}
  predictions:
    path: data/predictions.csv
    id_column: id
    label_column: label
    split_column: split
    # Columns whose values define slices; metrics are computed per value. Columns
    # named after a request field hold its value per row: monitoring's references.
    slice_columns: ${slice_columns}
    # How each slice follows from a request, so production can be sliced the same way.
    slice_definitions:
${slice_definitions}
  # Cases a person looked at. Columns: id, input, model_output,
  # expected_output, verdict (correct, incorrect, partial, or ambiguous and
  # not_applicable, which the error rate leaves out; map your own words with
  # `verdict_map`), error_category, severity (none, low, medium, high or
  # critical) and note.
  reviewed_examples:
    path: data/reviewed.csv
    sampling: ${sampling}
    # false: the cases over-represent errors on purpose, so their error rate
    # is not the model's; dsreport then reports categories, not a rate.
    random_sample: false

# ----------------------------------------------------------------------------
# audiences: who owns the model, whom to ask, and what the PM is asked to
# decide.
audiences:
  owners:
${owners}
  contacts:
${contacts}
  pm:
    # The decision asked of the product manager, in one sentence.
    decision: ${decision}
    next_steps:
${next_steps}
  # Which artifacts `dsreport build` writes by default.
  outputs: [pm, ds, engineer]
  # The accent colour marks "ours" (the chosen model, the headline number).
  # A logo (logo: img/logo.png) and a corporate deck template
  # (pptx_template: brand/corporate.pptx) can be added here too.
  branding:
    accent: "#0072B2"
  retraining: ${retraining}
"""
