"""Settings shared by every environment; values come from the environment with development defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("EOM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.MissionAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "simple_history",
    "axes",
    "jobs",
    "missions",
    "observers",
    "checklists",
    "submissions",
    "observe",
    "tallies",
    "deployment",
    "reports",
    "results",
    "incidents",
    "cockpit",
    "synthetic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SessionTagMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'eom.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (web, worker, beat) share the file: wait for locks instead of failing.
    # Write-ahead logging lets the web pages read while the worker writes a compilation's progress.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The statements every request of a hot path runs (session, user, ingest) are prepared on the connection by
    # config.queries.statement_cursor; psycopg needs a threshold to prepare anything, and this one it never reaches by
    # itself, so nothing else is prepared. A transaction-pooling PgBouncer in front needs max_prepared_statements.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes refuses a locked-out login first; config.auth_backends signs users in and reads the signed-in user's row with a
# query compiled once. Django's ModelBackend stays last only for sessions it signed in before (a session names its
# backend); the one above ends a failed attempt, so a wrong password is never checked twice.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "config.auth_backends.PreparedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# Everyone lands on the home of their role: the cockpit, the published reports or the observers' pages.
LOGIN_REDIRECT_URL = "cockpit:landing"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(12 * 3600)))
# Django's database sessions, their look-up compiled once (config/sessions.py): a session ended in the database ends
# at once; a cached or signed-cookie session would outlive a logout or a deactivated account on other workers.
SESSION_ENGINE = "config.sessions"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# ISO dates and 24-hour times in every language (config/formats); Django's defaults for "en" are US-style.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Spreadsheet imports: refuse anything larger before parsing it.
IMPORT_MAX_BYTES = int(os.environ.get("EOM_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery. With REDIS_URL set, Redis is the broker (production). Unset, the embedded default: kombu's filesystem
# transport, one file per message under var/broker/, which needs no server; `make run` starts a real worker and beat
# on it next to the web server. Either way compilation and planning run on the worker and the request returns at once.
REDIS_URL = os.environ.get("REDIS_URL", "")
BROKER_DIR = Path(os.environ.get("EOM_BROKER_DIR", VAR_DIR / "broker"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Visibility timeout above the longest hard time limit, so acks_late tasks are not redelivered early.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://localhost//"
    for folder in ("messages", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    # Producers write where consumers read: one folder for both. The filesystem transport has no visibility timeout
    # (a message taken by a worker that dies is gone): the job rows' watchdog sends such jobs again (jobs/lifecycle.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "messages"),
        "data_folder_out": str(BROKER_DIR / "messages"),
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.5,
    }
CELERY_RESULT_BACKEND = None
# In-process tasks only when asked (tests; or EOM_TASKS_IN_PROCESS=1 to serve without a worker, requests then wait).
CELERY_TASK_ALWAYS_EAGER = env_bool("EOM_TASKS_IN_PROCESS", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Queues by workload: long compilations never hold up planning or an import of a large file, and the watchdog's
# quick passes wait for none of them. A worker serves all four by default
# (`celery -A config worker -Q default,reports,planning,imports`); a busy deployment gives each queue workers of its
# own.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "reports.compile": {"queue": "reports"},
    "deployment.*": {"queue": "planning"},
    "missions.import_stations": {"queue": "imports"},
    "observers.import_roster": {"queue": "imports"},
    "results.import_results": {"queue": "imports"},
}
WORKER_QUEUES = ("default", "reports", "planning", "imports")
# Periodic tasks, run by `celery -A config beat`; each app's entries are declared here, never registered on import.
INCIDENT_DIGEST_HOURS = float(os.environ.get("EOM_INCIDENT_DIGEST_HOURS", "6"))
CELERY_BEAT_SCHEDULE = {
    # The watchdog of every kind of background job (jobs/lifecycle.py).
    "jobs-watchdog": {"task": "jobs.watchdog", "schedule": 300.0},
    # Election-day compilation (REPORTS_AUTOCOMPILE_MINUTES; does nothing while it is 0).
    "reports-autocompile": {"task": "reports.autocompile", "schedule": 300.0},
    # The core team's digest of open incident cases (also opens a case for any urgent form that lacks one).
    "incidents-digest": {"task": "incidents.digest", "schedule": INCIDENT_DIGEST_HOURS * 3600},
    # Running tallies: fold the events ingest appends into hourly counts (tallies/models.py).
    "tallies-roll-up": {
        "task": "tallies.roll_up",
        "schedule": float(os.environ.get("EOM_TALLIES_ROLLUP_SECONDS", "60")),
    },
}
# Events folded per transaction by the roll-up.
TALLIES_ROLLUP_BATCH = int(os.environ.get("EOM_TALLIES_ROLLUP_BATCH", "2000"))
# How a compilation reads the folded hours before its cut-off (tallies.selectors): "auto" (whichever reads fewer
# rows), "hours" (the hourly counts) or "totals" (the totals less the hours from the cut-off's on). Tests force each.
TALLIES_READ_PATH = os.environ.get("EOM_TALLIES_READ_PATH", "auto")
# How a compilation counts the answers: "tallies" (the running tallies) or "recount" (every answer row, the verifier).
REPORTS_COUNT_ANSWERS = os.environ.get("EOM_REPORTS_COUNT_ANSWERS", "tallies")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Long work: report compilation's own time limits (seconds); the watchdog waits the hard limit plus a minute.
REPORTS_COMPILE_TIME_LIMIT = int(os.environ.get("EOM_REPORTS_COMPILE_TIME_LIMIT", "900"))
REPORTS_COMPILE_SOFT_TIME_LIMIT = REPORTS_COMPILE_TIME_LIMIT - 60
# On election day, compile each mission's statistics every N minutes (0: only on request).
REPORTS_AUTOCOMPILE_MINUTES = int(os.environ.get("EOM_REPORTS_AUTOCOMPILE_MINUTES", "0"))
# PostgreSQL's work_mem (megabytes) for one compilation: its few large aggregates then hash in memory instead of
# sorting on disk (reports/compile/ sets it for the compilation's own statements only).
REPORTS_WORK_MEM_MB = int(os.environ.get("EOM_REPORTS_WORK_MEM_MB", "64"))
# Seconds a compilation's first attempt waits before it starts: always 0 in use; the test settings raise it so a
# test can kill a worker mid-compilation and see the job taken over.
REPORTS_COMPILE_DELAY = 0.0

# E-mail: SMTP when EMAIL_HOST is set (production); otherwise printed on the console (the embedded default).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "mission@localhost")
# The site's address as users reach it, for links in e-mails, e.g. https://mission.example.org
EOM_SITE_URL = os.environ.get("EOM_SITE_URL", "")

# The mission map: a tile server's URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (missions have
# internet in the capital). Empty: no tiles; the map draws stations over the region outlines the mission uploaded.
MAP_TILE_URL = os.environ.get("EOM_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("EOM_MAP_TILE_ATTRIBUTION", "")

# Response headers Django does not set itself (config/security.py). The policy allows scripts only from this site's
# own files, so an injected <script> is not run even if escaping failed somewhere; inline styles are allowed (the
# admin and a few templates use them). Development and test send it as Content-Security-Policy-Report-Only, so a
# violation shows in the browser console without breaking a page; production enforces it.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# (path prefix, directives that replace the default ones there): drf-spectacular's Swagger UI and Redoc pages start
# with an inline script, and Redoc runs a blob: worker.
CONTENT_SECURITY_POLICY_RELAXED = (
    ("/api/docs/", {"script-src": "'self' 'unsafe-inline'"}),
    ("/api/redoc/", {"script-src": "'self' 'unsafe-inline'", "worker-src": "'self' blob:"}),
)
CONTENT_SECURITY_POLICY_ENFORCE = False  # production.py enforces it
# Nothing in the product needs the camera, microphone, location or payments: a hostile script cannot ask for them.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)
# Links to other sites carry no path or query (a mission or case id must not leak into another site's logs).
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api_auth.SessionAuthentication",
        "config.api_auth.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON nested too deeply or carrying lone surrogates is a 400 (config/parsing.py), not a server error.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsing.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("EOM_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("EOM_THROTTLE_USER", "6000/minute"),
    },
}

# API tokens are refused (401) once older than this; a new one replaces it (admin or `drf_create_token -r`).
API_TOKEN_LIFETIME = timedelta(days=int(os.environ.get("EOM_API_TOKEN_DAYS", "30")))

SPECTACULAR_SETTINGS = {
    "TITLE": "Election observation mission API",
    "DESCRIPTION": "Missions, geography, roster, teams, checklists, submissions and compiled statistics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation pages are for signed-in users: they map every endpoint and filter.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" or "status" field with different choices: name each set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "FormKindEnum": "checklists.choices.FormKind",
        "TeamKindEnum": "observers.choices.TeamKind",
        "RegionKindEnum": "missions.choices.RegionKind",
        "JobKindEnum": "deployment.choices.JobKind",
        "FormationKindEnum": "deployment.choices.FormationKind",
        "MissionStatusEnum": "missions.choices.MissionStatus",
        "MemberStatusEnum": "observers.choices.MemberStatus",
        "TemplateStatusEnum": "checklists.choices.TemplateStatus",
        "SubmissionStatusEnum": "submissions.choices.SubmissionStatus",
        # Every background job (planning jobs, report runs) has the same states: queued, running, done, failed.
        "BackgroundJobStatusEnum": "jobs.choices.JobStatus",
    },
}

# Reverse proxies in front of the application that append the client's address to X-Forwarded-For (0: none, the
# client connects directly). Login lockout and API throttling key on the address the outermost one saw.
TRUSTED_PROXY_COUNT = int(os.environ.get("EOM_TRUSTED_PROXIES", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ValueError("EOM_TRUSTED_PROXIES must be 0 or a positive number of proxies.")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT

AXES_FAILURE_LIMIT = int(os.environ.get("EOM_LOGIN_FAILURE_LIMIT", "8"))
AXES_COOLOFF_TIME = 0.25  # hours
# Observers share mobile-network addresses: lock by username (with the address), never by address alone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.login_protection.client_address"
AXES_HANDLER = "config.login_protection.AddressRateLimitedLockoutHandler"
# Failed logins from one address, whatever the username, before that address must wait for the cool-off.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("EOM_LOGIN_ADDRESS_FAILURE_LIMIT", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
