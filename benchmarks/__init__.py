"""Benchmarks at the scale of a busy firm: ``python -m benchmarks`` (see README)."""
