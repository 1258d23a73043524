"""The live room through a Redis that goes away and comes back: a redis-server of the test's own, on a free
port, stopped and started again (runs wherever the `redis-server` binary is, as on CI machines).

While Redis is down the open sockets are closed (so the page says live updates are paused and the client
reconnects with backoff), new sockets are refused, pages render and posting over HTTP works; once it is
back, sockets connect again and messages reach everyone live.
"""

import asyncio
import shutil

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from learning import consumers, presence
from learning.models import Message
from portal.settings.base import redis_channel_layer

from .redis_server import OwnRedis
from .test_consumers import application, connected, receive_type, run

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def own_redis(tmp_path, settings):
    server = OwnRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "portal.cache_backends.ResilientRedisCache", "LOCATION": server.url}
    }
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(server.url)}  # as with REDIS_URL
    try:
        yield server
    finally:
        server.stop()


def chat(room, first, second, body: str):
    """`first` posts over the socket; `second` must receive it live."""

    async def scenario():
        async with connected(first, room.slug) as (a, ok1), connected(second, room.slug) as (b, ok2):
            assert ok1 and ok2
            await a.send_json_to({"type": "message.post", "body": body, "client_id": body})
            assert (await receive_type(a, "ack"))["client_id"] == body
            received = await receive_type(b, "message.new")
            assert received["message"]["html"] == f"<p>{body}</p>\n"

    run(scenario)


def test_live_room_through_a_redis_restart(own_redis, client, room, member, other_member):
    chat(room, member, other_member, "before the outage")
    assert {p["name"] for p in presence.members(room_id=room.pk)} == set()  # both left cleanly

    async def open_socket_sees_the_outage():
        async with connected(member, room.slug) as (mia, ok):
            assert ok
            await receive_type(mia, "presence")
            assert presence.members(room_id=room.pk) == [{"id": member.pk, "name": "Mia Member"}]
            own_redis.stop()
            closed = await mia.receive_output(timeout=5)
            assert closed == {"type": "websocket.close", "code": consumers.CLOSE_LAYER_DOWN}

    run(open_socket_sees_the_outage)

    async def new_socket_is_refused():
        communicator = WebsocketCommunicator(application(), f"/ws/discussions/{room.slug}/")
        communicator.scope["user"] = member
        accepted, code = await communicator.connect(timeout=5)
        assert not accepted  # the browser sees the handshake fail, and tries again later
        await communicator.wait(timeout=1)

    run(new_socket_is_refused)

    client.force_login(member)
    page = client.get(f"/discussions/{room.slug}/")
    assert page.status_code == 200 and b"Digital inclusion" in page.content
    assert presence.members(room_id=room.pk) == []  # presence reads nothing, and does not fail
    response = client.post(f"/discussions/{room.slug}/", {"body": "posted over HTTP while Redis is down"})
    assert response.status_code == 302
    assert Message.objects.filter(body="posted over HTTP while Redis is down").exists()
    assert b"posted over HTTP while Redis is down" in client.get(f"/discussions/{room.slug}/").content

    own_redis.start()
    chat(room, other_member, member, "after the restart")
    assert Message.objects.count() == 3


def test_sockets_share_one_presence_connection_pool(own_redis):
    """Django keeps a cache instance per async context: through it every socket opened its own pool
    and its own connection to Redis. Presence keeps one client per process."""
    pools = set()

    async def socket_joins():
        pools.add(id((await sync_to_async(presence._redis, thread_sensitive=False)()).connection_pool))

    async def five_sockets():
        await asyncio.gather(*(asyncio.create_task(socket_joins()) for _ in range(5)))

    run(five_sockets)
    assert len(pools) == 1


def test_a_quiet_room_keeps_its_sockets(own_redis, room, member, other_member):
    """Nothing happens in the room for longer than redis-py's default read timeout of 5 s: the sockets stay
    open (with the core layer's 5 s BZPOPMIN and that timeout they were closed every ~5 s)."""

    async def scenario():
        async with connected(member, room.slug) as (mia, ok1), connected(other_member, room.slug) as (b, ok2):
            assert ok1 and ok2
            await receive_type(mia, "presence")
            assert await mia.receive_nothing(timeout=7, interval=0.5)
            await b.send_json_to({"type": "message.post", "body": "still here", "client_id": "q"})
            assert (await receive_type(mia, "message.new"))["message"]["html"] == "<p>still here</p>\n"

    run(scenario)


def test_the_first_socket_after_a_restart_gets_in(own_redis, room, member, other_member):
    """The process's pooled connections to the old Redis are dead after a restart: the layer retries on a
    fresh one instead of refusing the socket (the browser would back off for longer and longer)."""

    async def scenario():
        async with connected(member, room.slug) as (mia, ok):
            assert ok
            await receive_type(mia, "presence")
        own_redis.stop()
        own_redis.start()
        async with connected(other_member, room.slug) as (oskar, ok):
            assert ok
            await oskar.send_json_to({"type": "message.post", "body": "first in", "client_id": "f"})
            assert (await receive_type(oskar, "message.new"))["message"]["html"] == "<p>first in</p>\n"

    run(scenario)
