"""Django settings, driven by the environment (see README "Configuration")."""

from __future__ import annotations

import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

from entrepot.config.env import data_dir, env_bool, env_int, secret_key
from entrepot.config.production import proxy_ssl_header

DATA_DIR = data_dir()
BASE_DIR = DATA_DIR.parent
PACKAGE_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "entrepot.sellers",
    "entrepot.catalog",
    "entrepot.pricing",
    "entrepot.buyers",
    "entrepot.orders",
    "entrepot.logistics",
    "entrepot.customs",
    "entrepot.payments",
    "entrepot.ledger",
    "entrepot.catalogimport",
    "entrepot.translation",
    "entrepot.sellerapi",
    "entrepot.analytics",
    "entrepot.search",
    "entrepot.storefront",
    "entrepot.sellercentral",
    "entrepot.backoffice",
    "entrepot.audit",
    "entrepot.reviews",
    "entrepot.aftersales",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "entrepot.config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "entrepot.config.locale.AreaLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "entrepot.audit.middleware.AuditContextMiddleware",
    "entrepot.config.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "entrepot.config.urls"
WSGI_APPLICATION = "entrepot.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "entrepot.config.context_processors.account_roles",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------
# The embedded default is SQLite in WAL mode under ENTREPOT_DATA_DIR. IMMEDIATE
# transactions take the write lock at BEGIN, so two writers queue on busy_timeout
# instead of failing half-way with "database is locked".
SQLITE_PATH = DATA_DIR / "entrepot.sqlite3"
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-32000;"
        "PRAGMA mmap_size=268435456;"
        "PRAGMA temp_store=MEMORY;"
    ),
}

# Django's SQLite backend whose write transactions queue on a file lock (see its module)
SQLITE_ENGINE = "entrepot.config.sqlite_queue"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": SQLITE_PATH,
            "OPTIONS": dict(SQLITE_OPTIONS),
            "TEST": {"NAME": DATA_DIR / "test-entrepot.sqlite3"},
            # keep connections: opening one runs six PRAGMAs, and closing the last one
            # checkpoints and deletes the WAL file, on every request otherwise
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }

# A PostgreSQL streaming replica of DATABASE_URL: the reads of selectors marked
# replica-safe go there, everything else and every write to the primary (see
# entrepot.config.db_router and docs/scaling.md).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary's copy
    DATABASE_ROUTERS = ["entrepot.config.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(0, "entrepot.config.db_router.PrimaryPinMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "entrepot",
        }
    }
else:
    # Django's default of 300 entries per process is smaller than the storefront's working
    # set (a product page's body fragment and its whole public page, per product): at 300
    # the hot product pages were evicted and re-rendered (benchmarks/storefront_http.py)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("ENTREPOT_CACHE_ENTRIES", 20_000)},
        }
    }

