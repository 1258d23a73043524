"""Reads of newsletter data."""

from django.db.models import Count, QuerySet
from taggit.models import Tag

from .models import NewsletterDelivery, NewsletterIssuePage, Subscriber
from .tokens import InvalidToken, read_manage_token


def interest_choices() -> QuerySet[Tag]:
    """The tags a subscriber can choose: the portal's shared tags (practice cases, briefs...), by name."""
    return Tag.objects.order_by("name")


def subscriber_from_manage_token(*, token: str) -> Subscriber | None:
    try:
        key = read_manage_token(token)
    except InvalidToken:
        return None
    return Subscriber.objects.filter(key=key).first()


def subscriber_list_receiving() -> QuerySet[Subscriber]:
    """Addresses that may receive an issue now: confirmed ones only."""
    return Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)


def issue_list_sent() -> QuerySet[NewsletterIssuePage]:
    return (
        NewsletterIssuePage.objects.live()
        .public()
        .filter(send_status=NewsletterIssuePage.SendStatus.SENT)
        .order_by("-sent_at")
    )


def issue_delivery_counts(*, issue: NewsletterIssuePage) -> dict[str, int]:
    """How many deliveries of the issue are in each status (every status present, zeros included)."""
    counts = dict.fromkeys(NewsletterDelivery.Status.values, 0)
    for row in issue.deliveries.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def subscriber_counts() -> dict[str, int]:
    counts = dict.fromkeys(Subscriber.Status.values, 0)
    for row in Subscriber.objects.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
