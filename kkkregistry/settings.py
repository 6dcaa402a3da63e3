"""Settings for the KKK registry.

Every value that differs between a laptop and a server comes from the
environment, read once in the block below. Development defaults are safe:
without DEBUG=1 the registry refuses to start unless SECRET_KEY is set.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment -----------------------------------------------------------
DEBUG = _env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 50_000_000))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 200_000))
# How long a write to SQLite waits for another to finish before failing.
SQLITE_BUSY_TIMEOUT_SECONDS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", 60))
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (nginx, a load balancer).
BEHIND_TLS_PROXY = _env_bool("BEHIND_TLS_PROXY")
# The proxies (addresses or networks) whose X-Forwarded-* headers are believed: gunicorn
# reads the same variable, the login throttle takes the client's address from them.
FORWARDED_ALLOW_IPS = _env_list("FORWARDED_ALLOW_IPS", "127.0.0.1")
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 60 * 60))
# Shared by every process when set (redis://host:6379/0); else each process caches its own.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Public pages are re-rendered after any data change whatever this is; it only bounds
# how long an unchanged page stays in memory. 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", 3600))
# Requests one client address may make to the API per minute (answered 429 beyond).
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", 120))
# The licence the open data (API, downloads, data package, catalogue) are published under.
OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC-BY-4.0")
OPEN_DATA_LICENCE_URL = os.environ.get(
    "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# Who publishes the data, as the DCAT-AP-PL catalogue names the publisher.
OPEN_DATA_PUBLISHER = os.environ.get("OPEN_DATA_PUBLISHER", "Ministerstwo Rozwoju i Technologii")
# The right-hand side of every calendar event's UID: the same whatever host serves the feed.
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "rejestr-kkk")
# ---------------------------------------------------------------------------

if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

if not DATABASE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set, e.g. postgres://kkk:password@localhost:5432/kkk."
        )
    DATABASE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"

INSTALLED_APPS = [
    "kkkregistry.apps.RegistryAdminConfig",  # django.contrib.admin with the registry's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    # Installed for its Polish catalogue: the voivodeship names ("dolnośląskie").
    "localflavor",
    "import_export",
    "simple_history",
    "axes",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI from the registry's own static files: the CSP allows no other origin.
    "drf_spectacular_sidecar",
    # Background imports: django.tasks' database backend and its worker (db_worker).
    "django_tasks_db",
    # Shared by every app below; nothing in them imports the apps.
    "core",
    "transfer",
    # The registry's domain, in the order a whole registry is restored from files.
    "clusters",
    "events",
    "pages",
    # The open-data API over the apps above; nothing imports it.
    "api",
    # The project on top: roles, built-in data; nothing imports it.
    "kkkregistry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "kkkregistry.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may answer: a refused or cached API response needs its CORS header too.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kkkregistry.middleware.AdminLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "kkkregistry.urls"
WSGI_APPLICATION = "kkkregistry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.public_site",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers and an import share one file. In WAL mode readers never
    # wait for a writer (an import's long transaction); a writer queues for the lock up
    # to `timeout` seconds instead of failing "database is locked", and takes it at
    # BEGIN (IMMEDIATE), where the timeout applies: a transaction that read first and
    # then wrote would fail at once when another wrote in between.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Sessions live in the database (Django's default) and nothing is written to local
# disk, so any number of app servers can answer any request; with REDIS_URL they
# also share one cache.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Admin imports run as background tasks in the database, so any app server may queue
# them and `manage.py db_worker` on any machine sharing the database runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Polish first: the public site lives at the root in Polish and under /en/ in English.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
# The admin and the site show dates alike: dd.mm.rrrr in Polish (kkkregistry/formats).
FORMAT_MODULE_PATH = ["kkkregistry.formats"]

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need collectstatic; development serves sources as they are.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# django-countries: events abroad (E-BOOST in Zaragoza) need a country; Poland comes first.
COUNTRIES_FIRST = ["PL"]

# --- Security ----------------------------------------------------------------
# HTTPS only, cookies never over plain HTTP nor readable by scripts, no framing,
# no inline script anywhere (public site and admin alike).
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading is hard to undo (browsers ship the list for months): only when asked for.
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD")
# SQLite ignores an index's included columns: its indexes hold the rowid, the id that
# the cluster list's indexes include for PostgreSQL's index-only scans.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if not SECURE_HSTS_PRELOAD:
    # check --deploy's advice to preload, declined on purpose above.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Staff sessions end after SESSION_COOKIE_AGE (8 hours by default) or with the browser.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# Features no page of the registry uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), usb=(), "
    "screen-wake-lock=(), xr-spatial-tracking=()"
)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures a user name from one
# address is locked out for AXES_COOLOFF_TIME; success resets the count. By name and
# address together: a visitor failing with a staff member's name locks out only
# themselves, never that person logging in from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind the proxy every request comes from the proxy's address.
AXES_CLIENT_IP_CALLABLE = "kkkregistry.security.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kkkregistry.security.locked_out"
AXES_VERBOSE = False

# --- Open-data API (api/) -----------------------------------------------------
# Read-only public data: no sessions or logins are read, so a request costs no query
# for them; throttling counts each client address in the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerAddressThrottle"],
    # The client is REMOTE_ADDR, or behind the TLS proxy the address it forwards: never a
    # X-Forwarded-For a client wrote itself.
    "NUM_PROXIES": 1 if BEHIND_TLS_PROXY else 0,
    "DEFAULT_SCHEMA_CLASS": "api.schema.RegistrySchema",
    "EXCEPTION_HANDLER": "api.errors.json_error_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rejestr Krajowych Klastrów Kluczowych – API / National Key Clusters registry API",
    "DESCRIPTION": (
        "Read-only open data of the registry: clusters, their KKK status on any day, "
        "rounds, awards, events, coordinators and specialisations."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Any site may read the open data from a browser; only the API, only reading.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
