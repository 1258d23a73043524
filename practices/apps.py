from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# The tag page (/practices/tag/<slug>/) lists these page types when their app is installed. The learning
# app may register its own types (same call, in its ready()); the last registration of a model wins.
TAGGED_TYPES = (
    ("practices.PracticeCasePage", _("Practice cases"), 0),
    ("learning.PolicyBriefPage", _("Policy briefs"), 10),
    ("learning.ToolkitEntryPage", _("Toolkit entries"), 20),
)


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Practices")

    def ready(self):
        from portal.tagging import register_tagged_page_type

        from . import signals  # noqa: F401  (workflow e-mails, tag upkeep)

        for label, name, order in TAGGED_TYPES:
            app_label, model_name = label.split(".")
            if apps.is_installed(app_label) and _has_model(app_label, model_name):
                register_tagged_page_type(label, label=name, order=order)


def _has_model(app_label: str, model_name: str) -> bool:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return hasattr(model, "tags")
