"""Who is in a room now, kept in the shared cache (Redis when REDIS_URL is set) so every server process
sees the same list.

Each live connection writes its own key `presence:<room>:<channel>` with a short time to live, renewed by
the client's heartbeat; the room keeps an index of its connection keys. A process that dies without a
clean disconnect leaves keys that simply expire, so the list heals itself within PRESENCE_TTL seconds.
Every function swallows cache errors: presence is a nicety and must never break a room.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

PRESENCE_TTL = 70  # seconds; clients send a heartbeat every 25 s
HEARTBEAT_SECONDS = 25


def _index_key(room_id: int) -> str:
    return f"presence:{room_id}:index"


def _connection_key(room_id: int, channel_name: str) -> str:
    return f"presence:{room_id}:{channel_name}"


def join(*, room_id: int, channel_name: str, user_id: int, name: str) -> None:
    try:
        cache.set(_connection_key(room_id, channel_name), (user_id, name), PRESENCE_TTL)
        index = set(cache.get(_index_key(room_id)) or ())
        # Drop connections whose key expired (a crashed process), keep this one.
        alive = cache.get_many([_connection_key(room_id, channel) for channel in index]) if index else {}
        index = {channel for channel in index if _connection_key(room_id, channel) in alive}
        index.add(channel_name)
        cache.set(_index_key(room_id), index, PRESENCE_TTL * 4)
    except Exception as error:
        logger.warning("presence unavailable: %s", error)


def heartbeat(*, room_id: int, channel_name: str, user_id: int, name: str) -> None:
    join(room_id=room_id, channel_name=channel_name, user_id=user_id, name=name)


def leave(*, room_id: int, channel_name: str) -> None:
    try:
        cache.delete(_connection_key(room_id, channel_name))
        index = set(cache.get(_index_key(room_id)) or ())
        index.discard(channel_name)
        cache.set(_index_key(room_id), index, PRESENCE_TTL * 4)
    except Exception as error:
        logger.warning("presence unavailable: %s", error)


def members(*, room_id: int) -> list[dict]:
    """The distinct members connected to the room, by name: [{"id": 3, "name": "Riikka Virtanen"}]."""
    try:
        index = set(cache.get(_index_key(room_id)) or ())
        if not index:
            return []
        found = cache.get_many([_connection_key(room_id, channel) for channel in index])
    except Exception as error:
        logger.warning("presence unavailable: %s", error)
        return []
    people = {user_id: name for user_id, name in found.values()}
    return [
        {"id": user_id, "name": name} for user_id, name in sorted(people.items(), key=lambda item: item[1])
    ]
