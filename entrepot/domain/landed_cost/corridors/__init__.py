"""One module per corridor: a rule-pack dataclass (data) and its `quote` formula."""
