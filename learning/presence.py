"""Who is in a room now, shared by every server process through Redis when REDIS_URL is set.

Each room is one Redis hash `presence:<room>`: a field per live connection (its channel name) whose value
holds the member and the moment the entry expires. Joining is one HSET, leaving one HDEL: atomic per
connection, so two processes (or two hundred simultaneous joins) never overwrite each other's entries,
as a read-modify-write of one pickled set did. Entries are renewed by the client's heartbeat; those of a
process that died without a clean disconnect are past their expiry, skipped by `members()` and removed
by it, so the list heals itself within PRESENCE_TTL seconds. The whole hash expires when a room stays
idle. Without Redis (development, the default test settings) a dictionary in the process does the same.

The room hears about changes through `schedule_broadcast()`: a join or leave does not send the member
list to everyone at once (500 joins x 50 members each would be 25,000 events); each process sends the
current list to the room at most once per PRESENCE_BROADCAST_DELAY seconds, after the last change.

Every function swallows cache errors: presence is a nicety and must never break a room.
"""

import asyncio
import json
import logging
import threading
import time
import weakref

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

PRESENCE_TTL = 70  # seconds; clients send a heartbeat every 25 s
HEARTBEAT_SECONDS = 25
PRESENCE_BROADCAST_DELAY = 0.5  # seconds: joins and leaves within it reach the room as one list

_local: dict[int, dict[str, tuple[int, str, float]]] = {}  # without Redis: room -> channel -> entry
_local_lock = threading.Lock()


_clients: dict[str, object] = {}  # one Redis client (and connection pool) per process and cache location


def _redis():
    """The Redis client of the cache, or None when the cache is not Redis. One per process: Django keeps
    a cache instance per async context, so through `caches` every socket would open its own connection
    pool, and its own connection to Redis on its first join."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    location = ",".join(cache._servers)
    client = _clients.get(location)
    if client is None:
        client = _clients.setdefault(location, cache._cache.get_client(write=True))
    return client


def _key(room_id: int) -> str:
    return caches["default"].make_and_validate_key(f"presence:{room_id}")


def join(*, room_id: int, channel_name: str, user_id: int, name: str) -> None:
    expires = time.time() + PRESENCE_TTL
    try:
        client = _redis()
        if client is None:
            with _local_lock:
                _local.setdefault(room_id, {})[channel_name] = (user_id, name, expires)
            return
        key = _key(room_id)
        pipe = client.pipeline(transaction=False)
        pipe.hset(key, channel_name, json.dumps([user_id, name, expires]))
        pipe.expire(key, PRESENCE_TTL * 4)
        pipe.execute()
    except Exception as error:
        logger.warning("presence unavailable: %s", error)


def heartbeat(*, room_id: int, channel_name: str, user_id: int, name: str) -> None:
    join(room_id=room_id, channel_name=channel_name, user_id=user_id, name=name)


def leave(*, room_id: int, channel_name: str) -> None:
    try:
        client = _redis()
        if client is None:
            with _local_lock:
                _local.get(room_id, {}).pop(channel_name, None)
            return
        client.hdel(_key(room_id), channel_name)
    except Exception as error:
        logger.warning("presence unavailable: %s", error)


def members(*, room_id: int) -> list[dict]:
    """The distinct members connected to the room, by name: [{"id": 3, "name": "Riikka Virtanen"}]."""
    now = time.time()
    try:
        client = _redis()
        if client is None:
            with _local_lock:
                entries = dict(_local.get(room_id, {}))
        else:
            key = _key(room_id)
            entries = {channel.decode(): json.loads(value) for channel, value in client.hgetall(key).items()}
            expired = [channel for channel, (_u, _n, expires) in entries.items() if expires <= now]
            if expired:  # connections of a process that died: forget them
                client.hdel(key, *expired)
    except Exception as error:
        logger.warning("presence unavailable: %s", error)
        return []
    people = {user_id: name for user_id, name, expires in entries.values() if expires > now}
    return [
        {"id": user_id, "name": name} for user_id, name in sorted(people.items(), key=lambda item: item[1])
    ]


# --- Telling the room -----------------------------------------------------------------------------------

_pending: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = weakref.WeakKeyDictionary()


def schedule_broadcast(channel_layer, *, room_id: int, group: str) -> None:
    """Send the room's member list to the room soon, unless this process already means to: changes
    within PRESENCE_BROADCAST_DELAY seconds are sent together (the list is read when it is sent)."""
    loop = asyncio.get_running_loop()
    pending = _pending.setdefault(loop, {})
    if room_id in pending:
        return
    pending[room_id] = loop.create_task(_broadcast_later(channel_layer, room_id=room_id, group=group))


async def _broadcast_later(channel_layer, *, room_id: int, group: str) -> None:
    from asgiref.sync import sync_to_async

    try:
        await asyncio.sleep(PRESENCE_BROADCAST_DELAY)
    finally:
        # From here on a new change schedules a new broadcast: it might not be in the list read below.
        _pending.get(asyncio.get_running_loop(), {}).pop(room_id, None)
    present = await sync_to_async(members, thread_sensitive=False)(room_id=room_id)
    try:
        await channel_layer.group_send(
            group, {"type": "room.event", "event": {"type": "presence", "members": present}}
        )
    except Exception as error:  # the layer is unreachable: nobody to tell
        logger.warning("presence broadcast to %s dropped: %s", group, error)
