"""Entrepôt's benchmarks: `entrepot bench` (suite.py) and the single-purpose scripts."""