# --- background work ----------------------------------------------------------------
# huey runs the periodic jobs (the daily ECB rate refresh) in `entrepot worker`
# processes. Tasks are enqueued only from services, via transaction.on_commit, so a
# worker never reads rows of a transaction that has not committed (or rolls back).
# Embedded default: a SQLite queue next to the database; with REDIS_URL, Redis, which
# workers on several hosts can share. ENTREPOT_HUEY_IMMEDIATE runs tasks inline, in
# memory, without a worker (handy for debugging; periodic tasks then never run).
HUEY_IMMEDIATE = env_bool("ENTREPOT_HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "name": "entrepot",
        "huey_class": "huey.RedisHuey",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "name": "entrepot",
        "huey_class": "huey.SqliteHuey",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

# --- auth ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# sessions are read on every request and written rarely: serve them from the cache
# (with REDIS_URL: from Redis, shared by every web process and host; the database row
# written at login keeps them through a cache flush)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# flash messages travel in a signed cookie: "Added to your cart" must not write a row
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
AUTHENTICATION_BACKENDS = ["entrepot.buyers.backends.PhoneOrEmailBackend"]  # phone or e-mail
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "storefront:home"
LOGOUT_REDIRECT_URL = "storefront:home"

# --- i18n ---------------------------------------------------------------------------
# Buyers see Chinese first; seller central and the back office default to English
# (entrepot.config.locale decides per area; a chosen language cookie always wins).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
ENTREPOT_ENGLISH_FIRST_PATHS = ("/seller/", "/backoffice/", "/api/v1/seller/")

# --- static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# `entrepot serve` and `entrepot demo` collect static files with a manifest so that
# file names carry a content hash and can be cached for a year; tests and `manage
# runserver` serve them straight from the apps.
STATIC_MANIFEST = env_bool("ENTREPOT_STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# --- security -----------------------------------------------------------------------
# ENTREPOT_ENV=production turns on the startup checks at the end of this file (no DEBUG,
# a SECRET_KEY and ENTREPOT_PII_KEYS from the environment) and secure defaults: secure
# cookies and HSTS. `entrepot demo`, tests and development leave it unset.
ENTREPOT_ENV = os.environ.get("ENTREPOT_ENV", "development").strip().lower()
PRODUCTION = ENTREPOT_ENV == "production"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HSTS is sent on HTTPS responses only; a year by default in production
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
# (only if the proxy always sets or strips that header), then SECURE_SSL_REDIRECT=1
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy on every response (entrepot.config.security); inline scripts
# run only with the response's nonce. ENTREPOT_CSP replaces the whole policy.
ENTREPOT_CSP = os.environ.get("ENTREPOT_CSP", "")
# the request header a trusted proxy puts the client's address in, e.g. HTTP_X_REAL_IP
# (rate limits count per address); empty: REMOTE_ADDR
ENTREPOT_CLIENT_IP_HEADER = os.environ.get("ENTREPOT_CLIENT_IP_HEADER", "")

# request bodies: form fields at most 2.5 MB (Django's default), a whole request (with
# uploads) at most 25 MB; bigger ones get 413 before anything reads them
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
ENTREPOT_MAX_REQUEST_BYTES = env_int("ENTREPOT_MAX_REQUEST_BYTES", 25 * 1024 * 1024)

# abuse limits (entrepot.config.ratelimit): "COUNT/SECONDS" per account, and *_ip per
# client address; each from ENTREPOT_RATE_<NAME> (e.g. ENTREPOT_RATE_LOGIN_IP=30/300),
# "off" switches one off. lockout: failed logins before an account (address) is blocked
# for the window.
_RATE_DEFAULTS = {
    "login_ip": "30/300",
    "lockout": "5/900",
    "lockout_ip": "20/900",
    "identity": "10/3600",
    "identity_ip": "30/3600",
    "checkout": "10/60",
    "checkout_ip": "30/60",
    "api": "600/60",
    "api_ip": "300/60",
}
ENTREPOT_RATE_LIMITS = {
    name: os.environ.get(f"ENTREPOT_RATE_{name.upper()}", default)
    for name, default in _RATE_DEFAULTS.items()
}

# --- sensitive personal information (PIPL) ------------------------------------------
# Buyers' resident ID numbers are encrypted by the application (entrepot.buyers.vault).
# ENTREPOT_PII_KEYS: comma-separated Fernet keys, newest first; the newest encrypts, all
# decrypt until `entrepot manage rotate_pii_keys` has moved every row to the newest.
# Unset: one key generated into DATA_DIR/pii_keys, with a warning (demo only).
# ENTREPOT_PII_INDEX_KEY: key of the blind index that finds duplicate ID numbers; unset,
# it is derived from SECRET_KEY.
ENTREPOT_PII_KEYS = [
    k.strip() for k in os.environ.get("ENTREPOT_PII_KEYS", "").split(",") if k.strip()
]
ENTREPOT_PII_INDEX_KEY = os.environ.get("ENTREPOT_PII_INDEX_KEY", "")

# --- marketplace --------------------------------------------------------------------
ENTREPOT_PAGE_SIZE = env_int("ENTREPOT_PAGE_SIZE", 24)
ENTREPOT_DISPLAY_CURRENCY = "CNY"
# prices, FX rates and taxes of a checkout are locked, and its stock reserved, this long
ENTREPOT_QUOTE_MINUTES = env_int("ENTREPOT_QUOTE_MINUTES", 15)
# escrow is released this many days after delivery unless the buyer confirms earlier
# (UNCONFIRMED marketplace practice; configurable)
ENTREPOT_AUTO_CONFIRM_DAYS = env_int("ENTREPOT_AUTO_CONFIRM_DAYS", 14)
# Where `entrepot rates refresh` and the daily task fetch ECB rates, e.g.
# https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml; empty: no refresh
# (the bundled rates, or whatever `entrepot rates import` loaded, stay in use).
ENTREPOT_FX_REFRESH_URL = os.environ.get("ENTREPOT_FX_REFRESH_URL", "")

# --- machine translation ------------------------------------------------------------
# Seller or translator text is the truth; MT only pre-fills drafts that a person
# reviews (entrepot.translation). ENTREPOT_MT_URL: a LibreTranslate-compatible server,
# e.g. http://127.0.0.1:5000 (ENTREPOT_MT_API_KEY if it asks for one). Without it,
# ENTREPOT_MT_FAKE (off by default; `entrepot demo` turns it on) uses an offline
# sandbox that does NOT translate: it marks glossary-substituted English as a draft,
# so demos and tests work without network. Production leaves it off: untranslated
# text stays empty until someone reviews it.
ENTREPOT_MT_URL = os.environ.get("ENTREPOT_MT_URL", "")
ENTREPOT_MT_API_KEY = os.environ.get("ENTREPOT_MT_API_KEY", "")
ENTREPOT_MT_FAKE = env_bool("ENTREPOT_MT_FAKE", False)

# --- payments -----------------------------------------------------------------------
# Buyers pay in CNY through a cross-border wallet (entrepot.payments). Only the SANDBOX
# wallet works so far: a page of this app where the payer presses Pay or Cancel, and no
# real money moves. It signs its notifications (HMAC-SHA256) with
# ENTREPOT_PAYMENT_SANDBOX_SECRET, else with a key generated once into
# DATA_DIR/payment_sandbox_secret (web and worker hosts that do not share DATA_DIR need
# the variable). The worker posts them to ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL, by
# default the address the payer's Pay request came to, and retries with exponential
# back-off, ENTREPOT_PAYMENT_SANDBOX_MAX_ATTEMPTS attempts in all.
# ENTREPOT_PAYMENT_SANDBOX_CHAOS sends each notification twice, sometimes out of order.
ENTREPOT_PAYMENT_SANDBOX_SECRET = os.environ.get("ENTREPOT_PAYMENT_SANDBOX_SECRET", "")
ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL = os.environ.get("ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL", "")
ENTREPOT_PAYMENT_SANDBOX_MAX_ATTEMPTS = env_int("ENTREPOT_PAYMENT_SANDBOX_MAX_ATTEMPTS", 8)
ENTREPOT_PAYMENT_SANDBOX_CHAOS = env_bool("ENTREPOT_PAYMENT_SANDBOX_CHAOS", False)
# how the sandbox sends: "" = HTTP; a dotted path to a callable(url, body, headers) ->
# status (tests deliver through Django's test client)
ENTREPOT_PAYMENT_SANDBOX_TRANSPORT = ""
# dotted path of handler(*, payment), run once per payment in the transaction that marks
# it succeeded (the orders side marks orders paid with it); "" = none
ENTREPOT_PAYMENT_SUCCEEDED_HANDLER = "entrepot.orders.payment_flow.checkout_paid"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # no resident ID number reaches a log in clear (PIPL): the filter masks them
    "filters": {"redact_resident_ids": {"()": "entrepot.buyers.logfilter.RedactResidentIds"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_resident_ids"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # `entrepot worker` says what it runs; configured here, huey's consumer adds no
    # handler of its own, so each line is logged once.
    "loggers": {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# --- production start-up checks -----------------------------------------------------
if PRODUCTION:
    from entrepot.config.production import refuse_unsafe_production

    refuse_unsafe_production(
        debug=DEBUG,
        secret_key_from_env=bool(os.environ.get("SECRET_KEY")),
        secret_key=SECRET_KEY,
        pii_keys=ENTREPOT_PII_KEYS,
    )
