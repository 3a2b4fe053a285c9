"""The hostile and broken bundle corpus: generators for the cases git cannot hold as plain
files (see tests/bundles/README.md and docs/security.md)."""
