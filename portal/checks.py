"""System checks of the portal's own settings (run by every manage.py command and server start)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


@register()
def public_address_check(app_configs, **kwargs):
    """Without DEBUG, the portal's public address must be set: e-mails, feeds and the embed snippets that
    other sites paste carry it, and a localhost address there is broken for every reader."""
    if settings.DEBUG:
        return []
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    if urlsplit(base_url).hostname not in LOCAL_HOSTS and base_url:
        return []
    return [
        Warning(
            "PORTAL_BASE_URL is not set: links in e-mails and embed snippets point at "
            f"{base_url or '(nothing)'}.",
            hint="Set PORTAL_BASE_URL to the portal's public address, e.g. https://portal.example.org.",
            id="portal.W001",
        )
    ]
