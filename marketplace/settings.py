"""Settings, all from the environment (python-decouple): see `.env.example`.

SQLite by default; ``DATABASE_URL`` selects PostgreSQL (``postgres://``) or MSSQL
(``mssql://``). ``DEBUG`` is off unless asked for; production hardening follows from it.
"""

from pathlib import Path

import dj_database_url
from decouple import Csv, config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = config("DEBUG", default=False, cast=bool)
SECRET_KEY = config("SECRET_KEY", default="insecure-dev-key-only-for-debug" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="127.0.0.1,localhost", cast=Csv())
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", default="", cast=Csv())

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
    "core",
    "accounts",
    "serving",
    "main",
    "search",
    "recommendations",
    "cart",
    "payments",
    "orders",
    "seller_accounts",
    "reviews",
    "catalog_audit",
    "experiments",
    "monitoring",
    "retraining",
]

MIDDLEWARE = [
    "marketplace.middleware.RequestIdLogMiddleware",  # request id + one JSON log line per request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "recommendations.visitors.VisitorCookieMiddleware",  # anonymous visitor id (signed cookie)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "serving.middleware.ModelPollerMiddleware",  # starts the process's model poller, once
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cart.context_processors.cart_summary",
                "monitoring.context_processors.monitoring_alerts",  # lazy: read by admin pages only
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=config("CONN_MAX_AGE", default=60, cast=int),
        # A health check is a round trip on every request; without it, a worker whose connection
        # died with a database restart fails one request and reconnects on the next.
        conn_health_checks=config("CONN_HEALTH_CHECKS", default=False, cast=bool),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the timeout waits out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# PostgreSQL's connection options (the tests' own server gets them too). Parameters travel apart
# from the SQL (psycopg 3's server-side binding), so a statement a connection has run five
# times is prepared and PostgreSQL stops planning it on every run: under the load test,
# planning was 58% of PostgreSQL's statement time (4.7 s of 8.2 s in the steady minute,
# pg_stat_statements), a product page's lookup 0.22 ms of its 0.26.
# (Django turns psycopg's preparing off for transaction-mode poolers such as PgBouncer: the shop
# connects to PostgreSQL directly. Behind such a pooler, set POSTGRES_PREPARE_THRESHOLD empty.)
_prepare_after = config("POSTGRES_PREPARE_THRESHOLD", default="5")  # a statement's runs before it is prepared
POSTGRES_OPTIONS = {
    "server_side_binding": True,
    "prepare_threshold": int(_prepare_after) if _prepare_after else None,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "main:home"
LOGOUT_REDIRECT_URL = "main:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False  # English only: skips the translation machinery on every request
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(config("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(config("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: photos only, kept small; nginx enforces the same body limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Card payments (payments/providers/): the provider, and the secret its webhooks are signed
# with (HMAC-SHA256). Without a secret every webhook is refused, so no card order gets paid.
PAYMENT_PROVIDER = config("PAYMENT_PROVIDER", default="local-test")
PAYMENT_WEBHOOK_SECRET = config(
    "PAYMENT_WEBHOOK_SECRET", default="insecure-dev-webhook-secret" if DEBUG else ""
)

# The dataset the catalog is imported from, and the trained ML artifacts.
FASHION_DATA = Path(config("FASHION_DATA", default=str(BASE_DIR.parent / "shared" / "fashion-dataset")))
MODELS_DIR = Path(config("MODELS_DIR", default=str(BASE_DIR / "models")))
# train_models builds the photo model's quick recipe (2 epochs, ~half the training time and
# ~2 points less article type) instead of the full one, as `train_models --quick` does.
PHOTO_TRAINING_QUICK = config("PHOTO_TRAINING_QUICK", default=False, cast=bool)
# How often each web process asks the model registry which versions serve, and swaps in a
# newly promoted one (serving.registry.start_polling): one indexed query per process, so a
# promotion is served everywhere within seconds. 0 disables the poller (tests).
MODEL_POLL_SECONDS = config("MODEL_POLL_SECONDS", default=5, cast=float)
# Where set (e.g. sqlite:////srv/mlflow.db or an MLflow server), registered versions and serving
# alias moves are mirrored to MLflow too (serving.tracking); the registry stays the source of truth.
MLFLOW_TRACKING_URI = config("MLFLOW_TRACKING_URI", default="")
# A taxonomy path is offered to sellers once this many products are filed under it: the
# catalog's one- and two-product paths are filing slips, not categories ("Accessories / Belts
# / Tshirts" is one T-shirt; "Apparel / Topwear / Belts", "Footwear / Shoes / Sandals" alike).
MIN_PRODUCTS_PER_PATH = config("MIN_PRODUCTS_PER_PATH", default=3, cast=int)

# MEMCACHED_LOCATION (host:port) gives every worker and machine one shared cache: sessions
# are then read from memory (cached_db: still written to the database, so a cache restart
# logs nobody out), API rate limits count across workers, and cached fragments are shared.
# Without it (development, tests) each process caches for itself and rate limits use files.
MEMCACHED_LOCATION = config("MEMCACHED_LOCATION", default="")
_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "marketplace"}
if MEMCACHED_LOCATION:
    _SHARED_CACHE = {
        "BACKEND": "marketplace.cache.PersistentPyMemcacheCache",
        "LOCATION": MEMCACHED_LOCATION,
        "KEY_PREFIX": "marketplace",
        # A cache that is down is a miss, never an error page; it is tried again after 5 s.
        # Meanwhile rate limits are not enforced, and a session changed meanwhile (a logout)
        # may read as before once an unreachable (not restarted) memcached is back: after a
        # network partition between web and cache, restart memcached.
        "OPTIONS": {
            "no_delay": True,
            "ignore_exc": True,
            "connect_timeout": 0.5,
            "timeout": 0.5,
            "dead_timeout": 5,
        },
    }
    CACHES = {
        "default": _SHARED_CACHE,
        "throttle": {**_SHARED_CACHE, "KEY_PREFIX": "throttle"},
        "local": _LOCAL_CACHE,
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": _LOCAL_CACHE,
        # Shared by every worker on the machine: rate limits must not multiply by the worker count.
        "throttle": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": config("THROTTLE_CACHE_DIR", default=str(BASE_DIR / "var" / "throttle")),
        },
        "local": _LOCAL_CACHE,
    }

# Whole product and catalog pages drawn once for every anonymous shopper (core/page_cache.py).
PAGE_CACHE = config("PAGE_CACHE", default=True, cast=bool)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"api": config("API_RATE_LIMIT", default="300/min")},
    # Behind nginx (one proxy), the client is the last X-Forwarded-For address; without a proxy
    # the header is the client's own word and must not be trusted: 0 means REMOTE_ADDR.
    "NUM_PROXIES": config("NUM_PROXIES", default=0, cast=int),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Marketplace API",
    "DESCRIPTION": "Category prediction and recommendations.",
    "VERSION": "1.0.0",
}

