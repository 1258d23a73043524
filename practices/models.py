"""The good-practice library."""

from django.utils.translation import gettext_lazy as _

from portal.models import ContentPage


class PracticeIndexPage(ContentPage):
    """The library of good-practice cases from member authorities."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("practice library page")
