import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from entrepot.translation.machine import (
    FAKE_MARKER,
    FakeTranslator,
    LibreTranslateBackend,
    MachineTranslationError,
    machine_translator,
)


class _LibreTranslate(BaseHTTPRequestHandler):
    """Answers like LibreTranslate; remembers what it was asked."""

    requests: list = []
    api_key = "secret"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, self.headers["Content-Type"], body))
        if body.get("api_key") != self.api_key:
            self._answer(403, {"error": "Invalid API key"})
        else:
            self._answer(200, {"translatedText": "维生素D3软胶囊"})

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def libretranslate():
    _LibreTranslate.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LibreTranslate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_libretranslate_backend_speaks_the_libretranslate_api(libretranslate):
    backend = LibreTranslateBackend(libretranslate + "/", api_key="secret")
    assert backend.translate("Vitamin D3 Softgels") == "维生素D3软胶囊"
    [(path, content_type, body)] = _LibreTranslate.requests
    assert path == "/translate"
    assert content_type == "application/json"
    assert body == {
        "q": "Vitamin D3 Softgels",
        "source": "en",
        "target": "zh",
        "format": "text",
        "api_key": "secret",
    }


def test_a_refusal_by_the_server_says_why(libretranslate):
    backend = LibreTranslateBackend(libretranslate, api_key="wrong")
    with pytest.raises(MachineTranslationError, match=r"HTTP 403.*Invalid API key"):
        backend.translate("Honey")


def test_an_unreachable_server_is_a_clear_error():
    # a port that was free a moment ago: nothing listens there
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = LibreTranslateBackend(f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(MachineTranslationError, match="cannot reach the translation server"):
        backend.translate("Honey")


@pytest.mark.parametrize("url", ["ftp://mt.example.com", "file:///etc/passwd", "mt.example.com"])
def test_urls_other_than_http_and_https_are_refused(url):
    with pytest.raises(MachineTranslationError, match="use the http:// or https://"):
        LibreTranslateBackend(url)


@pytest.mark.django_db
def test_fake_translator_marks_its_output_and_only_substitutes_glossary_terms():
    draft = FakeTranslator().translate("Vitamin D3 softgels")
    assert draft.startswith(FAKE_MARKER)
    assert draft == "[机器翻译草稿] 维生素 D3 softgels"


def test_machine_translator_follows_the_settings(settings):
    settings.ENTREPOT_MT_URL = "http://127.0.0.1:5000"
    settings.ENTREPOT_MT_API_KEY = "k"
    backend = machine_translator()
    assert isinstance(backend, LibreTranslateBackend)
    assert (backend.url, backend.api_key) == ("http://127.0.0.1:5000", "k")
    settings.ENTREPOT_MT_URL = ""
    settings.ENTREPOT_MT_FAKE = True
    assert isinstance(machine_translator(), FakeTranslator)
    settings.ENTREPOT_MT_FAKE = False
    assert machine_translator() is None
