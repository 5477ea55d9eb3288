"""Serving uploaded media (product pictures) from the default storage.

Picture names carry a content hash (entrepot.catalog.images), so a response may be
cached by browsers and proxies for a year without ever going stale.
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

IMMUTABLE = "public, max-age=31536000, immutable"
# Only pictures are shown inline; anything else that lands in the media root (an HTML or
# SVG file would run script on this site's origin) is offered as a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"})


@require_safe
def media(request: HttpRequest, path: str) -> FileResponse:
    name = _safe_name(path)
    try:
        file = default_storage.open(name, "rb")
    except (SuspiciousFileOperation, OSError):
        # missing, a directory, or outside the media root: all look the same from outside
        raise Http404("no such file") from None
    content_type, _encoding = mimetypes.guess_type(name)
    content_type = content_type or "application/octet-stream"
    response = FileResponse(
        file,
        content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        filename=posixpath.basename(name),
    )
    response["Cache-Control"] = IMMUTABLE
    return response


def _safe_name(path: str) -> str:
    """`path` as a storage name, or 404 for anything that could leave the media root."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise Http404("no such file")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise Http404("no such file")
    return path
