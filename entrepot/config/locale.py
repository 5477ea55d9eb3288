"""Pick the interface language per area of the site.

Buyers get Simplified Chinese first; sellers and operators get English first. A
language the person chose (Django's language cookie, set by the switch in every
page header) always wins. The browser's Accept-Language is deliberately not used:
a buyer in Hangzhou on an English-language phone still lands on the Chinese shop,
and the switch is one click away.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_for(path: str, cookie_value: str | None) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    if cookie_value in supported:
        return cookie_value
    if path.startswith(settings.ENTREPOT_ENGLISH_FIRST_PATHS):
        return "en"
    return settings.LANGUAGE_CODE


class AreaLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(
            request.path_info, request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        )
        # override, not activate: the thread's previous language comes back afterwards,
        # so nothing of this request's language leaks into other work on the thread
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def language_switch(request, code: str):
    """GET /i18n/switch/<code>/?next=/p/42/ — remember the chosen language in Django's
    language cookie and go back. A link, not a form: the page header then carries no
    CSRF token, so anonymous pages can be cached publicly. The worst a forged link can do
    is switch someone's language, which the same link switches back."""
    from django.http import HttpResponseNotFound, HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    supported = {c for c, _name in settings.LANGUAGES}
    if code not in supported:
        return HttpResponseNotFound(f"unknown language {code!r}; choose one of {sorted(supported)}")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response
