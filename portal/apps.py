from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import checks, signals  # noqa: F401
        from .accounts import admin_hooks, providers  # noqa: F401
        from .newsletter import tracking  # noqa: F401  (anymail's webhook signal receiver)
        from .notifications import sources

        providers.register_defaults()
        sources.register_defaults()
