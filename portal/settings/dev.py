"""Local development: the embedded defaults, debug on."""

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY

DEBUG = True
# A fixed key is acceptable only on a developer's machine; production refuses to start without one.
SECRET_KEY = _SECRET_KEY or "dev-only-insecure-key-change-me-in-production-9f8e7d6c5b4a"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
