"""Reproducible benchmarks (`make bench`): each prints its numbers against a baseline.

`python -m bench` runs the equipment archive benchmark (bench/equipment.py); see README.md."""
