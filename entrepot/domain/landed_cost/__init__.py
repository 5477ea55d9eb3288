"""The landed-cost engine: what a basket costs delivered, duties and import taxes included.

`quote(request, ...)` picks the corridor rule pack for the destination, mode and date
(`policies.select_policy`) and returns a `Quote`. Pure Python: callers hand in the
exchange rates and the positive list as plain values.
"""
