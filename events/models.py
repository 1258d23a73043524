"""Events of the community."""

from django.utils.translation import gettext_lazy as _

from portal.models import ContentPage


class EventIndexPage(ContentPage):
    """Upcoming and past events: UserCentriCafés, peer-learning workshops, the annual summit."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("event index page")
