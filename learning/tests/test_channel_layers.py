"""The Redis channel layer of live discussions (portal/channel_layers.py) against a redis-server of the
test's own: a group is one subscription per process, fanned out in the process; a socket that stopped
reading gets at most `capacity` messages; when Redis goes away every waiting socket hears it, and the
layer starts afresh once Redis is back; two databases of one Redis never hear each other."""

import asyncio
import shutil

import pytest
import redis
from asgiref.sync import async_to_sync

from portal.channel_layers import ChannelLayerUnreachable, PubSubChannelLayer
from portal.settings.base import redis_channel_layer

from .redis_server import OwnRedis

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_layer(url: str, **config) -> PubSubChannelLayer:
    settings = redis_channel_layer(url)
    assert settings["BACKEND"] == "portal.channel_layers.PubSubChannelLayer"
    return PubSubChannelLayer(**{**settings["CONFIG"], **config})


def subscribers(server: OwnRedis, channel: str) -> int:
    return dict(redis.Redis.from_url(server.url).pubsub_numsub(channel))[channel.encode()]


def run(coroutine_function):
    async_to_sync(coroutine_function)()


def test_a_group_is_one_subscription_per_process_and_reaches_every_member(own_redis):
    async def scenario():
        process_a, process_b = make_layer(own_redis.url), make_layer(own_redis.url)
        members_a = [await process_a.new_channel() for _ in range(3)]
        member_b = await process_b.new_channel()
        for channel in members_a:
            await process_a.group_add("room.1", channel)
        await process_b.group_add("room.1", member_b)
        assert subscribers(own_redis, "ucc.0.__group__room.1") == 2  # one per process, not one per socket

        await process_b.group_send("room.1", {"type": "room.event", "event": {"n": 1}})
        for channel in members_a:
            assert await asyncio.wait_for(process_a.receive(channel), 2) == {
                "type": "room.event",
                "event": {"n": 1},
            }
        assert (await asyncio.wait_for(process_b.receive(member_b), 2))["event"] == {"n": 1}

        await process_a.group_discard("room.1", members_a[0])
        await process_b.group_send("room.1", {"type": "room.event", "event": {"n": 2}})
        assert (await asyncio.wait_for(process_a.receive(members_a[1]), 2))["event"] == {"n": 2}
        with pytest.raises(asyncio.TimeoutError):  # taken out of the group: hears nothing more
            await asyncio.wait_for(process_a.receive(members_a[0]), 0.5)
        await process_a.flush()
        await process_b.flush()

    run(scenario)


def test_a_socket_that_stops_reading_gets_at_most_capacity_messages(own_redis):
    async def scenario():
        layer = make_layer(own_redis.url, capacity=3)
        slow, witness = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("room.1", slow)
        for n in range(5):
            await layer.group_send("room.1", {"type": "room.event", "n": n})
        await layer.send(witness, {"type": "done"})  # published after the five, read after them
        assert (await asyncio.wait_for(layer.receive(witness), 2))["type"] == "done"
        assert [(await asyncio.wait_for(layer.receive(slow), 2))["n"] for _ in range(3)] == [0, 1, 2]
        with pytest.raises(asyncio.TimeoutError):  # 3 and 4 found the queue full: dropped
            await asyncio.wait_for(layer.receive(slow), 0.5)
        await layer.flush()

    run(scenario)


def test_every_waiting_socket_hears_that_redis_went_away_and_the_layer_starts_afresh(own_redis):
    async def scenario():
        layer = make_layer(own_redis.url)
        channels = [await layer.new_channel() for _ in range(2)]
        for channel in channels:
            await layer.group_add("room.1", channel)
        waiting = [asyncio.create_task(layer.receive(channel)) for channel in channels]
        await asyncio.sleep(0.2)
        own_redis.stop()
        for task in waiting:
            with pytest.raises(ChannelLayerUnreachable):
                await asyncio.wait_for(task, 5)

        with pytest.raises(redis.ConnectionError):  # a new socket is refused while Redis is down...
            await layer.new_channel()
        assert layer._get_layer().channels == {}  # ...and leaves nothing behind

        own_redis.start()
        channel = await layer.new_channel()
        await layer.group_add("room.1", channel)
        # Only the new socket's subscriptions: the dead sockets' were forgotten, not renewed.
        assert subscribers(own_redis, channels[0]) == 0
        assert subscribers(own_redis, "ucc.0.__group__room.1") == 1
        await layer.group_send("room.1", {"type": "room.event", "n": "back"})
        assert (await asyncio.wait_for(layer.receive(channel), 2))["n"] == "back"
        await layer.flush()

    run(scenario)


def test_two_databases_of_one_redis_do_not_hear_each_other(own_redis):
    site_1 = own_redis.url.rsplit("/", 1)[0] + "/1"
    site_2 = own_redis.url.rsplit("/", 1)[0] + "/2"
    assert redis_channel_layer(site_1)["CONFIG"]["prefix"] == "ucc.1."

    async def scenario():
        layer_1, layer_2 = make_layer(site_1), make_layer(site_2)
        listener_1, listener_2 = await layer_1.new_channel(), await layer_2.new_channel()
        await layer_1.group_add("room.1", listener_1)
        await layer_2.group_add("room.1", listener_2)
        await layer_2.group_send("room.1", {"type": "room.event", "site": 2})
        assert (await asyncio.wait_for(layer_2.receive(listener_2), 2))["site"] == 2
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(layer_1.receive(listener_1), 0.5)
        await layer_1.flush()
        await layer_2.flush()

    run(scenario)
