"""Live discussions over WebSocket (Django Channels).

`RoomConsumer` serves ws/discussions/<slug>/: the client receives new, edited and deleted messages, who is
here now (presence) and its member's live notifications; it may post, edit and delete over the socket
(the same services as the HTTP forms, so the same checks and limits apply). `NotificationConsumer`
serves ws/notifications/ for pages that only want live notifications (bench-learning pages).

Close codes (the client shows why and does not reconnect on 44xx):
- 4401: not logged in (anonymous sockets are refused);
- 4403: not allowed in this private room, or removed from it while connected;
- 4404: no such room.
- 4503: the channel layer (Redis) became unreachable; the client says live updates are paused and
  reconnects with backoff (not 1011: daphne, which runserver uses, lets an application send only 1000
  and 3000-4999, and drops any other close silently).
Access to a private room is checked on connect and again on every frame the client sends; a member
taken out of a room is disconnected at once through their user group ("force.disconnect").

Blocking work (ORM, presence) runs in the event loop's thread pool (`_in_thread`, `_no_db`), not in the
one thread that thread-sensitive `database_sync_to_async` shares among all sockets of a process
(except the ORM on SQLite, which has a single writer).
"""

import logging
import time

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils.translation import gettext as _

from portal.cache_backends import UNREACHABLE

from . import access, discussion_services, live, presence
from .models import Message, Room

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_LAYER_DOWN = 4503
MAX_FRAME_CHARS = 16_000  # a message is at most DISCUSSION_MESSAGE_MAX_CHARS; JSON adds little
FRAMES_PER_WINDOW, FRAME_WINDOW = 30, 10.0  # any frame, per connection (posting has its own limit)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Shared behaviour: refuse anonymous sockets, join the member's own group, relay their events."""

    user_group: str | None = None

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except UNREACHABLE as error:
            # Redis went away (group_add on connect, or the layer's receive loop): close the socket so
            # the client says live updates are paused and comes back with backoff once Redis is back.
            logger.warning("channel layer unreachable, socket closed: %s", error)
            try:
                await send({"type": "websocket.close", "code": CLOSE_LAYER_DOWN})
            except Exception:  # the socket is gone already
                pass

    async def dispatch(self, message):
        # Channels' dispatch runs close_old_connections() before every handler, through the single
        # thread-sensitive thread: one thread hop per event and socket (a message to a room of 50 is
        # 50 hops, in one queue with every other socket's). The handlers here touch the database only
        # through _in_thread, which closes old connections in its own thread, so the hop is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def refuse(self, code: int) -> None:
        # Accept first: a close before the handshake completes becomes a plain HTTP 403 and the client
        # never sees our code.
        await self.accept()
        await self.close(code=code)

    async def join_user_group(self) -> bool:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return False
        self.user_group = live.user_group(user.pk)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        return True

    async def disconnect(self, code):
        if self.user_group:
            try:
                await self.channel_layer.group_discard(self.user_group, self.channel_name)
            except Exception:  # the layer is unreachable; its group entries expire on their own
                pass

    async def user_event(self, event):
        await self.send_json(event["event"])

    async def force_disconnect(self, event):
        pass


class NotificationConsumer(LiveConsumer):
    async def connect(self):
        if await self.join_user_group():
            await self.accept()


