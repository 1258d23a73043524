"""Requests to join the portal with an authority that is not on it yet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

__all__ = ["AuthorityJoinRequest"]


class AuthorityJoinRequest(models.Model):
    """A member asks to bring their authority onto the portal; a community manager approves or declines.

    Approving creates the benchmarks.Authority and makes the member its representative
    (portal.accounts.services.authority_request_approve).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a community manager")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    class Kind(models.TextChoices):
        # The same values as benchmarks.Authority.Kind
        CITY = "city", _("City or municipality")
        REGION = "region", _("Region")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="authority_requests",
        verbose_name=_("requested by"),
    )
    name = models.CharField(_("name of the authority"), max_length=200)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    website = models.URLField(_("official website"))
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=100,
        help_text=_("The domain of the authority's staff e-mail, e.g. espoo.fi"),
    )
    message = models.TextField(_("message to the community manager"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("note on the decision"), blank=True, max_length=2000)
    authority = models.ForeignKey(
        "benchmarks.Authority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="join_requests",
        verbose_name=_("authority created"),
    )

    class Meta:
        verbose_name = _("request to join with a new authority")
        verbose_name_plural = _("requests to join with a new authority")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"
