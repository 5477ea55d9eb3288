"""Machine translation backends: pre-fill drafts that a person reviews, nothing more.

No offline English -> Chinese model ships as a package, so real machine translation
is an HTTP service the operator runs or rents: anything speaking the LibreTranslate
API. Without one, the FakeTranslator sandbox keeps demos and tests working offline.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Protocol

from django.conf import settings

from entrepot.translation.glossary import glossary_matches

FAKE_MARKER = "[机器翻译草稿]"
# a translated listing text is a few kilobytes; more is not a LibreTranslate answer
MAX_RESPONSE_BYTES = 1024 * 1024
# LibreTranslate language codes for ours
_LIBRE_LANGUAGES = {"en": "en", "zh-Hans": "zh", "zh-hans": "zh", "zh": "zh"}


class MachineTranslationError(Exception):
    """The MT backend is misconfigured, unreachable or refused; the message says which."""


class MachineTranslator(Protocol):
    def translate(self, text: str, *, source: str = "en", target: str = "zh-Hans") -> str: ...


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as GET (or to another scheme): refuse it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise MachineTranslationError(
            f"the translation server at {req.full_url} redirects to {newurl}: "
            "set ENTREPOT_MT_URL to the address it redirects to"
        )


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise MachineTranslationError(
            f"machine translation URL {url!r} is not allowed: use the http:// or https:// "
            "address of a LibreTranslate server, such as http://127.0.0.1:5000"
        )
    return url.rstrip("/")


def _language(code: str) -> str:
    try:
        return _LIBRE_LANGUAGES[code]
    except KeyError:
        raise MachineTranslationError(
            f"language {code!r} is not supported: use one of {', '.join(_LIBRE_LANGUAGES)}"
        ) from None


class LibreTranslateBackend:
    """POST {url}/translate of the LibreTranslate API (https://libretranslate.com/docs)."""

    def __init__(self, url: str, api_key: str = "", timeout: float = 10) -> None:
        self.url = _check_url(url)
        self.api_key = api_key
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects)

    def translate(self, text: str, *, source: str = "en", target: str = "zh-Hans") -> str:
        if not text.strip():
            return ""
        endpoint = f"{self.url}/translate"
        body = {
            "q": text,
            "source": _language(source),
            "target": _language(target),
            "format": "text",
            "api_key": self.api_key,
        }
        request = urllib.request.Request(
            endpoint,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "User-Agent": "entrepot-mt/1"},
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise MachineTranslationError(
                f"the translation server at {endpoint} refused the request "
                f"(HTTP {exc.code}): {_error_detail(exc)}"
            ) from exc
        except TimeoutError as exc:
            raise MachineTranslationError(
                f"the translation server at {endpoint} did not answer within {self.timeout:g} s"
            ) from exc
        except urllib.error.URLError as exc:
            raise MachineTranslationError(
                f"cannot reach the translation server at {endpoint}: {exc.reason} "
                "(is it running, and is ENTREPOT_MT_URL right?)"
            ) from exc
        except OSError as exc:
            raise MachineTranslationError(
                f"the connection to the translation server at {endpoint} failed: {exc}"
            ) from exc
        if len(raw) > MAX_RESPONSE_BYTES:
            raise MachineTranslationError(
                f"the translation server at {endpoint} sent more than "
                f"{MAX_RESPONSE_BYTES // 1024} KB: that is not a LibreTranslate answer"
            )
        try:
            translated = json.loads(raw)["translatedText"]
        except (ValueError, KeyError, TypeError) as exc:
            raise MachineTranslationError(
                f"the translation server at {endpoint} did not answer like LibreTranslate "
                f'(expected JSON with "translatedText"): {raw[:200]!r}'
            ) from exc
        if not isinstance(translated, str):
            raise MachineTranslationError(
                f'the translation server at {endpoint} sent a "translatedText" that is not text'
            )
        return translated


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """LibreTranslate explains refusals as {"error": "..."}; otherwise the status text."""
    try:
        detail = json.loads(exc.read(64 * 1024)).get("error")
    except (ValueError, AttributeError, OSError):
        detail = None
    return str(detail) if detail else str(exc.reason)


class FakeTranslator:
    """An offline SANDBOX. It does NOT translate.

    It returns the English text with the glossary terms it finds (the operator's, then
    CC-CEDICT's) replaced by their Chinese, prefixed with "[机器翻译草稿]" ("machine
    translation draft"), e.g. "[机器翻译草稿] 维生素 D3 2000 IU Softgels". That lets demos
    and tests run the whole draft-and-review workflow without a network or a
    translation server, while nobody can mistake the result for Chinese copy: the
    review page refuses to save text that still carries the marker.
    """

    marker = FAKE_MARKER

    def translate(self, text: str, *, source: str = "en", target: str = "zh-Hans") -> str:
        _language(source)
        _language(target)
        if not text.strip():
            return ""
        normalized, matches = glossary_matches(text)
        pieces: list[str] = []
        position = 0
        for match in sorted(matches, key=lambda m: m.start):
            pieces += [normalized[position : match.start], match.term.zh]
            position = match.end
        pieces.append(normalized[position:])
        return f"{FAKE_MARKER} {''.join(pieces).strip()}"


def machine_translator() -> MachineTranslator | None:
    """The configured backend: LibreTranslate if ENTREPOT_MT_URL, else the sandbox if
    ENTREPOT_MT_FAKE, else None (drafts then come from the translation memory only)."""
    url = getattr(settings, "ENTREPOT_MT_URL", "")
    if url:
        return LibreTranslateBackend(url, api_key=getattr(settings, "ENTREPOT_MT_API_KEY", ""))
    if getattr(settings, "ENTREPOT_MT_FAKE", True):
        return FakeTranslator()
    return None
