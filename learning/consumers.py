"""Live discussions over WebSocket (Django Channels).

`RoomConsumer` serves ws/discussions/<slug>/: the client receives new, edited and deleted messages, who is
here now (presence) and its member's live notifications; it may post, edit and delete over the socket
(the same services as the HTTP forms, so the same checks and limits apply). `NotificationConsumer`
serves ws/notifications/ for pages that only want live notifications (bench-learning pages).

Close codes (the client shows why and does not reconnect on 44xx):
- 4401: not logged in (anonymous sockets are refused);
- 4403: not allowed in this private room, or removed from it while connected;
- 4404: no such room.
Access to a private room is checked on connect and again on every frame the client sends; a member
taken out of a room is disconnected at once through their user group ("force.disconnect").
"""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from . import access, discussion_services, live, presence
from .models import Message, Room

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
MAX_FRAME_CHARS = 16_000  # a message is at most DISCUSSION_MESSAGE_MAX_CHARS; JSON adds little
FRAMES_PER_WINDOW, FRAME_WINDOW = 30, 10.0  # any frame, per connection (posting has its own limit)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Shared behaviour: refuse anonymous sockets, join the member's own group, relay their events."""

    user_group: str | None = None

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
        room = await _room(self.scope["url_route"]["kwargs"]["slug"])
        if room is None:
            await self.refuse(CLOSE_NOT_FOUND)
            return
        if not await _can_read(user, room):
            await self.refuse(CLOSE_FORBIDDEN)
            return
        self.room = room
        self.room_group = live.room_group(room.pk)
        await self.join_user_group()
        await self.channel_layer.group_add(self.room_group, self.channel_name)
        await self.accept()
        await self._presence_changed(join=True)

    async def disconnect(self, code):
        if self.room is not None:
            await database_sync_to_async(presence.leave)(room_id=self.room.pk, channel_name=self.channel_name)
            try:
                await self.channel_layer.group_discard(self.room_group, self.channel_name)
                await self._broadcast_presence()
            except Exception:  # the layer is unreachable: nobody to tell
                pass
        await super().disconnect(code)

    async def _presence_changed(self, *, join: bool) -> None:
        user = self.scope["user"]
        await database_sync_to_async(presence.join)(
            room_id=self.room.pk, channel_name=self.channel_name, user_id=user.pk, name=str(user)
        )
        await self._broadcast_presence()

    async def _broadcast_presence(self) -> None:
        members = await database_sync_to_async(presence.members)(room_id=self.room.pk)
        await self.channel_layer.group_send(
            self.room_group, {"type": "room.event", "event": {"type": "presence", "members": members}}
        )

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
        user = self.scope["user"]
        if not await _can_read(user, self.room):  # checked on every frame: a removed participant is out
            await self.close(code=CLOSE_FORBIDDEN)
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await database_sync_to_async(presence.heartbeat)(
                room_id=self.room.pk, channel_name=self.channel_name, user_id=user.pk, name=str(user)
            )
            await self.send_json({"type": "pong"})
            return
        handlers = {"message.post": _post, "message.edit": _edit, "message.delete": _delete}
        if kind not in handlers:
            await self.send_error("bad_request", _("Unknown action."))
            return
        try:
            result = await handlers[kind](user=user, room=self.room, content=content)
        except PermissionDenied as error:
            await self.send_error("forbidden", str(error) or _("You are not allowed to do this."))
        except ValidationError as error:
            await self.send_error(
                error.code or "invalid",
                " ".join(error.messages),
                client_id=content.get("client_id"),
                retry_after=getattr(error, "retry_after", None),
            )
        else:
            await self.send_json({"type": "ack", "client_id": content.get("client_id"), "id": result})

    async def send_error(self, code: str, message: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    async def room_event(self, event):
        await self.send_json(event["event"])

    async def force_disconnect(self, event):
        if self.room is not None and event.get("room_id") == self.room.pk:
            await self.send_json({"type": "removed", "message": _("You were removed from this room.")})
            await self.close(code=CLOSE_FORBIDDEN)


@database_sync_to_async
def _room(slug: str) -> Room | None:
    return Room.objects.filter(slug=slug).first()


@database_sync_to_async
def _can_read(user, room: Room) -> bool:
    return access.can_read_room(user, room)


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


@database_sync_to_async
def _post(*, user, room: Room, content: dict) -> int:
    reply_to = content.get("reply_to")
    reply_to_id = int(reply_to) if isinstance(reply_to, int | str) and str(reply_to).isdigit() else None
    return discussion_services.message_post(
        room=room, author=user, body=_body(content), reply_to_id=reply_to_id
    ).pk


@database_sync_to_async
def _edit(*, user, room: Room, content: dict) -> int:
    return discussion_services.message_edit(
        message=_own_message(room, content), by=user, body=_body(content)
    ).pk


@database_sync_to_async
def _delete(*, user, room: Room, content: dict) -> int:
    return discussion_services.message_delete(message=_own_message(room, content), by=user).pk
