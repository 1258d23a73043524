"""Sending events to live connections through the channel layer, without ever failing the caller.

Services call these after their transaction commits. When the channel layer (Redis) is unreachable the
event is dropped and logged: the write has happened, the page shows it on the next load, and the
clients, which saw their socket close, say that live updates are paused and reconnect with backoff.

Groups: "room.<id>" (everyone connected to a room), "user.<id>" (every socket of one member: live
notifications and the forced disconnect of a removed participant).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def group_send(group: str, event: dict) -> bool:
    """Send one event to a group; False (and a warning in the log) when the layer is unreachable."""
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
