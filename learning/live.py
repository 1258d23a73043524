"""Sending events to live connections through the channel layer, without ever failing the caller.

Services call these after their transaction commits. When the channel layer (Redis) is unreachable the
event is dropped and logged: the write has happened, the page shows it on the next load, and the
clients, which saw their socket close, say that live updates are paused and reconnect with backoff.

Groups: "room.<id>" (everyone connected to a room), "user.<id>" (every socket of one member: live
notifications and the forced disconnect of a removed participant).

A consumer that runs a service in a worker thread collects the service's events with `collecting()` and
sends them itself once the thread returns (`send_collected`): the thread then never waits on the event
loop for Redis, and the events still leave only after the transaction committed.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Set by a consumer around a service call: (group, event) pairs to send later instead of now.
_collected: ContextVar[list | None] = ContextVar("live_collected", default=None)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


@contextmanager
def collecting():
    """Within this block (and the sync_to_async threads it starts) events are collected, not sent."""
    events: list[tuple[str, dict]] = []
    token = _collected.set(events)
    try:
        yield events
    finally:
        _collected.reset(token)


async def send_collected(layer, events: list[tuple[str, dict]]) -> None:
    for group, event in events:
        try:
            await layer.group_send(group, event)
        except Exception as error:  # as group_send: never fail the caller
            logger.warning("channel layer unreachable, live event to %s dropped: %s", group, error)


def group_send(group: str, event: dict) -> bool:
    """Send one event to a group; False (and a warning in the log) when the layer is unreachable."""
    collected = _collected.get()
    if collected is not None:
        collected.append((group, event))
        return True
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception as error:  # Redis down, timeout, connection reset: never break the HTTP request
        logger.warning("channel layer unreachable, live event to %s dropped: %s", group, error)
        return False
    return True


def send_to_room(room_id: int, event: dict) -> bool:
    return group_send(room_group(room_id), {"type": "room.event", "event": event})


def send_to_user(user_id: int, event: dict) -> bool:
    return group_send(user_group(user_id), {"type": "user.event", "event": event})


def force_disconnect(user_id: int, *, room_id: int) -> bool:
    """Close every socket the member has open on this room (they were removed from it)."""
    return group_send(user_group(user_id), {"type": "force.disconnect", "room_id": room_id})


def client_texts() -> dict[str, str]:
    """The translated sentences live.js shows (passed to the page with json_script)."""
    from django.utils.translation import gettext as _

    return {
        "connecting": _("Connecting to live updates…"),
        "live": _("Live: new messages appear as they are posted."),
        "paused": _(
            "Live updates are paused: the connection was lost. Trying again in {seconds} s. "
            "You can still post; the page will reload."
        ),
        "closed_4401": _("Log in again to see live updates."),
        "closed_4403": _("You do not have access to this room."),
        "closed_4404": _("This room no longer exists."),
        "deleted": _("This message was deleted by its author."),
        "hidden": _("This message was hidden by a moderator."),
        "replying": _("Replying to {author}"),
        "nobody": _("Nobody is connected live."),
    }
