"""Django settings, driven by the environment (see README "Configuration")."""

from __future__ import annotations

import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

from entrepot.config.env import data_dir, env_bool, env_int, secret_key

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "entrepot.config.locale.AreaLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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
