"""Sizes and accounts of the demo marketplace (no Django import: the CLI reads it early)."""

DEMO_SIZES = {"sellers": 50, "products": 2000, "buyers": 500, "orders": 5000}
# Seeded accounts share one password; seeded data is for demos and benchmarks only.
DEMO_PASSWORD = "entrepot-demo"
OPERATOR_USERNAME = "operator@example.com"
