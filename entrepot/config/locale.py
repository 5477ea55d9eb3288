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