# Production hardening: on whenever DEBUG is off (nginx terminates TLS in front).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = config("SESSION_COOKIE_SECURE", default=not DEBUG, cast=bool)
CSRF_COOKIE_SECURE = config("CSRF_COOKIE_SECURE", default=not DEBUG, cast=bool)
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=not DEBUG, cast=bool)
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"format": "%(message)s"},  # marketplace.access lines are already JSON
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "access": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "marketplace.access": {
            "handlers": ["access"],
            "level": config("ACCESS_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
    },
}

# ---- Accounts and the locked door (issue 15): email, throttled logins, security headers ----
from datetime import timedelta  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402

INSTALLED_APPS += ["axes", "csp"]
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "marketplace.headers.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into the lock-out page
]
# Axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Password reset, seller verification and order mail. Console in development; SMTP otherwise.
EMAIL_BACKEND = config(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = config("EMAIL_HOST", default="localhost")
EMAIL_PORT = config("EMAIL_PORT", default=25, cast=int)
EMAIL_HOST_USER = config("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = config("EMAIL_USE_TLS", default=False, cast=bool)
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", default="Threadline <no-reply@threadline.example>")
# A reset link works once (the token hashes the password) and for this long (Django: 3 days).
PASSWORD_RESET_TIMEOUT = config("PASSWORD_RESET_TIMEOUT", default=60 * 60, cast=int)
# How long a seller's email verification link stays valid.
EMAIL_VERIFICATION_MAX_AGE = config("EMAIL_VERIFICATION_MAX_AGE", default=3 * 24 * 60 * 60, cast=int)

# Login throttling (django-axes): LOGIN_FAILURE_LIMIT failures for one account from one IP
# address lock that account from that address for LOGIN_COOLOFF_MINUTES; an address as a whole
# is locked only after LOGIN_FAILURE_LIMIT_PER_IP failures (any accounts) in the cool-off. So
# one person's typos, or someone who knows a username, cannot lock everyone else behind the
# same office or carrier NAT out. The attempts live in the database, so every gunicorn worker
# (and machine) counts the same failures.
LOGIN_FAILURE_LIMIT = config("LOGIN_FAILURE_LIMIT", default=10, cast=int)
LOGIN_COOLOFF_MINUTES = config("LOGIN_COOLOFF_MINUTES", default=30, cast=int)
# 100 = ten accounts' worth of locks: hundreds of people share a NAT address and a few of them
# mistype a password in any half hour, while a script spraying guesses across usernames from
# one address is stopped after 100 tries per cool-off instead of 10 per username.
DEFAULT_LOGIN_FAILURE_LIMIT_PER_IP = 100
LOGIN_FAILURE_LIMIT_PER_IP = config(
    "LOGIN_FAILURE_LIMIT_PER_IP", default=DEFAULT_LOGIN_FAILURE_LIMIT_PER_IP, cast=int
)
AXES_HANDLER = "accounts.throttling.AccountAtAddressHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the pair; the address alone: the handler
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# Behind nginx the client is the last X-Forwarded-For hop, as for the API's rate limits.
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
# A success must not wipe the failures: they are stored per (account, IP) and a reset by IP
# would let an attacker clear their count by logging in to an account of their own.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # keep failures only, not an IP log of every successful login

# Content-Security-Policy (django-csp): only the shop's own scripts, styles and images;
# an inline script needs the request's nonce ({{ request.csp_nonce }}). Never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons (selects, toggler) as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Browser features the shop never uses, switched off for it and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth",
        "magnetometer", "gyroscope", "accelerometer", "display-capture", "browsing-topics",
    )
}

