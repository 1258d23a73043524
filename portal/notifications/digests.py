"""Digest e-mails: new content in what a member follows, plus their notifications, once per period.

Periods: "daily:2026-11-27", "weekly:2026-W48" and, for members who chose "at once", "hourly:2026-11-27T05"
(local time, settings.TIME_ZONE). Daily and weekly digests wait for settings.DIGEST_SEND_HOUR. A DigestLog
row per member and period, unique, is written in the same transaction as the sending: a digest is sent at
most once per period even when the job runs twice, or twice at the same time; nothing is sent (and nothing
logged) when there is nothing new, so a later run in the same period can still send one.

Run it from cron (`manage.py send_digests`, hourly) or as the django-tasks task
portal.notifications.tasks.send_digests.
"""

import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from portal.models import EmailFrequency

from .models import DigestLog, Follow, Notification
from .registry import DigestItem, TopicKey, digest_sources

logger = logging.getLogger(__name__)

PERIOD_LENGTH = {
    EmailFrequency.IMMEDIATE: timedelta(hours=1),
    EmailFrequency.DAILY: timedelta(days=1),
    EmailFrequency.WEEKLY: timedelta(days=7),
}
MAX_ITEMS = 50
MAX_NOTIFICATIONS = 50


def period_key(frequency: str, now: datetime) -> str | None:
    """The period a digest sent now belongs to, or None when none is due (before the sending hour)."""
    local = timezone.localtime(now)
    if frequency == EmailFrequency.IMMEDIATE:
        return f"hourly:{local:%Y-%m-%dT%H}"
    if frequency not in (EmailFrequency.DAILY, EmailFrequency.WEEKLY):
        return None
    if local.hour < getattr(settings, "DIGEST_SEND_HOUR", 7):
        return None
    if frequency == EmailFrequency.DAILY:
        return f"daily:{local.date().isoformat()}"
    year, week, _day = local.isocalendar()
    return f"weekly:{year}-W{week:02d}"


@dataclass
class DigestGroup:
    kind: str
    items: list[tuple[DigestItem, list[str]]]  # each item with the followed things that brought it


@dataclass
class Digest:
    groups: list[DigestGroup]
    notifications: list[Notification]

    @property
    def item_count(self) -> int:
        return sum(len(group.items) for group in self.groups) + len(self.notifications)

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0


@dataclass
class DigestRun:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    periods: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def collect_items(*, since: datetime, until: datetime) -> list[DigestItem]:
    """Every registered source's items published in (since, until]."""
    items = []
    for key, source in digest_sources().items():
        try:
            items.extend(i for i in source(since=since, until=until) if since < i.published_at <= until)
        except Exception:  # one broken source must not stop everybody's digest
            logger.exception("digest source %s failed", key)
    items.sort(key=lambda item: item.published_at, reverse=True)
    return items


def follow_labels(*, user) -> dict[TopicKey, str]:
    """What the member follows, as {(content type id, pk): label}."""
    by_type = defaultdict(list)
    for content_type_id, object_id in Follow.objects.filter(user=user).values_list(
        "content_type_id", "object_id"
    ):
        by_type[content_type_id].append(object_id)
    labels = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        for pk, obj in model._default_manager.in_bulk(ids).items():
            labels[(content_type_id, pk)] = str(obj)
    return labels


def digest_build(*, user, since: datetime, items: list[DigestItem]) -> Digest:
    """The member's digest from the collected items (newest first, grouped by kind)."""
    followed = follow_labels(user=user)
    groups: dict[str, DigestGroup] = {}
    count = 0
    for item in items:  # already newest first
        if item.published_at <= since:
            continue
        matched = item.topics & followed.keys()
        if not matched:
            continue
        group = groups.setdefault(str(item.kind), DigestGroup(kind=str(item.kind), items=[]))
        group.items.append((item, sorted(followed[key] for key in matched)))
        count += 1
        if count >= MAX_ITEMS:
            break
    notifications = list(
        Notification.objects.filter(
            recipient=user, by_email=True, emailed_at__isnull=True, read_at__isnull=True
        ).order_by("-created_at")[:MAX_NOTIFICATIONS]
    )
    return Digest(groups=list(groups.values()), notifications=notifications)


def _window_start(*, user, frequency: str, now: datetime) -> datetime:
    """From the end of the member's last digest (at most two periods back) or their joining."""
    last = (
        DigestLog.objects.filter(user=user)
        .order_by("-covered_until")
        .values_list("covered_until", flat=True)
        .first()
    )
    earliest = now - 2 * PERIOD_LENGTH[frequency]
    return max(last or user.date_joined, earliest)


def digest_send(*, user, period: str, since: datetime, until: datetime, items: list[DigestItem]) -> bool:
    """Send the member's digest for the period unless it was sent already or is empty. True when sent."""
    from portal.accounts.mail import absolute_url, send_templated_mail

    digest = digest_build(user=user, since=since, items=items)
    if digest.is_empty:
        return False
    try:
        with transaction.atomic():
            DigestLog.objects.create(
                user=user,
                period=period,
                covered_from=since,
                covered_until=until,
                item_count=digest.item_count,
            )
            Notification.objects.filter(pk__in=[n.pk for n in digest.notifications]).update(emailed_at=until)
            send_templated_mail(
                to=user.email,
                template="portal/email/digest",
                context={
                    "member": user,
                    "digest": digest,
                    "period": period,
                    "frequency": user.get_email_frequency_display(),
                    "notifications_url": absolute_url(reverse("notifications:list")),
                    "preferences_url": absolute_url(reverse("members:profile_edit") + "#email-preferences"),
                    "follows_url": absolute_url(reverse("notifications:follows")),
                },
            )
    except IntegrityError:  # another run sent this period's digest first
        return False
    return True


def digests_send_due(*, frequency: str = "all", now: datetime | None = None) -> DigestRun:
    """Send every digest due now (for one frequency or all). Safe to run repeatedly and concurrently."""
    now = now or timezone.now()
    frequencies = [f for f in PERIOD_LENGTH if frequency in ("all", f)]
    run = DigestRun()
    User = get_user_model()
    due = []
    for freq in frequencies:
        period = period_key(freq, now)
        if period is None:
            continue
        members = (
            User.objects.filter(is_active=True, email_frequency=freq)
            .exclude(Exists(DigestLog.objects.filter(user=OuterRef("pk"), period=period)))
            .order_by("pk")
        )
        due.extend((member, freq, period) for member in members.iterator(chunk_size=500))
    if not due:
        return run
    windows = {member.pk: _window_start(user=member, frequency=freq, now=now) for member, freq, _p in due}
    items = collect_items(since=min(windows.values()), until=now)
    for member, _freq, period in due:
        try:
            sent = digest_send(user=member, period=period, since=windows[member.pk], until=now, items=items)
        except Exception:
            logger.exception("digest for member %s failed", member.pk)
            run.failed += 1
            continue
        if sent:
            run.sent += 1
            run.periods[period] = run.periods.get(period, 0) + 1
        else:
            run.empty += 1
    return run
