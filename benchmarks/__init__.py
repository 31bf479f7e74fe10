"""Benchmarks: each module runs on its own (`make bench` runs them all) and prints ratios
measured side by side in one run. A package so that mypy and the tests import them by one
name (`benchmarks.rate_limit`)."""
