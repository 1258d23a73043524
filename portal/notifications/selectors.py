"""Reads of the notifications package."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import Follow, Notification


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(*, user) -> QuerySet:
    return Notification.objects.filter(recipient=user)


def is_following(*, user, target) -> bool:
    if not user.is_authenticated:
        return False
    target = getattr(target, "specific", target)
    return Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).exists()


def follows_by_type(*, user) -> list[tuple[str, list]]:
    """What the member follows, grouped by the followed model's plural name, each with its target."""
    groups = defaultdict(list)
    for follow in Follow.objects.filter(user=user).select_related("content_type"):
        target = follow.target
        if target is not None:
            groups[str(target._meta.verbose_name_plural).capitalize()].append(target)
    return sorted((kind, sorted(targets, key=str)) for kind, targets in groups.items())


def followers_of(*, target) -> QuerySet:
    """The members following something (for apps that notify followers directly)."""
    from django.contrib.auth import get_user_model

    target = getattr(target, "specific", target)
    return get_user_model().objects.filter(
        is_active=True,
        follows__content_type=ContentType.objects.get_for_model(target),
        follows__object_id=target.pk,
    )


def followable_sections():
    """Live section pages (events, practice library...) a member can follow, in tree order."""
    from wagtail.models import Page

    from .registry import section_models

    types = [ContentType.objects.get_for_model(model) for model in section_models()]
    return Page.objects.live().filter(content_type__in=types).order_by("path")
