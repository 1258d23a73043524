"""Settings shared by every environment.

Everything that differs between machines comes from environment variables. With none set, the portal
runs on embedded defaults: a SQLite file, the in-memory channel layer and cache, Wagtail's database
search backend and console e-mail. See README.md ("Configuration") for every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from portal.sqlite import SQLITE_OPTIONS

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    # Project apps, one per domain
    "portal",
    "benchmarks",
    "practices",
    "learning",
    "events",
    "search",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.typed_table_block",  # data tables in policy briefs and toolkit entries
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",  # the database queue behind TASKS_BACKEND=django_tasks_db.DatabaseBackend
    "channels",
    "anymail",
    "corsheaders",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "portal.middleware.ServerTimingMiddleware",
    # As high as possible: before anything that can answer early (WhiteNoise, LocaleMiddleware, Common).
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# CORS: the open data and the JSON API are readable from any origin, without credentials.
CORS_URLS_REGEX = r"^/(api|open-data)/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL names another (postgres://user@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)  # see portal/sqlite.py
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when REDIS_URL is set, backs both the channel layer and the cache.
REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_channel_layer(url: str) -> dict:
    """channels-redis's pub/sub layer (one PUBLISH per group message, fanned out in each process) with
    the additions of portal/channel_layers.py: sockets closed when Redis is lost, a bounded queue each."""
    from urllib.parse import urlsplit

    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    # Pub/sub channels are shared by all databases of a Redis server, unlike keys: the database number
    # goes into the prefix, so two sites (or test runs) on /1 and /2 of one Redis never hear each other.
    database = urlsplit(url).path.strip("/") or "0"
    return {
        "BACKEND": "portal.channel_layers.PubSubChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    # redis-py 8 gives up reading after 5 s by default; the layer's reads wait 0.1 s, and
                    # publish/subscribe answer at once, so 15 s only bounds a hung Redis.
                    "socket_timeout": 15,
                    # After a Redis restart every pooled connection is dead; without a retry each one
                    # failed a socket's handshake once, and the clients' backoff grew to 30 s.
                    "retry": Retry(NoBackoff(), 1),
                    "retry_on_error": [RedisConnectionError],
                }
            ],
            "prefix": f"{os.environ.get('REDIS_PREFIX', 'ucc')}.{database}.",
            # Messages waiting for one connection (a client that stopped reading) before new ones are
            # dropped.
            "capacity": int(os.environ.get("CHANNEL_LAYER_CAPACITY", "1000")),
        },
    }


if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
    CACHES = {
        "default": {
            # Pages keep rendering while Redis is down (reads miss, writes dropped): portal/cache_backends.py
            "BACKEND": "portal.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("REDIS_PREFIX", "ucc"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Discussions and bench-learning (learning app). Limits per member; see README "Discussions".
DISCUSSION_MESSAGE_MAX_CHARS = int(os.environ.get("DISCUSSION_MESSAGE_MAX_CHARS", "4000"))
DISCUSSION_EDIT_MINUTES = int(os.environ.get("DISCUSSION_EDIT_MINUTES", "15"))
# At most N messages per member in any sliding window of S seconds ("N/S").
DISCUSSION_RATE_LIMIT = os.environ.get("DISCUSSION_RATE_LIMIT", "8/60")
MATCH_EXPIRY_DAYS = int(os.environ.get("MATCH_EXPIRY_DAYS", "21"))

# Search: Wagtail's database backend (SQLite FTS5 / PostgreSQL full text) unless ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch" + os.environ.get("ELASTICSEARCH_VERSION", "9"),
            "URLS": [ELASTICSEARCH_URL],
            "INDEX": os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "ucc"),
            "TIMEOUT": 5,
            "OPTIONS": {},
            # Language-aware analysis: the index's default analyser stems and drops stop words of the
            # portal's language (any built-in analyser name: english, french, german, italian...).
            "INDEX_SETTINGS": {
                "settings": {
                    "analysis": {
                        "analyzer": {"default": {"type": os.environ.get("ELASTICSEARCH_ANALYZER", "english")}}
                    }
                }
            },
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# E-mail: printed on the console unless a provider is configured. EMAIL_PROVIDER names any
# django-anymail backend ("mailgun", "postmark", "sendgrid", "amazon_ses", "brevo", ...) and every
# ANYMAIL_* variable is passed through (ANYMAIL_MAILGUN_API_KEY -> ANYMAIL["MAILGUN_API_KEY"]).
# EMAIL_BACKEND overrides everything (for example django.core.mail.backends.smtp.EmailBackend with
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
EMAIL_PROVIDER = os.environ.get("EMAIL_PROVIDER", "")
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_")
}
if EMAIL_PROVIDER:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", EMAIL_BACKEND)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
if os.environ.get("EMAIL_FILE_PATH"):  # for django.core.mail.backends.filebased.EmailBackend
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "UserCentriCities <noreply@usercentricities.eu>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Newsletter (portal/newsletter/). Anymail's tracking webhooks (/anymail/<esp>/tracking/) authenticate with
# ANYMAIL_WEBHOOK_SECRET ("user:password", passed through with the other ANYMAIL_* variables above).
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", DEFAULT_FROM_EMAIL)
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", "100"))  # e-mails per background task
NEWSLETTER_CONFIRMATION_MAX_AGE = int(os.environ.get("NEWSLETTER_CONFIRMATION_MAX_AGE", str(3 * 24 * 3600)))
NEWSLETTER_RESEND_INTERVAL = int(os.environ.get("NEWSLETTER_RESEND_INTERVAL", "900"))  # per address, seconds
NEWSLETTER_UNSUBSCRIBE_MAILTO = os.environ.get("NEWSLETTER_UNSUBSCRIBE_MAILTO", "")  # only if you process it
NEWSLETTER_LIST_ID = os.environ.get("NEWSLETTER_LIST_ID", "newsletter.usercentricities.eu")

# Background jobs (mail, newsletter batches, digests, reminders, reindex): run immediately, inside
# the request, unless TASKS_BACKEND names another django-tasks backend. In production set
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py db_worker` (one or more
# processes, any machine with the database) so requests only enqueue.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

# Events: how long a visitor's e-mailed link confirming an event registration stays valid, in hours.
EVENTS_CONFIRMATION_MAX_AGE_HOURS = int(os.environ.get("EVENTS_CONFIRMATION_MAX_AGE_HOURS", "48"))

# Members: e-mail login.
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Membership (portal/accounts): how long the e-mail confirmation link is valid (seconds), the largest
# photo (bytes), and the local hour from which daily and weekly digests go out.
MEMBER_CONFIRMATION_MAX_AGE = int(os.environ.get("MEMBER_CONFIRMATION_MAX_AGE", 3 * 86400))
MEMBER_PHOTO_MAX_BYTES = int(os.environ.get("MEMBER_PHOTO_MAX_BYTES", 2 * 1024 * 1024))
DIGEST_SEND_HOUR = int(os.environ.get("DIGEST_SEND_HOUR", "7"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: every string is marked for translation; English is the default locale.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "UserCentriCities"
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif", "svg"]
TAGGIT_CASE_INSENSITIVE = True
# One tag per idea: "Co-design", "co design" and "co-design" are one tag, in the admin and in members' forms.
TAGGIT_TAGS_FROM_STRING = "portal.tagging.parse_tags"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Every background job and page save is logged at INFO: too chatty for commands and tests.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
