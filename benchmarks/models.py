"""Authorities and the benchmark dashboard page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import ContentPage


class Authority(models.Model):
    """A local or regional authority that measures itself on the portal."""

    class Kind(models.TextChoices):
        CITY = "city", _("City or municipality")
        REGION = "region", _("Region")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. FI"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    website = models.URLField(_("official website"), blank=True)
    email_domain = models.CharField(_("e-mail domain"), max_length=100, blank=True)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="represented_authorities",
        verbose_name=_("representatives"),
        help_text=_("Members who answer the benchmark questionnaire for this authority."),
    )

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DashboardPage(ContentPage):
    """The benchmarking dashboard: the ranking of authorities by user-centricity."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("benchmark dashboard page")
