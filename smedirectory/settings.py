"""Settings for smedirectory, read from the environment with local defaults.

Every variable is listed in the README's settings table.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off.")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret_key():
    """Return a random key kept in VAR_DIR, so a local install needs no configuration."""
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    try:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(key)
        return key
    except FileExistsError:
        return path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Set DJANGO_SECRET_KEY: no key is configured and {path} cannot be written ({exc})."
        ) from exc


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or local_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes first.
    "modeltranslation",
    "enterprises.apps.DirectoryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "import_export",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "enterprises.apps.SignInSecurityConfig",
    "enterprises",
    "corrections",
    "api",
    "releases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "enterprises.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS on /api/ only: a preflight is answered here, before limits and sessions.
    "corsheaders.middleware.CorsMiddleware",
    "api.limits.ApiRateLimitMiddleware",
    "enterprises.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "enterprises.i18n.RememberedLanguageMiddleware",
    # Public pages read only their own query parameters, in a canonical form.
    "enterprises.middleware.CanonicalQueryMiddleware",
    # Cached pages for visitors without a session, once the language is known; a cached
    # page keeps the headers (CSP, frame options...) the inner middleware gave it.
    "enterprises.caching.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "enterprises.sessions.SessionTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes asks to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smedirectory.urls"
WSGI_APPLICATION = "smedirectory.wsgi.application"

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
                "enterprises.context_processors.languages",
            ],
        },
    },
]

# Database: SQLite file under the project unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE transactions and a busy
    # timeout make concurrent writers wait instead of failing with "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else DATABASES["default"]["CONN_MAX_AGE"]
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "smedirectory",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "smedirectory",
            # Pages of about 30 KB: at most some 60 MB per process.
            "OPTIONS": {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 4},
        }
    }

# Pages for anonymous visitors, facet counts and figures cached under the content version
# (see enterprises.caching); 0 turns it off, e.g. to measure the uncached cost.
DIRECTORY_CACHE = env_bool("DJANGO_DIRECTORY_CACHE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in defences (see enterprises.signin): a throttle per client address before any
# password is checked, then lockouts by address and by username.
SIGN_IN_ATTEMPTS_PER_MINUTE = int(os.environ.get("DJANGO_SIGN_IN_ATTEMPTS_PER_MINUTE", "10"))
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_HANDLER = "enterprises.signin.DirectoryAxesHandler"
# Attempts are stored and cleared per username and address; the handler counts them by
# address and by username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A client that is locked out adds no rows while it keeps trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "enterprises.clients.client_ip"
AXES_USERNAME_CALLABLE = "enterprises.signin.attempted_username"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

# Corrections from readers (see corrections.limits): how many one client address may send
# an hour, and how many the site stores an hour from everyone together.
CORRECTIONS_PER_CLIENT_PER_HOUR = int(
    os.environ.get("DJANGO_CORRECTIONS_PER_CLIENT_PER_HOUR", "5")
)
CORRECTIONS_PER_HOUR = int(os.environ.get("DJANGO_CORRECTIONS_PER_HOUR", "200"))

# Downloads of lists (see enterprises.downloads.limits): how many one client address may run
# at once, and start an hour.
DOWNLOADS_PER_CLIENT_AT_ONCE = int(os.environ.get("DJANGO_DOWNLOADS_PER_CLIENT_AT_ONCE", "2"))
DOWNLOADS_PER_CLIENT_PER_HOUR = int(os.environ.get("DJANGO_DOWNLOADS_PER_CLIENT_PER_HOUR", "30"))

# Reverse proxies whose client-address header is believed (addresses or networks), and
# that header; without a trusted proxy the address of the connection is the client's.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", [])
CLIENT_IP_HEADER = "HTTP_" + os.environ.get(
    "DJANGO_CLIENT_IP_HEADER", "X-Forwarded-For"
).upper().replace("-", "_")

# The read-only API (api/): anonymous reads, JSON only (no browsable pages needing scripts
# under the CSP), errors as {"errors": {...}}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "api.schema.DirectorySchema",
    "EXCEPTION_HANDLER": "api.errors.handler",
    "UNAUTHENTICATED_USER": None,
}
# Requests a minute one client address may make to the API (see api.limits); 0: no limit.
API_REQUESTS_PER_MINUTE = int(os.environ.get("DJANGO_API_REQUESTS_PER_MINUTE", "120"))
# Any site may read the API from a browser (it is public and takes no credentials); no
# other path answers cross-origin requests.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Headers a cross-origin script may send: what conditional and language-aware reads use.
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Content-Language"]
SPECTACULAR_SETTINGS = {
    "TITLE": "China Specialized SME Directory API",
    "DESCRIPTION": "Read-only access to the published directory, in Chinese and English.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs' Swagger UI from drf-spectacular-sidecar's vendored files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_common_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TierEnum": "enterprises.models.enterprise.Tier",
        "SizeEnum": "enterprises.models.enterprise.Size",
        "RecognitionTierEnum": "enterprises.models.recognition.RECOGNITION_TIERS",
        "RecognitionStageEnum": "enterprises.models.recognition.Stage",
        "PolicyStageEnum": "api.schema.POLICY_STAGES",
    },
}

# Internationalisation: 简体中文 by default at unprefixed URLs, English under /en/.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["smedirectory.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("zh-hans", "en"), "zh-hans": ("en",)}
_LANGUAGE_LABELS = {"zh-hans": _("Chinese"), "en": _("English")}
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda verbose_name, lang: format_lazy(  # noqa: E731
    "{} ({})", verbose_name, _LANGUAGE_LABELS[lang]
)

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the root of the site (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded images are served by Django itself unless a web server in front does it
# (set DJANGO_SERVE_MEDIA=0 there). Stored names are random, and only cleaned images are kept.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)
# Data releases (publish_release): written here, served by the /data/ pages. Any Django
# storage will do (django-storages for object storage); a local one gets each release by a
# single rename.
RELEASES_ROOT = Path(os.environ.get("DJANGO_RELEASES_ROOT", VAR_DIR / "releases"))
RELEASE_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "releases": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": RELEASES_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Security. HTTPS is assumed in production; a local production-mode run turns it off
# with DJANGO_SECURE_SSL_REDIRECT=0, which also drops the HTTPS-only cookie flags.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000" if SECURE_SSL_REDIRECT else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff sessions end 12 hours after signing in, or after 30 minutes without a request
# (see enterprises.sessions).
SESSION_MAX_AGE = int(os.environ.get("DJANGO_SESSION_MAX_AGE", str(12 * 3600)))
SESSION_IDLE_TIMEOUT = int(os.environ.get("DJANGO_SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_COOKIE_AGE = SESSION_MAX_AGE

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every sign-in at INFO; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

SITE_NAME = _("China Specialized SME Directory")

# Change history: who changed what, when and why (the reason may be longer than a line).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = False

# Imports are all-or-nothing and validated as the admin validates; the formats of
# enterprises.formats keep spreadsheet formulas from running (and round trips exact).
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# modeltranslation's admin tabs use jQuery UI: the vendored copy, never a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
