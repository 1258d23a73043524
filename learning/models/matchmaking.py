"""Bench-learning matchmaking: an authority asks to learn from others on a sub-pillar or a free topic,
invites 1-5 proposed authorities, and the first acceptance opens a private discussion room.

Request states: requested (candidates proposed, nobody invited yet) -> invited -> accepted (a private
room exists) -> closed (with an outcome note). declined: every invitation was declined; expired: no
answer within settings.MATCH_EXPIRY_DAYS (`manage.py expire_matches`). Writes go through
learning/match_services.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["MatchInvitation", "MatchRequest"]


class MatchRequest(models.Model):
    class Mode(models.TextChoices):
        SIMILAR = "similar", _("similar authorities")
        COMPLEMENTARY = "complementary", _("complementary: strong where we are weak")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        INVITED = "invited", _("invited")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        CLOSED = "closed", _("closed")

    authority = models.ForeignKey(
        "benchmarks.Authority",
        on_delete=models.CASCADE,
        related_name="match_requests",
        verbose_name=_("requesting authority"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="match_requests",
        verbose_name=_("requested by"),
    )
    subpillar = models.ForeignKey(
        "benchmarks.SubPillar",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="match_requests",
        verbose_name=_("sub-pillar"),
    )
    topic = models.CharField(
        _("free topic"), max_length=200, blank=True, help_text=_("When the subject is not one sub-pillar.")
    )
    goal = models.TextField(_("goal"), help_text=_("What you want to learn, in a few sentences."))
    mode = models.CharField(_("mode"), max_length=15, choices=Mode.choices, default=Mode.COMPLEMENTARY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    room = models.OneToOneField(
        "learning.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="match",
        verbose_name=_("private room"),
    )
    outcome = models.TextField(_("outcome: what we learned"), blank=True)
    practice_case = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practice case drafted from the outcome"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bench-learning match")
        verbose_name_plural = _("bench-learning matches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.authority}: {self.subject}"

    @property
    def subject(self) -> str:
        return str(self.subpillar) if self.subpillar_id else self.topic


class MatchInvitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")

    match = models.ForeignKey(
        MatchRequest, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("match")
    )
    authority = models.ForeignKey(
        "benchmarks.Authority",
        on_delete=models.CASCADE,
        related_name="match_invitations",
        verbose_name=_("invited authority"),
    )
    reason = models.TextField(_("why this authority"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response_note = models.TextField(_("note with the answer"), blank=True)

    class Meta:
        verbose_name = _("match invitation")
        verbose_name_plural = _("match invitations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["match", "authority"], name="learning_invite_authority_once")
        ]

    def __str__(self):
        return f"{self.authority} invited to {self.match}"
