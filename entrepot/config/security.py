"""Security headers and request-size limits on every response.

Content-Security-Policy: scripts, styles, pictures, fonts and form targets from this site
only; no plugins, no framing. An inline `<script>` runs only when it carries the
response's nonce: `<script nonce="{{ request.csp_nonce }}">`. Style attributes are not
allowed (the templates have none), except on the API docs page, whose Swagger UI sets
some. ENTREPOT_CSP replaces the whole policy ("{nonce}" is put in for the nonce).

Request size: a request whose Content-Length is over ENTREPOT_MAX_REQUEST_BYTES (with
file uploads), or over DATA_UPLOAD_MAX_MEMORY_SIZE without them, is answered 413 before
anything reads its body.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI (ninja's /api/docs) sets style attributes from its JavaScript
RELAXED_STYLE_PATHS = ("/api/docs",)


def content_security_policy(request: HttpRequest) -> str:
    policy = getattr(settings, "ENTREPOT_CSP", "") or DEFAULT_POLICY
    if request.path.startswith(RELAXED_STYLE_PATHS):
        policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return policy.replace("{nonce}", request.csp_nonce)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def too_large(request: HttpRequest) -> HttpResponse | None:
    """A 413 answer when the request's body is over its limit, else None."""
    length = _content_length(request)
    if not length:
        return None
    multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
    limit = settings.ENTREPOT_MAX_REQUEST_BYTES
    if not multipart and settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
        limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if length <= limit:
        return None
    language = translation.get_language_from_request(request)
    with translation.override(language):
        message = _(
            "The request is too large: %(size)s were sent, at most %(limit)s are accepted. "
            "Send a smaller file."
        ) % {"size": _human(length), "limit": _human(limit)}
        response = _refusal(request, message, "REQUEST_TOO_LARGE", 413, language)
    response["Connection"] = "close"  # the body was not read
    return response


def _refusal(request, message: str, code: str, status: int, language: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "errors": [{"code": code, "message": message}]}, status=status
        )
    body = render_to_string("413.html", {"message": message, "language": language})
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: form fields over DATA_UPLOAD_MAX_MEMORY_SIZE (found while a multipart
    body is parsed) are 413 with a message, too many fields or files say so; anything else
    is Django's 400 page."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.views.defaults import bad_request as django_bad_request

    language = translation.get_language_from_request(request)
    with translation.override(language):
        if isinstance(exception, RequestDataTooBig):
            limit = _human(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
            message = _(
                "The request is too large: its form fields hold more than %(limit)s. Send "
                "less text, or the file as an upload."
            ) % {"limit": limit}
            return _refusal(request, message, "REQUEST_TOO_LARGE", 413, language)
        if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
            message = _("The request has too many form fields or files.")
            return _refusal(request, message, "TOO_MANY_FIELDS", 400, language)
    return django_bad_request(request, exception)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (with a per-response nonce) and the request-size limit."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = too_large(request) or self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request)
        return response
