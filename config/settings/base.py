"""Settings shared by every environment, read through django-environ."""

import os
import secrets
import time
from pathlib import Path

import environ
from kombu.transport import TRANSPORT_ALIASES

from config.wall_zone import wall_time_zone

EMBEDDED_BROKER = "bdsqlite"  # cases.serving.broker.ALIAS
BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Runtime data (the SQLite file and the filesystem broker) lives here, never in git.
DATA_DIR = Path(env("BORDER_DESK_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)



def installation_secret_key(folder: Path) -> str:
    """This installation's own secret key: made once, at random, kept in the data folder (mode 0600).

    None is committed or defaulted anywhere; ``DJANGO_SECRET_KEY`` overrides it. Two processes starting
    at once agree: the file is created exclusively and the loser reads the winner's key.
    """
    path = folder / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.05)  # another process created the file and is writing it
    raise RuntimeError(f"{path} is empty: delete it and start again (a new key logs everyone out).")


SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or installation_secret_key(DATA_DIR)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Classroom mode computes these from the room's address (cases/serving/network.py).
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.admin_site.BorderDeskAdminConfig",  # django.contrib.admin with the site of config/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "cases",
    "permits",
]

# The room is served over plain http (the laptop's address on the school network), where browsers
# ignore Cross-Origin-Opener-Policy and warn about it on every page; production.py sends it under HTTPS.
SECURE_CROSS_ORIGIN_OPENER_POLICY = None

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (the admin's CSS and scripts) straight from the application, under any server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.htmx: the projector and the inbox answer their own refreshes with a fragment or "unchanged".
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): a class shares one IP, so lock a username per address, not the room.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours: a locked login opens again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'border_desk.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the Celery worker share the file. IMMEDIATE
    # transactions take the write lock when they begin, so a transaction that read first waits its turn
    # (up to the timeout) instead of failing at once with "database is locked" when it comes to write
    # after the other process committed (a fast-forward in the web process beside the worker's sweep).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's planner prices a random page read at 4 sequential ones (a spinning disk's seek). Then a
    # step's per-row UPDATE over UNNESTed arrays (cases/services/sql_rows.py: update_rows) of a few hundred
    # cases hash-joins a sequential scan of the whole table instead of probing the primary key once per
    # row, and the cost of each step grows with the exercise. 1.1 is the usual value for an SSD or a
    # database held in memory, as a class's is. A DATABASE_URL that sets its own ``options`` keeps them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Django's own displays (admin lists, view pages) write a moment as the pages do: "2 Mar 1959 09:00".
FORMAT_MODULE_PATH = ["config.formats"]
# Simulated dates are shown in Beijing time, the time the sources' crossing hours are given in.
TIME_ZONE = "Asia/Shanghai"
# Real moments (when someone acted: the console's log, clock moves, an event's wall time) are shown on
# the room's clock: this laptop's time zone, or BORDER_DESK_WALL_TIME_ZONE (config/wall_zone.py).
WALL_TIME_ZONE = wall_time_zone(env.str("BORDER_DESK_WALL_TIME_ZONE", default=""))
# Once these settings are read, Django sets TZ to TIME_ZONE in this process, and the processes started
# from it (the room's web server, worker and beat) inherit TZ, which tzlocal reads first: they would
# take Beijing for the laptop's zone. They inherit the zone found here instead.
os.environ["BORDER_DESK_WALL_TIME_ZONE"] = WALL_TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# The embedded stack serves static files from the apps' folders (no collectstatic step before class);
# production collects them and serves the compressed, hashed copies (config/settings/production.py).
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

# Passwords: Django's default PBKDF2 for every login a person chose (teachers, admins); the room's
# generated student passwords get fewer iterations (config/hashers.py explains why and how).
PASSWORD_HASHERS = [
    "config.hashers.RoomPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LOGIN_URL = "admin:login"

# --- Celery -----------------------------------------------------------------------------------
# The embedded default needs no server: a SQLite file under DATA_DIR through kombu's SQLAlchemy
# transport, made acknowledgement-safe (cases/serving/broker.py says why not the filesystem one).
# CELERY_BROKER_URL=redis://... (the compose stack) uses Redis instead.
# The transport's short name must be known in every process that reads these settings.
TRANSPORT_ALIASES.setdefault(EMBEDDED_BROKER, "cases.serving.broker:Transport")
BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=f"{EMBEDDED_BROKER}+sqlite:///{DATA_DIR / 'broker.sqlite3'}")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport, only when asked for by URL (its non-atomic writes can crash a worker).
    for sub in ("out", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # kombu otherwise writes its exchange table to ./control in whatever directory a process runs.
        "control_folder": str(BROKER_DIR / "control"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Publishing gives up fast when Redis is down: a clock move must not hang or fail the web request
    # (deadlines are rows; beat's periodic sweep catches up once Redis is back).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 2,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Errors are logged (the console and DATA_DIR/logs/errors.log), never shown: with DEBUG off a student
# sees templates/500.html, the teacher finds the traceback in the log.
(DATA_DIR / "logs").mkdir(exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusals_in_one_line": {"()": "config.log_filters.RefusalsInOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusals_in_one_line"]},
        "errors": {"class": "logging.handlers.RotatingFileHandler", "filename": str(DATA_DIR / "logs" / "errors.log"),
                   "maxBytes": 2_000_000, "backupCount": 3, "level": "ERROR", "formatter": "plain",
                   "delay": True},
    },
    "root": {"handlers": ["console", "errors"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
