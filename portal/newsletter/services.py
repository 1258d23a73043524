"""Writes of the newsletter: subscription with double opt-in, preferences, unsubscribe, delivery problems
and sending an issue in batches.

Public actions are authenticated by signed tokens (tokens.py); editors' actions check the
`portal.send_newsletter` permission. E-mail is sent after the transaction commits.
"""

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from portal.mail import absolute_url, absolutise_links, email_build, email_personalise, email_send

from .models import NewsletterDelivery, NewsletterIssuePage, Subscriber
from .text import html_to_text
from .tokens import InvalidToken, confirmation_token, manage_token, read_confirmation_token

logger = logging.getLogger(__name__)

SEND_PERMISSION = "portal.send_newsletter"

#: The wording a subscriber agrees to; recorded (in their language) with each confirmation.
CONSENT_TEXT = _(
    "Yes, send me the UserCentriCities newsletter (about one e-mail a month) with news, good practices "
    "and events on the topics I choose. I can unsubscribe at any time with the link in every e-mail."
)


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def manage_urls(*, subscriber: Subscriber) -> dict[str, str]:
    token = manage_token(key=str(subscriber.key))
    return {
        "unsubscribe_url": absolute_url(reverse("newsletter:unsubscribe", args=[token])),
        "preferences_url": absolute_url(reverse("newsletter:preferences", args=[token])),
    }


def _require_sender(user) -> None:
    if not (user and user.is_authenticated and user.has_perm(SEND_PERMISSION)):
        raise PermissionDenied(_("Only editors may send the newsletter."))


# Subscription ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionOutcome:
    """What happened, for logs and tests. Visitors always see the same answer, whatever it is."""

    emailed: bool
    reason: str


