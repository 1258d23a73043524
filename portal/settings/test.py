"""The test suite: fast hashing, in-memory mail, the same services as CI when their URLs are set."""

import os

from .base import *  # noqa: F403
from .base import DATABASES
from .base import SECRET_KEY as _SECRET_KEY

DEBUG = False
SECRET_KEY = _SECRET_KEY or "test-only-insecure-key-for-the-test-suite-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The browser tests' server process writes its mail to files the tests read (tests/browser/conftest.py).
if os.environ.get("TEST_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
DATABASES["default"].pop("CONN_MAX_AGE", None)
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The browser tests log in many times from 127.0.0.1: the membership forms' limits are out of their way
# (unit tests set their own with override_settings(PORTAL_RATE_LIMITS=...)).
PORTAL_RATE_LIMITS = {
    scope: ("10000/h", "1000/h") for scope in ("signup", "login", "password_reset", "confirmation_resend")
}

# Test servers run on 127.0.0.1 by design: no public address to warn about (portal/checks.py).
SILENCED_SYSTEM_CHECKS = ["portal.W001"]
