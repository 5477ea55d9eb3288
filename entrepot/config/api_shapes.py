"""Shapes the API's routers share: strict input (unknown fields refused) and the problem
answer every 4xx carries, {"detail": "...", "errors": [{"code", "field", "message"}]}."""

from __future__ import annotations

from ninja import Schema
from ninja.responses import Status
from pydantic import ConfigDict


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ProblemOut(Schema):
    detail: str
    errors: list[dict]


def problem(status: int, code: str, field: str | None, message: str) -> Status:
    """A refusal with one error: what was wrong (`message`), where (`field`), as `code`."""
    return Status(
        status, {"detail": message, "errors": [{"code": code, "field": field, "message": message}]}
    )
