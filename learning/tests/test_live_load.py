"""What keeps a busy live room fast: presence that stays right under simultaneous joins from several
processes, one presence update per burst of joins instead of one per join, and a socket's database work
that never waits in a queue behind another socket's."""

import asyncio
import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import consumers, discussion_services, live, presence

from .test_consumers import connected, receive_type, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_posting_over_the_socket_costs_two_statements_and_sends_after_commit(room, member):
    with live.collecting() as events, CaptureQueriesContext(connection) as queries:
        message_id = consumers._act.func(
            user=member, room=room, kind="message.post", content={"body": "hi"}, channel_name="c"
        )
    # The mute and the rate window in one SELECT, the insert, and the transaction; the event waits for the
    # consumer to send it.
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements.count("SELECT") == 1 and statements.count("INSERT") == 1, statements
    assert events == [
        ("room." + str(room.pk), {"type": "room.event", "event": mock.ANY}),
    ]
    assert events[0][1]["event"]["message"]["id"] == message_id


def test_simultaneous_joins_all_stay_present(room):
    """Forty connections joining at the same moment from forty threads (as several server processes
    would): none overwrites another's entry."""
    barrier = threading.Barrier(40)

    def join(i):
        barrier.wait()
        presence.join(room_id=room.pk, channel_name=f"specific.p{i % 2}!c{i}", user_id=i, name=f"M {i:02}")

    threads = [threading.Thread(target=join, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert [m["id"] for m in presence.members(room_id=room.pk)] == list(range(40))
        presence.leave(room_id=room.pk, channel_name="specific.p1!c1")
        assert 1 not in {m["id"] for m in presence.members(room_id=room.pk)}
    finally:
        for i in range(40):
            presence.leave(room_id=room.pk, channel_name=f"specific.p{i % 2}!c{i}")


def test_a_dead_process_s_connections_expire(room):
    with mock.patch.object(presence, "PRESENCE_TTL", -1):
        presence.join(room_id=room.pk, channel_name="specific.dead!1", user_id=7, name="Gone")
    presence.join(room_id=room.pk, channel_name="specific.alive!1", user_id=8, name="Here")
    try:
        assert presence.members(room_id=room.pk) == [{"id": 8, "name": "Here"}]
    finally:
        presence.leave(room_id=room.pk, channel_name="specific.alive!1")
        presence.leave(room_id=room.pk, channel_name="specific.dead!1")


def test_a_burst_of_joins_reaches_the_room_as_one_presence_update(room, member, other_member):
    async def scenario():
        async with connected(member, room.slug) as (mia, _ok):
            first = await receive_type(mia, "presence")
            assert [p["name"] for p in first["members"]] == ["Mia Member"]
            others = [connected(other_member, room.slug) for _ in range(8)]
            await asyncio.gather(*(other.__aenter__() for other in others))
            try:
                updates = []
                while not await mia.receive_nothing(timeout=presence.PRESENCE_BROADCAST_DELAY * 3):
                    updates.append(await mia.receive_json_from())
                assert [p["name"] for p in updates[-1]["members"]] == ["Mia Member", "Oskar Other"]
                # The eight joins reach Mia as one update (two if they straddle the delay), not eight.
                assert 1 <= len(updates) <= 2, updates
            finally:
                for other in reversed(others):
                    await other.__aexit__(None, None, None)

    run(scenario)


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite has one writer: socket database work stays in one thread"
)
def test_a_slow_post_does_not_hold_up_other_sockets(room, member, other_member):
    """A post stuck in the database must not delay another socket's frames: the old consumers ran every
    socket's database work in the one thread-sensitive thread of the process."""
    release = threading.Event()
    original = discussion_services.message_post

    def slow_post(**kwargs):
        release.wait(timeout=10)
        return original(**kwargs)

    async def scenario():
        async with (
            connected(member, room.slug) as (mia, _ok1),
            connected(other_member, room.slug) as (oskar, _ok2),
        ):
            await mia.send_json_to({"type": "message.post", "body": "slow", "client_id": "s"})
            await mia.receive_nothing(timeout=0.3)  # Mia's post is now waiting in its thread
            started = time.monotonic()
            await oskar.send_json_to({"type": "ping"})
            assert (await receive_type(oskar, "pong", timeout=3))["type"] == "pong"
            assert time.monotonic() - started < 2
            release.set()
            assert (await receive_type(mia, "ack", timeout=5))["client_id"] == "s"

    with mock.patch.object(discussion_services, "message_post", slow_post):
        try:
            run(scenario)
        finally:
            release.set()
