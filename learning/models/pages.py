"""Policy briefs and the toolkit."""

from django.utils.translation import gettext_lazy as _

from portal.models import ContentPage

__all__ = ["PolicyBriefIndexPage", "ToolkitIndexPage"]


class PolicyBriefIndexPage(ContentPage):
    """The list of policy briefs."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("policy brief index page")


class ToolkitIndexPage(ContentPage):
    """The toolkit of methods, guides and templates."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("toolkit index page")
