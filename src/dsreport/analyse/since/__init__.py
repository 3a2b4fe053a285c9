"""What changed since the last review: the comparison of two builds' facts.

`model` holds its facts, `rows` the per-row digest a build keeps so a later one can pair
with it, `metrics` the metric changes (paired or unpaired, through `analyse.compare`),
`changes` the ladder, findings and recommendation, `design` the contract, thresholds,
budgets, operator view, data and monitoring, and `compose` puts them together
(docs/analysis.md, Since the last review).
"""
