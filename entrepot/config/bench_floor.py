"""The benchmark suite's floor: a minimal view returning a fixed small page.

`entrepot bench` measures every storefront path as a fraction of this page's requests
per second, served by the same gunicorn, settings and middleware: what the framework
itself costs (WSGI, the middleware stack, URL resolution, a response), with no
database, template or cache. It exists only when ENTREPOT_BENCH_FLOOR is on (the suite
sets it for the server it starts); in production the URL is not routed at all.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from entrepot.config.env import env_bool

FLOOR_PATH = "bench/floor"
PAGE = (
    b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>floor</title></head><body><p>The benchmark floor: a fixed page.</p>"
    b"</body></html>\n"
)


@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


def floor_urls() -> list[URLPattern]:
    """The floor's URL when ENTREPOT_BENCH_FLOOR is on, else nothing."""
    if not env_bool("ENTREPOT_BENCH_FLOOR", False):
        return []
    return [path(FLOOR_PATH, floor, name="bench_floor")]
