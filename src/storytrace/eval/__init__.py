"""Evaluation against public benchmarks (corpus readers and official measures)."""
