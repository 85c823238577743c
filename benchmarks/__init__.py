"""Benchmarks: a generator of synthetic blueprints (generate.py) and a runner (run.py)."""
