"""WSGI entry point (HTTP only; the portal's own servers use ASGI, portal/asgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

from portal.startup import prepare_process  # noqa: E402

prepare_process()
