"""Demo newsletter: 200 subscribers in every state and two issues (one sent, with its log; one draft).

Idempotent: subscribers are found by address and issues by slug. Deterministic for a given rng.
"""

import random
from datetime import timedelta

from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from .blocks import page_type_choices
from .factories import NewsletterIndexPageFactory, NewsletterIssuePageFactory
from .models import NewsletterDelivery, NewsletterIndexPage, NewsletterIssuePage, Subscriber
from .services import CONSENT_TEXT

SUBSCRIBERS = 200
#: How many of the 200 are in each state (the rest are confirmed).
OTHER_STATES = [
    (Subscriber.Status.PENDING, 14),
    (Subscriber.Status.UNSUBSCRIBED, 10),
    (Subscriber.Status.BOUNCED, 4),
    (Subscriber.Status.COMPLAINED, 2),
]
FIRST = ["anna", "mikko", "sofia", "jan", "lucia", "pieter", "eva", "marco", "ines", "tomas", "olga", "lars"]
LAST = ["virtanen", "rossi", "jansen", "novak", "garcia", "peeters", "tamm", "schmidt", "silva", "kowalski"]
DOMAINS = ["example.org", "example.net", "example.com"]


def load_subscribers(*, rng: random.Random) -> int:
    """200 subscribers (mostly confirmed). Returns how many were created now."""
    tags = list(Tag.objects.order_by("name").values_list("pk", flat=True))
    states = [status for status, count in OTHER_STATES for _ in range(count)]
    states += [Subscriber.Status.CONFIRMED] * (SUBSCRIBERS - len(states))
    rng.shuffle(states)
    now = timezone.now()
    created = 0
    for n, status in enumerate(states):
        # The address depends only on n, so a second run finds every subscriber of the first.
        email = f"{FIRST[n % len(FIRST)]}.{LAST[(n * 7) % len(LAST)]}.{n:03d}@{DOMAINS[n % len(DOMAINS)]}"
        interests = rng.sample(tags, k=min(len(tags), rng.randint(0, 3)))
        days_ago = rng.randint(1, 700)
        if Subscriber.objects.filter(email=email).exists():
            continue
        requested = now - timedelta(days=days_ago)
        subscriber = Subscriber.objects.create(
            email=email,
            status=status,
            consent_text=str(CONSENT_TEXT) if status != Subscriber.Status.PENDING else "",
            consent_source=rng.choice(["the site footer", "the newsletter page"])
            if status != Subscriber.Status.PENDING
            else "",
            confirmed_at=requested + timedelta(minutes=7) if status != Subscriber.Status.PENDING else None,
            confirmation_sent_at=requested,
            confirmation_count=1,
            unsubscribed_at=now - timedelta(days=rng.randint(0, days_ago))
            if status == Subscriber.Status.UNSUBSCRIBED
            else None,
            bounced_at=now - timedelta(days=2)
            if status in (Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED)
            else None,
            delivery_problem={
                "bounced": "bounced: mailbox does not exist",
                "complained": "complained: spam",
            }.get(status, ""),
        )
        Subscriber.objects.filter(pk=subscriber.pk).update(created_at=requested)
        if interests and status != Subscriber.Status.PENDING:
            subscriber.interests.set(interests)
        created += 1
    return created


def _latest_block(heading: str, label: str) -> list[tuple[str, dict]]:
    """A "latest pages" block for the page type 'app_label.model', if the portal has that type."""
    if label not in dict(page_type_choices()):
        return []
    return [
        (
            "latest_pages_block",
            {"heading": heading, "page_type": label, "count": 3, "show_introduction": True},
        )
    ]


def _issue_body(intro: str) -> list[tuple[str, object]]:
    return [
        ("paragraph_block", f"<p>{intro}</p>"),
        *_latest_block("New good practices", "practices.practicecasepage"),
        *_latest_block("Policy briefs", "learning.policybriefpage"),
        *_latest_block("Coming events", "events.eventpage"),
        (
            "button_block",
            {"label": "Answer the 2026 benchmark", "page": None, "url": "https://example.org/benchmark"},
        ),
    ]


def load_issues(*, home: Page) -> NewsletterIndexPage:
    """The archive with one sent issue (and its send log) and one draft."""
    index = home.get_children().type(NewsletterIndexPage).first()
    if index is None:
        index = NewsletterIndexPageFactory(
            parent=home,
            slug="newsletter-archive",
            title="Newsletter archive",
            introduction="Every issue of the UserCentriCities newsletter.",
        )
    else:
        index = index.specific
    sent = index.get_children().filter(slug="spring-2026").first()
    if sent is None:
        sent = NewsletterIssuePageFactory(
            parent=index,
            slug="spring-2026",
            title="UserCentriCities newsletter: spring 2026",
            introduction="The 2026 benchmark opens, new cases from Espoo, Ghent and Milan, and the summit.",
            body=_issue_body("The 2026 edition of the benchmark is open: representatives can answer it now."),
        )
        sent_at = timezone.now() - timedelta(days=20)
        recipients = Subscriber.objects.filter(
            status__in=[Subscriber.Status.CONFIRMED, Subscriber.Status.BOUNCED]
        )
        NewsletterDelivery.objects.bulk_create(
            [
                NewsletterDelivery(
                    issue=sent,
                    subscriber=subscriber,
                    status=NewsletterDelivery.Status.BOUNCED
                    if subscriber.status == Subscriber.Status.BOUNCED
                    else NewsletterDelivery.Status.SENT,
                    sent_at=sent_at,
                    detail="bounced: mailbox does not exist"
                    if subscriber.status == Subscriber.Status.BOUNCED
                    else "",
                )
                for subscriber in recipients
            ],
            ignore_conflicts=True,
        )
        NewsletterIssuePage.objects.filter(pk=sent.pk).update(
            send_status=NewsletterIssuePage.SendStatus.SENT, send_started_at=sent_at, sent_at=sent_at
        )
    if not index.get_children().filter(slug="summer-2026").exists():
        draft = NewsletterIssuePageFactory(
            parent=index,
            slug="summer-2026",
            title="UserCentriCities newsletter: summer 2026",
            introduction="First results of the 2026 benchmark and the autumn UserCentriCafés.",
            body=_issue_body("A draft: editors publish it, send a test to themselves, then send it."),
        )
        draft.save_revision()
        draft.unpublish()
    return index


def load_demo(*, home: Page, rng: random.Random) -> NewsletterIndexPage:
    load_subscribers(rng=rng)
    return load_issues(home=home)
