"""Production settings: ENTREPOT_ENV=production refuses unsafe settings at start-up, and
every response carries the security headers (CSP with a nonce, HSTS over HTTPS, ...)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from entrepot.config.production import production_problems, proxy_ssl_header
from tests import factories
from tests.cli import ENTREPOT, cli_env

SAFE_KEY = "k" * 10 + "V3ry-r4nd0m-but-only-for-this-test-0123456789abcdefgh"
PII = Fernet.generate_key().decode()


def _production_env(tmp_path, **overrides: str | None) -> dict:
    env = cli_env(tmp_path)
    env.update({"ENTREPOT_ENV": "production", "SECRET_KEY": SAFE_KEY, "ENTREPOT_PII_KEYS": PII})
    env.pop("DEBUG", None)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _settings_of(env: dict, *names: str) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='entrepot.config.settings'; "
        "django.setup(); from django.conf import settings; "
        f"print(*[repr(getattr(settings, n)) for n in {list(names)!r}], sep='|')"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"DEBUG": "1"}, "Set DEBUG=0"),
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "django-insecure-abc"}, "SECRET_KEY is too short or a placeholder"),
        ({"ENTREPOT_PII_KEYS": None}, "Set ENTREPOT_PII_KEYS"),
    ],
)
def test_production_refuses_to_serve_with_unsafe_settings_saying_which_variable(
    tmp_path, overrides, variable
):
    env = _production_env(tmp_path, **overrides)
    result = subprocess.run(
        [*ENTREPOT, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "refuses to start with ENTREPOT_ENV=production" in result.stderr
    assert variable in result.stderr


def test_every_problem_is_listed_at_once():
    problems = production_problems(
        debug=True, secret_key_from_env=False, secret_key="generated", pii_keys=[]
    )
    assert [p.split(" ", 1)[0] for p in problems] == ["DEBUG", "SECRET_KEY", "ENTREPOT_PII_KEYS"]
    assert not production_problems(
        debug=False, secret_key_from_env=True, secret_key=SAFE_KEY, pii_keys=[PII]
    )


def test_safe_production_settings_start_with_secure_cookies_and_hsts(tmp_path):
    env = _production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    result = _settings_of(
        env, "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "DEBUG",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "True|True|31536000|('HTTP_X_FORWARDED_PROTO', 'https')|False|False"
    )
    checked = subprocess.run(
        [*ENTREPOT, "manage", "check", "--deploy", "--fail-level", "ERROR"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_the_demo_and_development_need_none_of_it(tmp_path):
    result = _settings_of(
        cli_env(tmp_path), "PRODUCTION", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False|False|0"


def test_the_proxy_header_is_read_in_either_spelling():
    assert proxy_ssl_header("X-Forwarded-Proto: https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("HTTP_X_FORWARDED_PROTO=https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("") is None
    with pytest.raises(SystemExit, match="'Header-Name: value'"):
        proxy_ssl_header("https")


# --- headers --------------------------------------------------------------------------------


def _nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    return re.search(r"'nonce-([^']+)'", policy).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/api/catalog/categories", "/no-such-page/", "/healthz", "/static/entrepot/site.css"],
)
def test_every_response_has_a_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_each_response_has_its_own_nonce_and_inline_scripts_carry_it(client):
    buyer = factories.buyer()
    client.force_login(buyer.user)
    first = client.get("/account/addresses/add/")
    second = client.get("/account/addresses/add/")
    assert first.status_code == 200
    assert _nonce(first) != _nonce(second)
    page = first.content.decode()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert scripts and all(f'nonce="{_nonce(first)}"' in attrs for attrs in scripts)


def test_no_template_has_an_inline_script_without_a_nonce_or_an_inline_handler():
    from pathlib import Path

    import entrepot

    templates = Path(entrepot.__file__).parent / "templates"
    offenders = []
    for template in templates.rglob("*.html"):
        text = template.read_text()
        for attrs in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
            if "csp_nonce" not in attrs and "application/json" not in attrs:
                offenders.append(f"{template.name}: <script{attrs}>")
        if re.search(r"\son[a-z]+=|\sstyle=|javascript:", text):
            offenders.append(f"{template.name}: inline handler or style")
    assert offenders == []


@pytest.mark.django_db
def test_hsts_is_sent_over_https_and_http_is_redirected_when_asked(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in plain
    behind_proxy = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"] == "max-age=3600"
    assert client.get("/healthz").status_code == 200  # health checks stay on plain HTTP


@pytest.mark.django_db
def test_secure_cookies_are_marked_secure(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["secure"] is True
    assert response["X-Frame-Options"] == "DENY"