class RoomConsumer(LiveConsumer):
    room: Room | None = None

    async def connect(self):
        self.room = None
        self.frames: list[float] = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        room, refusal = await _open_room(user, self.scope["url_route"]["kwargs"]["slug"])
        if refusal:
            await self.refuse(refusal)
            return
        self.room = room
        self.room_group = live.room_group(room.pk)
        await self.join_user_group()
        await self.channel_layer.group_add(self.room_group, self.channel_name)
        await self.accept()
        await _no_db(presence.join)(
            room_id=room.pk, channel_name=self.channel_name, user_id=user.pk, name=str(user)
        )
        presence.schedule_broadcast(self.channel_layer, room_id=room.pk, group=self.room_group)

    async def disconnect(self, code):
        if self.room is not None:
            await _no_db(presence.leave)(room_id=self.room.pk, channel_name=self.channel_name)
            try:
                await self.channel_layer.group_discard(self.room_group, self.channel_name)
            except Exception:  # the layer is unreachable: its group entries expire on their own
                pass
            presence.schedule_broadcast(self.channel_layer, room_id=self.room.pk, group=self.room_group)
        await super().disconnect(code)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.room is None:
            return
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self.send_error("too_large", _("That message is too large to send."))
            return
        now = time.monotonic()
        self.frames = [t for t in self.frames if now - t < FRAME_WINDOW] + [now]
        if len(self.frames) > FRAMES_PER_WINDOW:
            await self.send_error("rate_limited", _("Too many actions at once. Please slow down."))
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        # One trip to a worker thread per frame: the access check (a removed participant is out) and the
        # action, in that order. Its live events are sent from here once the transaction has committed.
        with live.collecting() as events:
            try:
                outcome = await _act(
                    user=self.scope["user"],
                    room=self.room,
                    kind=kind,
                    content=content,
                    channel_name=self.channel_name,
                )
            except PermissionDenied as error:
                await self.send_error("forbidden", str(error) or _("You are not allowed to do this."))
                return
            except ValidationError as error:
                await self.send_error(
                    error.code or "invalid",
                    " ".join(error.messages),
                    client_id=content.get("client_id"),
                    retry_after=getattr(error, "retry_after", None),
                )
                return
        await live.send_collected(self.channel_layer, events)
        if outcome is _REMOVED:
            await self.close(code=CLOSE_FORBIDDEN)
        elif outcome is _PONG:
            await self.send_json({"type": "pong"})
        elif outcome is _UNKNOWN:
            await self.send_error("bad_request", _("Unknown action."))
        else:
            await self.send_json({"type": "ack", "client_id": content.get("client_id"), "id": outcome})

    async def send_error(self, code: str, message: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    async def room_event(self, event):
        await self.send_json(event["event"])

    async def force_disconnect(self, event):
        if self.room is not None and event.get("room_id") == self.room.pk:
            await self.send_json({"type": "removed", "message": _("You were removed from this room.")})
            await self.close(code=CLOSE_FORBIDDEN)


def _in_thread(function):
    """Run ORM work in the event loop's thread pool. Not in the thread-sensitive thread: that one thread
    is shared by all sockets of a process, so every socket's database work would wait in a single queue
    (a post behind the posts, joins and heartbeats of all other rooms). Except on SQLite: it has a
    single writer, and a transaction that reads before it writes fails at once ("database is locked")
    when another thread writes, so there the sockets' database work stays in one thread."""

    async def call(*args, **kwargs):
        serialised = connections["default"].vendor == "sqlite"
        return await database_sync_to_async(function, thread_sensitive=serialised)(*args, **kwargs)

    call.func = function
    return call


def _no_db(function):
    """Blocking work without the database (presence in Redis): the thread pool, everywhere."""
    return sync_to_async(function, thread_sensitive=False)


_REMOVED, _PONG, _UNKNOWN = object(), object(), object()


@_in_thread
def _open_room(user, slug: str) -> tuple[Room | None, int | None]:
    """(room, None) when the member may read the room, else (None, close code)."""
    room = Room.objects.filter(slug=slug).first()
    if room is None:
        return None, CLOSE_NOT_FOUND
    if not access.can_read_room(user, room):
        return None, CLOSE_FORBIDDEN
    return room, None


@_in_thread
def _act(*, user, room: Room, kind, content, channel_name: str):
    if not access.can_read_room(user, room):  # checked on every frame: a removed participant is out
        return _REMOVED
    if kind == "ping":
        presence.heartbeat(room_id=room.pk, channel_name=channel_name, user_id=user.pk, name=str(user))
        return _PONG
    handler = {"message.post": _post, "message.edit": _edit, "message.delete": _delete}.get(kind)
    if handler is None:
        return _UNKNOWN
    return handler(user=user, room=room, content=content)


def _body(content: dict) -> str:
    body = content.get("body")
    if not isinstance(body, str):
        raise ValidationError(_("Write a message first."), code="empty")
    return body


def _own_message(room: Room, content: dict) -> Message:
    try:
        return Message.objects.select_related("room").get(pk=int(content.get("id")), room=room)
    except (TypeError, ValueError, Message.DoesNotExist):
        raise ValidationError(_("That message does not exist in this room."), code="not_found") from None


def _post(*, user, room: Room, content: dict) -> int:
    reply_to = content.get("reply_to")
    reply_to_id = int(reply_to) if isinstance(reply_to, int | str) and str(reply_to).isdigit() else None
    return discussion_services.message_post(
        room=room, author=user, body=_body(content), reply_to_id=reply_to_id
    ).pk


def _edit(*, user, room: Room, content: dict) -> int:
    return discussion_services.message_edit(
        message=_own_message(room, content), by=user, body=_body(content)
    ).pk


def _delete(*, user, room: Room, content: dict) -> int:
    return discussion_services.message_delete(message=_own_message(room, content), by=user).pk
