from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Practices")

    def ready(self):
        from portal.tagging import register_tagged_page_type

        from . import signals  # noqa: F401  (workflow e-mails, tag upkeep)

        register_tagged_page_type("practices.PracticeCasePage", label=_("Practice cases"), order=0)
