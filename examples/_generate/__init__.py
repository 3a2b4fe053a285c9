"""Generators of the example bundles; run `examples/make_examples.py`, not these modules."""
