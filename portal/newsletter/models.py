"""Newsletter data: subscribers, issues (pages composed in the CMS) and the per-issue send log.

Issues are pages (`NewsletterIssuePage` under a `NewsletterIndexPage`) rather than snippets: editors get
Wagtail's drafts, revisions, preview and moderation for free, and every sent issue has a public web
version ("view in your browser") in the archive.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import NewsletterBodyBlock


class Subscriber(models.Model):
    """One e-mail address on the newsletter list. Only `confirmed` addresses ever receive an issue."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("marked as spam")

    email = models.EmailField(_("e-mail address"), unique=True)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    interests = models.ManyToManyField(
        "taggit.Tag", blank=True, related_name="newsletter_subscribers", verbose_name=_("interests")
    )
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("first request"), auto_now_add=True)
    # Consent, recorded when the address confirms (double opt-in proves the request came from its owner).
    consent_text = models.TextField(_("consent wording"), blank=True)
    consent_source = models.CharField(_("consent given on"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Throttle for confirmation e-mails: never more than one per NEWSLETTER_RESEND_INTERVAL.
    confirmation_sent_at = models.DateTimeField(_("last confirmation e-mail"), null=True, blank=True)
    confirmation_count = models.PositiveIntegerField(_("confirmation e-mails sent"), default=0)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced or complained at"), null=True, blank=True)
    delivery_problem = models.CharField(_("last delivery problem"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="portal_subscriber_email_ci_unique")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.email

    @property
    def can_receive(self) -> bool:
        return self.status == self.Status.CONFIRMED


class NewsletterIndexPage(Page):
    """The archive of sent newsletter issues; issues are created below it."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NewsletterIssuePage"]
    max_count = 1

    class Meta:
        verbose_name = _("newsletter archive")

    def get_context(self, request, *args, **kwargs):
        from .selectors import issue_list_sent

        context = super().get_context(request, *args, **kwargs)
        context["issues"] = issue_list_sent()
        return context


class NewsletterIssuePage(Page):
    """One issue of the newsletter. Publish it, send a test to yourself, then send it to subscribers."""

    class SendStatus(models.TextChoices):
        DRAFT = "draft", _("not sent")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Opens the e-mail; also its preview text in inboxes.")
    )
    body = StreamField(NewsletterBodyBlock(), blank=True, verbose_name=_("body"))
    send_status = models.CharField(
        _("sending"), max_length=10, choices=SendStatus.choices, default=SendStatus.DRAFT, editable=False
    )
    send_started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sending finished"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )

    content_panels = Page.content_panels + [
        HelpPanel(
            content=_(
                "Publish the issue, then use the page's “More actions” menu: “Send a test to myself”, "
                "then “Send to subscribers”. The title is the e-mail's subject."
            )
        ),
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["portal.NewsletterIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("newsletter issue")
        permissions = [("send_newsletter", _("Can send newsletter issues to subscribers"))]

    SENDING_FIELDS = ("send_status", "send_started_at", "sent_at", "sent_by_id")

    def with_content_json(self, content):
        """Publishing or reverting a revision never changes the sending state (it is not content): an
        issue saved as draft before it was sent stays sent when that draft is published."""
        obj = super().with_content_json(content)
        # From the database: `self` may be a stale copy cached on the revision.
        current = NewsletterIssuePage.objects.filter(pk=self.pk).values(*self.SENDING_FIELDS).first()
        for name in self.SENDING_FIELDS:
            setattr(obj, name, current[name] if current else getattr(self, name))
        return obj

    def get_context(self, request, *args, **kwargs):
        from .selectors import issue_list_sent

        context = super().get_context(request, *args, **kwargs)
        context["other_issues"] = issue_list_sent().exclude(pk=self.pk)[:5]
        return context


class NewsletterDelivery(models.Model):
    """The send log: one row per issue and subscriber, unique, so nobody gets an issue twice.

    A row is `queued` when sending starts, `sending` while a worker holds it, then `sent`, `skipped`
    (the address stopped being confirmed meanwhile) or `failed`. A worker that dies between claiming and
    recording leaves `sending`: such rows are never retried automatically (at most once).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")
        BOUNCED = "bounced", _("bounced")

    issue = models.ForeignKey(
        NewsletterIssuePage, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("issue")
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscriber")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed by a worker at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("provider message id"), max_length=255, blank=True, db_index=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter send log")
        ordering = ["-queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="portal_delivery_once_per_issue")
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self):
        return f"{self.issue} → {self.subscriber}"
