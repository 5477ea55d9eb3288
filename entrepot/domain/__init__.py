"""Pure-Python core of Entrepôt: money, exchange rates, trade rules.

Nothing here imports Django (an import-linter contract enforces it), so the
rules can be tested without a database and reused by any front end.
"""
