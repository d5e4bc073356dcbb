"""Samverkan settings: one file, read from the environment only.

Every variable is listed in README.md. Without any of them the app runs on the
embedded default: SQLite under var/, Celery tasks run eagerly in-process and
e-mails are printed to the console.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_month_day, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "councils",
    "accessibility",
    "sso",
    "files",
    "agreements",
    "pledges",
    "est",
    "followup",
    "attachments",
    "residents",
    "archive",
    "search",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "councils.middleware.LanguageMiddleware",
    "councils.middleware.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after MessageMiddleware: says "saved, the notice will follow" when Redis is down
    "councils.background.QueueFailureMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "councils.middleware.SessionTimeoutMiddleware",
    "councils.middleware.TwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "councils.middleware.NoStoreForAuthenticatedMiddleware",
    # django-axes must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTH_USER_MODEL = "councils.User"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pledges.context_processors.notifications",
                "followup.context_processors.today_badge",
                "pledges.context_processors.review_navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'samverkan.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: no persistent connections, a generous lock timeout.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # PostgreSQL: the values are sent apart from the SQL (server-side binding), so that a
    # query a connection runs again and again (the user, the grants, a lookup by key) is
    # prepared once and not planned anew each time; psycopg prepares a query on its
    # fifth run and keeps the 100 last. Off behind a pooler in transaction mode.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "councils.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes): lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Two-factor authentication (django-otp): the name authenticator apps show for the codes.
OTP_TOTP_ISSUER = "Samverkan"

# --- Security -------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token is sent in hx-headers.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
#: seconds without a request after which a signed-in session ends (SessionTimeoutMiddleware);
#: SESSION_COOKIE_AGE is the absolute lifetime of a login however busy
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload directive alone lists nothing: the domain owner submits it to the browsers.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS >= 31_536_000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# The largest request body at all, files included, by its Content-Length: larger ones
# are refused with 413 before they are read (councils.middleware.RequestLimitsMiddleware).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 5 * 1024 * 1024)
# Attachments (the attachments app): the largest file, and all files of one object
# together. The upload page alone accepts a body of one file plus its form
# (councils.http.accepts_upload).
ATTACHMENT_MAX_FILE_BYTES = env_int("ATTACHMENT_MAX_FILE_BYTES", 20 * 1024 * 1024)
ATTACHMENT_MAX_OBJECT_BYTES = env_int("ATTACHMENT_MAX_OBJECT_BYTES", 100 * 1024 * 1024)

# API: requests a minute per token (0: no limit)
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)

# --- Language and time ----------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", default="sv")
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", default="Europe/Stockholm")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
#: where generated and uploaded files go: "local" (MEDIA_ROOT, one host) or "database"
#: (PostgreSQL, shared by web and worker processes on any number of hosts)
FILE_STORAGE = env_str("FILE_STORAGE", default="local")
_FILE_STORAGES = {
    "local": "django.core.files.storage.FileSystemStorage",
    "database": "files.storage.DatabaseStorage",
}
if FILE_STORAGE not in _FILE_STORAGES:
    raise ImproperlyConfigured(
        f"FILE_STORAGE must be one of {', '.join(_FILE_STORAGES)}, not {FILE_STORAGE!r}"
    )
STORAGES = {
    "default": {"BACKEND": _FILE_STORAGES[FILE_STORAGE]},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail ---------------------------------------------------------------------
# Django 6.1 configures mail through MAILERS. The environment keeps the familiar
# EMAIL_* names; the SMTP options are passed only to the SMTP backend.
_email_backend = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
_smtp_options = {
    "host": env_str("EMAIL_HOST", default="localhost"),
    "port": env_int("EMAIL_PORT", 25),
    "username": env_str("EMAIL_HOST_USER", default=""),
    "password": env_str("EMAIL_HOST_PASSWORD", default=""),
    "use_tls": env_bool("EMAIL_USE_TLS", default=False),
    "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
    "timeout": env_int("EMAIL_TIMEOUT", 30),
}
_mailer_options: dict = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _mailer_options = _smtp_options
elif _email_backend.endswith("filebased.EmailBackend"):
    # Each message is written to a file in this directory (tests, staging).
    _mailer_options = {"file_path": env_str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Samverkan <noreply@samverkan.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
#: Who receives the accessibility feedback (comma-separated); empty: ADMINS, else
#: DEFAULT_FROM_EMAIL (accessibility.feedback.recipients).
ACCESSIBILITY_FEEDBACK_EMAIL = env_list("ACCESSIBILITY_FEEDBACK_EMAIL")
#: The address links in e-mails point at (no trailing slash).
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")

# --- Open data catalogue (DCAT-AP-SE) --------------------------------------------
#: the licence of the open data: "CC0" or "CC-BY-4.0" (pledges.catalogue.LICENCES)
OPEN_DATA_LICENCE = env_str("OPEN_DATA_LICENCE", default="CC0")
if OPEN_DATA_LICENCE not in ("CC0", "CC-BY-4.0"):
    raise ImproperlyConfigured(
        f"OPEN_DATA_LICENCE must be CC0 or CC-BY-4.0, not {OPEN_DATA_LICENCE!r}"
    )
#: who publishes the national dataset and answers questions about the catalogue
OPEN_DATA_PUBLISHER = env_str("OPEN_DATA_PUBLISHER", default="Samverkan")
OPEN_DATA_CONTACT_EMAIL = env_str("OPEN_DATA_CONTACT_EMAIL", default="opendata@samverkan.local")

# --- Celery ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", default="") or None
#: a Redis database number that replaces the one in REDIS_URL (the test suite gives each
#: of its processes its own: scripts/pytest-jobs.sh)
REDIS_DB = env_str("REDIS_DB", default="")
if REDIS_URL and REDIS_DB:
    if not REDIS_DB.isdigit():
        raise ImproperlyConfigured(f"REDIS_DB must be a database number, not {REDIS_DB!r}")
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{int(REDIS_DB)}").geturl()
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis every task runs eagerly, in-process: the embedded default needs nothing else.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = False  # per task: only idempotent tasks set acks_late
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TIMEZONE = TIME_ZONE
#: a report queued or rendering for longer than this (seconds) has stalled (its worker
#: died): it is queued again once, then marked failed. Longer than the task time limit.
REPORT_STALE_AFTER = env_int("REPORT_STALE_AFTER", CELERY_TASK_TIME_LIMIT + 60)
#: seconds before the first retry of a failed e-mail send; each retry waits twice as long
REMINDER_RETRY_BACKOFF = env_int("REMINDER_RETRY_BACKOFF", 30)

# --- Follow-up rules ------------------------------------------------------------
#: a current lägesbild without a next review date needs review once it is older than
#: this many calendar months (counted from its decision, or its period's end if undecided)
LAGESBILD_STALE_MONTHS = env_int("LAGESBILD_STALE_MONTHS", 12)
if LAGESBILD_STALE_MONTHS < 1:
    raise ImproperlyConfigured(
        f"LAGESBILD_STALE_MONTHS must be a whole number of months, 1 or more, "
        f"not {LAGESBILD_STALE_MONTHS}"
    )

# --- Cache ----------------------------------------------------------------------
CACHES = {
    "default": (
        {"BACKEND": "councils.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# With Redis, a signed-in request reads its session from the cache, not the database
# (written through to both; while Redis is down the cache answers as empty and the
# database has every session). Without Redis: the database only (one process or many).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Logging --------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # WeasyPrint and fontTools narrate every step (and every font subset) at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Forms ----------------------------------------------------------------------
FORM_RENDERER = "config.forms.FormRenderer"

# --- Pledges -------------------------------------------------------------------
#: from this day of the year (month, day) a new pledge is proposed for next year
PLEDGE_NEXT_YEAR_FROM = env_month_day("PLEDGE_NEXT_YEAR_FROM", (9, 1))

# EST: incident reports older than this many months are deleted (their counts stay in
# the weekly totals); the map of places is drawn only when a tile server is configured
EST_RETENTION_MONTHS = env_int("EST_RETENTION_MONTHS", 24)
if EST_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured(
        f"EST_RETENTION_MONTHS must be a whole number of months, 1 or more, "
        f"not {EST_RETENTION_MONTHS}"
    )
MAP_TILE_URL = env_str("MAP_TILE_URL", "") or ""
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "") or ""
if MAP_TILE_URL:
    # the map's tiles are the one thing a page loads from another origin
    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    if _tiles.scheme not in ("http", "https") or not _tiles.netloc:
        raise ImproperlyConfigured(f"MAP_TILE_URL must be an http(s) address, not {MAP_TILE_URL}")
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_tiles.scheme}://{_tiles.netloc}"]

# --- Open data sources ----------------------------------------------------------
#: Kolada's API, for `manage.py import_kolada --kpi …` (tests point it at loopback).
KOLADA_BASE_URL = env_str("KOLADA_BASE_URL", default="https://api.kolada.se/v2")

# --- The web server -------------------------------------------------------------
#: gunicorn's sync worker processes (config/gunicorn.conf.py reads the same variable;
#: read here too so that a wrong value fails at start and the table documents it)
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 3)
if WEB_CONCURRENCY < 1:
    raise ImproperlyConfigured(f"WEB_CONCURRENCY must be 1 or more, not {WEB_CONCURRENCY}")

# --- Benchmarks -----------------------------------------------------------------
#: Serve /bench/hello, the benchmark's no-database baseline (only `make bench` sets it).
BENCH_HELLO = env_bool("BENCH_HELLO", default=False)