# ---- The task queue (Celery, Redis as the broker) ----
# Mail, training, the catalog audit and photo embeddings run as tasks (each app's tasks.py).
# CELERY_BROKER_URL (redis://host:6379/0) sends them to the workers; without it (make run,
# the tests) a task runs eagerly, in the process that asked for it.
CELERY_BROKER_URL = config("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = config("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL, cast=bool)
CELERY_TASK_EAGER_PROPAGATES = True
# Results (what a retrain trained) are kept in Redis for a day, for `celery result` and callers.
CELERY_RESULT_BACKEND = config("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]  # never pickle: a message must not be able to run code
# Long jobs: a task is acknowledged when done, so a worker that dies leaves it to another;
# and a worker takes one message at a time, so a retrain never holds mails back behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged message to another worker after this long: longer than the
# longest job (a full retrain), or a running retrain would be started a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Training and the audit go to their own queue: a worker started with `--queues long` (a big
# machine) takes them, one started with `--queues celery` only mail; the stack's takes both.
CELERY_TASK_ROUTES = {
    "retraining.tasks.*": {"queue": "long"},
    "catalog_audit.tasks.*": {"queue": "long"},
    "search.tasks.photo_index_add": {"queue": "long"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = USE_TZ

# Scheduled retraining (retraining/): a crontab (minute hour day-of-month month day-of-week,
# UTC) and the models it retrains. Nightly by default, at an hour with few shoppers. The beat
# entry follows these at every `manage.py migrate`.
RETRAIN_SCHEDULE = config("RETRAIN_SCHEDULE", default="30 2 * * *")
RETRAIN_KINDS = config("RETRAIN_KINDS", default="categorizer", cast=Csv())
