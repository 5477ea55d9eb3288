"""Puts the request into the audit context for the time it is served."""

from __future__ import annotations

from entrepot.audit.context import SYSTEM, acting_as


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(SYSTEM, request=request):
            return self.get_response(request)
