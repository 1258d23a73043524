"""Reads of discussions: rooms, a page of history, mutes, the report queue, live event payloads."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from .models import Message, MessageReport, Mute, Room

PAGE_SIZE = 30


def active_mute(*, user) -> Mute | None:
    if not user.is_authenticated:
        return None
    return (
        Mute.objects.filter(user=user, until__gt=timezone.now(), lifted_at__isnull=True)
        .order_by("-until")
        .first()
    )


def open_rooms() -> list[Room]:
    """Topic and theme rooms with their message count and last activity, for the rooms list."""
    return list(
        Room.objects.filter(kind__in=[Room.Kind.TOPIC, Room.Kind.THEME])
        .select_related("subpillar")
        .annotate(
            message_count=Count("messages", filter=Q(messages__deleted_at=None, messages__hidden_at=None)),
            last_at=Max("messages__created_at"),
        )
        .order_by("kind", "sort_order", "title")
    )


def recent_threads(limit: int = 10) -> list[Room]:
    return list(
        Room.objects.filter(kind=Room.Kind.THREAD, messages__isnull=False)
        .select_related("page")
        .annotate(message_count=Count("messages"), last_at=Max("messages__created_at"))
        .order_by("-last_at")[:limit]
    )


def private_rooms_of(*, user) -> list[Room]:
    if not user.is_authenticated:
        return []
    return list(user.private_rooms.annotate(last_at=Max("messages__created_at")).order_by("-last_at"))


@dataclass
class HistoryPage:
    messages: list[Message]  # oldest first
    older_cursor: int | None  # pass as ?before= to load the page before these


def room_history(*, room: Room, before: int | None = None, size: int = PAGE_SIZE) -> HistoryPage:
    """The `size` most recent messages (before message id `before`), oldest first. Deleted and hidden
    messages keep their place as a placeholder, so replies to them still make sense."""
    messages = Message.objects.filter(room=room).select_related("author", "reply_to", "reply_to__author")
    if before:
        messages = messages.filter(pk__lt=before)
    chunk = list(messages.order_by("-pk")[: size + 1])
    older = chunk[size - 1].pk if len(chunk) > size else None
    return HistoryPage(messages=list(reversed(chunk[:size])), older_cursor=older)


def report_queue() -> list[MessageReport]:
    return list(
        MessageReport.objects.filter(status=MessageReport.Status.OPEN)
        .select_related("message", "message__author", "message__room", "reporter")
        .order_by("created_at")
    )


def active_mutes() -> list[Mute]:
    return list(
        Mute.objects.filter(until__gt=timezone.now(), lifted_at__isnull=True).select_related(
            "user", "created_by"
        )
    )


def message_event(message: Message) -> dict:
    """What a live client needs to show a message (the HTML is already sanitised)."""
    reply = message.reply_to
    return {
        "id": message.pk,
        "author": str(message.author),
        "author_id": message.author_id,
        "html": message.body_html if message.is_visible else "",
        "created_at": message.created_at.isoformat(),
        "created_label": timezone.localtime(message.created_at).strftime("%d %b %Y, %H:%M"),
        "edited": message.edited_at is not None,
        "reply_to": (
            {
                "id": reply.pk,
                "author": str(reply.author),
                "excerpt": reply.body[:80] if reply.is_visible else "",
            }
            if reply
            else None
        ),
    }