def subscription_request(
    *, email: str, interest_ids: list[int], source: str, language: str | None = None
) -> SubscriptionOutcome:
    """Ask for the newsletter. Sends a confirmation link (or, to a confirmed address, a reminder of its
    preferences link), at most once per NEWSLETTER_RESEND_INTERVAL seconds per address. Nothing about the
    subscriber changes until the owner of the address confirms."""
    email = normalise_email(email)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    now = timezone.now()
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"language": language}
        )
        interval = timedelta(seconds=settings.NEWSLETTER_RESEND_INTERVAL)
        if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < interval:
            return SubscriptionOutcome(emailed=False, reason="throttled")
        subscriber.confirmation_sent_at = now
        subscriber.confirmation_count += 1
        subscriber.save(update_fields=["confirmation_sent_at", "confirmation_count"])
        if subscriber.status == Subscriber.Status.CONFIRMED:
            context = {"subscriber": subscriber, **manage_urls(subscriber=subscriber)}
            prefix, reason = "newsletter/email/already_subscribed", "already confirmed"
        else:
            token = confirmation_token(key=str(subscriber.key), source=source, interest_ids=interest_ids)
            context = {
                "subscriber": subscriber,
                "confirm_url": absolute_url(reverse("newsletter:confirm", args=[token])),
                "max_age_days": max(1, settings.NEWSLETTER_CONFIRMATION_MAX_AGE // 86400),
                "consent_text": CONSENT_TEXT,
            }
            prefix, reason = "newsletter/email/confirm", "new" if created else "confirmation resent"
        transaction.on_commit(
            lambda: email_send(
                to=[email],
                template_prefix=prefix,
                context=context,
                tags=["newsletter-confirmation"],
                language=subscriber.language,
            )
        )
    return SubscriptionOutcome(emailed=True, reason=reason)


def subscription_confirm(*, token: str) -> Subscriber:
    """Confirm the address the token was sent to; records the consent. Idempotent."""
    request = read_confirmation_token(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=request.key).first()
        if subscriber is None:
            raise InvalidToken("no such subscriber")
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        with translation.override(subscriber.language):
            subscriber.consent_text = str(CONSENT_TEXT)
        subscriber.consent_source = request.source[:200]
        subscriber.confirmed_at = timezone.now()
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.unsubscribed_at = None
        subscriber.bounced_at = None
        subscriber.delivery_problem = ""
        subscriber.save()
        subscriber.interests.set(Tag.objects.filter(pk__in=request.interest_ids))
    return subscriber


def subscriber_update_preferences(*, subscriber: Subscriber, interest_ids: list[int]) -> Subscriber:
    with transaction.atomic():
        subscriber.interests.set(Tag.objects.filter(pk__in=interest_ids))
    return subscriber


def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Stop all newsletters to this address. Idempotent; bounced or complaining addresses stay so."""
    with transaction.atomic():
        updated = Subscriber.objects.filter(
            pk=subscriber.pk, status__in=[Subscriber.Status.PENDING, Subscriber.Status.CONFIRMED]
        ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    subscriber.refresh_from_db()
    if updated:
        logger.info("newsletter: %s unsubscribed", subscriber.pk)
    return subscriber


PROBLEM_STATUSES = {
    "bounced": Subscriber.Status.BOUNCED,
    "complained": Subscriber.Status.COMPLAINED,
    "unsubscribed": Subscriber.Status.UNSUBSCRIBED,
}


def subscriber_record_delivery_problem(
    *, email: str, problem: str, description: str = "", message_id: str = ""
) -> Subscriber | None:
    """A provider reported a bounce, a spam complaint or an unsubscribe: no further sends to the address.

    `problem` is "bounced", "complained" or "unsubscribed". Returns the subscriber, or None if the address
    is not on the list."""
    status = PROBLEM_STATUSES[problem]
    now = timezone.now()
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(email__iexact=(email or "").strip()).first()
        )
        if subscriber is None:
            return None
        # A complaint outranks a bounce, which outranks an unsubscribe: never downgrade.
        rank = [Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED]
        if subscriber.status not in rank or rank.index(status) >= rank.index(subscriber.status):
            subscriber.status = status
        if status == Subscriber.Status.UNSUBSCRIBED:
            subscriber.unsubscribed_at = subscriber.unsubscribed_at or now
        else:
            subscriber.bounced_at = now
        subscriber.delivery_problem = f"{problem}: {description}"[:300]
        subscriber.save()
        if message_id and problem != "unsubscribed":
            NewsletterDelivery.objects.filter(message_id=message_id, subscriber=subscriber).update(
                status=NewsletterDelivery.Status.BOUNCED, detail=f"{problem}: {description}"[:300]
            )
    return subscriber


# Issues ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    html: str
    text: str
    web_url: str


def issue_render(*, issue: NewsletterIssuePage) -> RenderedIssue:
    """The issue's body as e-mail HTML and text, rendered once and shared by every recipient."""
    html = absolutise_links(
        render_to_string("newsletter/email/issue_body.html", {"issue": issue, "page": issue})
    )
    web_url = absolute_url(issue.url) if issue.live and issue.url else ""
    return RenderedIssue(subject=issue.title, html=html, text=html_to_text(html), web_url=web_url)


def issue_headers(*, unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail clients show an "Unsubscribe" button that works in one click."""
    targets = [f"<{unsubscribe_url}>"]
    if settings.NEWSLETTER_UNSUBSCRIBE_MAILTO:
        targets.append(f"<mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"UserCentriCities newsletter <{settings.NEWSLETTER_LIST_ID}>",
    }


#: Stand-ins for each recipient's own links: the e-mail is rendered once per language with these, then
#: every copy gets its links by string replacement (portal.mail.email_personalise).
PLACEHOLDER_URLS = {
    "unsubscribe_url": "https://placeholder.invalid/unsubscribe/",
    "preferences_url": "https://placeholder.invalid/preferences/",
}


def _issue_email(*, rendered: RenderedIssue, to: str, urls: dict[str, str], test: bool, language: str | None):
    return email_build(
        to=[to],
        template_prefix="newsletter/email/issue",
        context={"rendered": rendered, "test": test, **urls},
        headers=issue_headers(unsubscribe_url=urls["unsubscribe_url"]),
        from_email=settings.NEWSLETTER_FROM_EMAIL,
        tags=["newsletter"],
        metadata={"newsletter_subscriber": "test" if test else ""},
        language=language,
    )


class IssueMailer:
    """Builds the e-mail of one issue for each subscriber, rendering the templates once per language."""

    def __init__(self, rendered: RenderedIssue) -> None:
        self.rendered = rendered
        self._models: dict[str, EmailMultiAlternatives] = {}

    def message_for(self, subscriber: Subscriber) -> EmailMultiAlternatives:
        model = self._models.get(subscriber.language)
        if model is None:
            model = _issue_email(
                rendered=self.rendered,
                to="placeholder@example.invalid",
                urls=PLACEHOLDER_URLS,
                test=False,
                language=subscriber.language,
            )
            self._models[subscriber.language] = model
        urls = manage_urls(subscriber=subscriber)
        return email_personalise(
            model,
            to=[subscriber.email],
            replacements={PLACEHOLDER_URLS[name]: url for name, url in urls.items()},
            metadata={"newsletter_subscriber": str(subscriber.key)},
        )


def issue_send_test(*, issue: NewsletterIssuePage, by) -> str:
    """Send the latest draft of the issue to the editor who asks. Returns the address used. Its links point
    to a token nobody holds: they show the pages without changing any subscription."""
    _require_sender(by)
    if not by.email:
        raise ValidationError(_("Your account has no e-mail address."))
    draft = issue.get_latest_revision_as_object()
    urls = {
        "unsubscribe_url": absolute_url(reverse("newsletter:unsubscribe", args=["test"])),
        "preferences_url": absolute_url(reverse("newsletter:preferences", args=["test"])),
    }
    message = _issue_email(
        rendered=issue_render(issue=draft), to=by.email, urls=urls, test=True, language=None
    )
    message.send(fail_silently=False)
    return by.email


def issue_send(*, issue: NewsletterIssuePage, by) -> int:
    """Start sending the published issue to every confirmed subscriber. Returns how many are queued.

    The recipients are fixed now (one `NewsletterDelivery` row each, unique per issue and subscriber);
    batches of NEWSLETTER_BATCH_SIZE are sent by background tasks after the commit."""
    _require_sender(by)
    with transaction.atomic():
        issue = NewsletterIssuePage.objects.select_for_update().get(pk=issue.pk)
        if not issue.live or issue.has_unpublished_changes:
            raise ValidationError(_("Publish the latest version of the issue before sending it."))
        if issue.send_status != NewsletterIssuePage.SendStatus.DRAFT:
            raise ValidationError(_("This issue has already been sent."))
        recipients = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).values_list(
            "pk", flat=True
        )
        NewsletterDelivery.objects.bulk_create(
            [NewsletterDelivery(issue=issue, subscriber_id=pk) for pk in recipients.iterator()],
            batch_size=1000,
            ignore_conflicts=True,
        )
        queued = issue.deliveries.filter(status=NewsletterDelivery.Status.QUEUED).count()
        # A queryset update: sending state is not page content (no new revision, no publish signals).
        NewsletterIssuePage.objects.filter(pk=issue.pk).update(
            send_status=NewsletterIssuePage.SendStatus.SENDING, send_started_at=timezone.now(), sent_by=by
        )
        issue_id = issue.pk
        transaction.on_commit(lambda: issue_enqueue_batches(issue_id=issue_id))
    return queued


def issue_enqueue_batches(*, issue_id: int) -> int:
    """Queue one background task per batch of queued deliveries (also used to resume). Returns tasks."""
    from .tasks import send_newsletter_batch

    queued = NewsletterDelivery.objects.filter(
        issue_id=issue_id, status=NewsletterDelivery.Status.QUEUED
    ).count()
    batches = math.ceil(queued / settings.NEWSLETTER_BATCH_SIZE)
    for _index in range(batches):
        send_newsletter_batch.enqueue(issue_id=issue_id)
    if batches == 0:
        issue_finish_if_done(issue_id=issue_id)
    return batches


def _claim_batch(*, issue_id: int) -> list[NewsletterDelivery]:
    with transaction.atomic():
        claimed = list(
            NewsletterDelivery.objects.select_for_update(skip_locked=True)
            .filter(issue_id=issue_id, status=NewsletterDelivery.Status.QUEUED)
            .order_by("pk")[: settings.NEWSLETTER_BATCH_SIZE]
        )
        NewsletterDelivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
            status=NewsletterDelivery.Status.SENDING, claimed_at=timezone.now()
        )
    return claimed


def issue_send_batch(*, issue_id: int) -> int:
    """Send one batch of the issue's queued deliveries. Safe to run many times and in parallel: each
    delivery is claimed before it is sent, so nobody gets the issue twice. Returns how many were sent."""
    issue = NewsletterIssuePage.objects.filter(pk=issue_id).first()
    if issue is None or issue.send_status != NewsletterIssuePage.SendStatus.SENDING:
        return 0
    claimed = _claim_batch(issue_id=issue_id)
    if not claimed:
        issue_finish_if_done(issue_id=issue_id)
        return 0
    mailer = IssueMailer(issue_render(issue=issue))
    subscribers = Subscriber.objects.in_bulk([d.subscriber_id for d in claimed])
    sent = 0
    with get_connection() as connection:
        for delivery in claimed:
            subscriber = subscribers.get(delivery.subscriber_id)
            if subscriber is None or not subscriber.can_receive:
                _record(delivery, NewsletterDelivery.Status.SKIPPED, detail="no longer confirmed")
                continue
            message = mailer.message_for(subscriber)
            message.connection = connection
            try:
                message.send(fail_silently=False)
            except Exception as error:  # the provider refused this one message: log it, go on
                logger.warning("newsletter %s to subscriber %s failed: %s", issue_id, subscriber.pk, error)
                _record(delivery, NewsletterDelivery.Status.FAILED, detail=str(error))
                continue
            status = getattr(message, "anymail_status", None)
            message_id = "" if status is None or status.message_id is None else str(status.message_id)
            _record(delivery, NewsletterDelivery.Status.SENT, message_id=message_id)
            sent += 1
    issue_finish_if_done(issue_id=issue_id)
    return sent


def _record(delivery: NewsletterDelivery, status: str, *, detail: str = "", message_id: str = "") -> None:
    NewsletterDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        detail=detail[:300],
        message_id=message_id[:255],
        sent_at=timezone.now() if status == NewsletterDelivery.Status.SENT else None,
    )


def issue_finish_if_done(*, issue_id: int) -> bool:
    """Mark the issue sent once no delivery is queued or in flight."""
    pending = NewsletterDelivery.objects.filter(
        issue_id=issue_id, status__in=[NewsletterDelivery.Status.QUEUED, NewsletterDelivery.Status.SENDING]
    )
    if pending.exists():
        return False
    return bool(
        NewsletterIssuePage.objects.filter(
            pk=issue_id, send_status=NewsletterIssuePage.SendStatus.SENDING
        ).update(send_status=NewsletterIssuePage.SendStatus.SENT, sent_at=timezone.now())
    )


def issue_release_interrupted(*, issue_id: int, older_than: timedelta) -> int:
    """Deliveries left `sending` by a worker that died: mark them failed (not retried, so never twice)."""
    cutoff = timezone.now() - older_than
    count = NewsletterDelivery.objects.filter(
        issue_id=issue_id, status=NewsletterDelivery.Status.SENDING, claimed_at__lt=cutoff
    ).update(status=NewsletterDelivery.Status.FAILED, detail="interrupted while sending; not retried")
    issue_finish_if_done(issue_id=issue_id)
    return count
