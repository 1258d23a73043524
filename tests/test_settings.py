"""Settings switch to real services from the environment; production refuses to run unsafely."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "EMAIL_PROVIDER",
    "EMAIL_BACKEND",
    "SECRET_KEY",
)


def run_django(args: list[str], *, settings: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS and not k.startswith("ANYMAIL_")}
    env.update(DJANGO_SETTINGS_MODULE=settings, **env_vars)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def read_settings(settings: str, **env_vars: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'db_name': str(s.DATABASES['default']['NAME']),"
        "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'cache': s.CACHES['default']['BACKEND'],"
        "'search': s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], 'email': s.EMAIL_BACKEND,"
        "'anymail': s.ANYMAIL, 'debug': s.DEBUG}))"
    )
    result = run_django(["-c", code], settings=settings, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults():
    values = read_settings("portal.settings.dev")
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["layer"] == "channels.layers.InMemoryChannelLayer"
    assert values["cache"].endswith("LocMemCache")
    assert values["search"] == "wagtail.search.backends.database"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"


def test_environment_switches_to_real_services():
    values = read_settings(
        "portal.settings.dev",
        DATABASE_URL="postgres://ucc@db.internal:5432/ucc",
        REDIS_URL="redis://cache.internal:6379/1",
        ELASTICSEARCH_URL="http://search.internal:9200",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY="key-123",
    )
    assert values["db"] == "django.db.backends.postgresql" and values["db_name"] == "ucc"
    assert values["layer"] == "portal.channel_layers.PubSubChannelLayer"  # channels-redis pub/sub, extended
    assert values["cache"] == "portal.cache_backends.ResilientRedisCache"  # Django's RedisCache, failing soft
    assert values["search"] == "wagtail.search.backends.elasticsearch9"
    assert values["email"] == "anymail.backends.mailgun.EmailBackend"
    assert values["anymail"] == {"MAILGUN_API_KEY": "key-123"}


def test_production_refuses_to_start_without_secret_key():
    result = run_django(["manage.py", "check"], settings="portal.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings="portal.settings.production",
        SECRET_KEY="k" * 10 + "-a-very-long-random-production-secret-key-0123456789-abcdefghij",
        ALLOWED_HOSTS="portal.example.org",
        PORTAL_BASE_URL="https://portal.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_warns_without_its_public_address():
    result = run_django(
        ["manage.py", "check"],
        settings="portal.settings.production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode == 0  # a warning: the portal still starts
    assert "portal.W001" in result.stderr + result.stdout
    assert "http://127.0.0.1:8000" in result.stderr + result.stdout
