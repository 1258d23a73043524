from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning")

    def ready(self):
        from portal.tagging import register_tagged_page_type

        # Tags are a way in: every tag page of the practice library lists briefs and toolkit entries too.
        register_tagged_page_type("learning.PolicyBriefPage", label=_("Policy briefs"), order=10)
        register_tagged_page_type("learning.ToolkitEntryPage", label=_("Toolkit entries"), order=20)
