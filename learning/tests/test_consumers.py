"""The live room over WebSocket, through the configured channel layer (Redis when REDIS_URL is set, as in
CI). Every communicator is disconnected, even when an assertion fails."""

import os
from contextlib import asynccontextmanager

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import path

from learning import consumers, discussion_services
from learning.models import Message

# serialized_rollback: the flush after each test must not re-create content types that a later
# serialized_rollback test (events concurrency) restores, or it hits duplicate keys.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def application(alias: str = "default"):
    return URLRouter(
        [path("ws/discussions/<slug:slug>/", consumers.RoomConsumer.as_asgi(channel_layer_alias=alias))]
    )


@asynccontextmanager
async def connected(user, slug: str, *, alias: str = "default"):
    communicator = WebsocketCommunicator(application(alias), f"/ws/discussions/{slug}/")
    communicator.scope["user"] = user
    try:
        connected, _subprotocol = await communicator.connect()
        yield communicator, connected
    finally:
        await communicator.disconnect()


async def receive_type(communicator, kind: str, timeout: float = 3) -> dict:
    """The next event of this type (presence updates may come first)."""
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] == kind:
            return event


def run(coroutine_function):
    async_to_sync(coroutine_function)()


def test_anonymous_socket_is_closed_with_4401(room):
    async def scenario():
        async with connected(AnonymousUser(), room.slug) as (communicator, accepted):
            assert accepted
            assert (await communicator.receive_output(timeout=2))["code"] == consumers.CLOSE_UNAUTHENTICATED

    run(scenario)


def test_outsider_of_a_private_room_is_closed_with_4403(private_room, other_member):
    async def scenario():
        async with connected(other_member, private_room.slug) as (communicator, _accepted):
            assert (await communicator.receive_output(timeout=2))["code"] == consumers.CLOSE_FORBIDDEN

    run(scenario)


def test_post_over_the_socket_reaches_everyone_in_the_room(room, member, other_member):
    async def scenario():
        async with (
            connected(member, room.slug) as (mia, ok1),
            connected(other_member, room.slug) as (oskar, ok2),
        ):
            assert ok1 and ok2
            presence = await receive_type(oskar, "presence")
            assert {p["name"] for p in presence["members"]} <= {"Mia Member", "Oskar Other"}
            await mia.send_json_to({"type": "message.post", "body": "Hello *both*", "client_id": "c1"})
            ack = await receive_type(mia, "ack")
            received = await receive_type(oskar, "message.new")
            assert received["message"]["id"] == ack["id"]
            assert received["message"]["html"] == "<p>Hello <em>both</em></p>\n"
            assert received["message"]["author"] == "Mia Member"
            await oskar.send_json_to({"type": "message.edit", "id": ack["id"], "body": "not mine"})
            assert (await receive_type(oskar, "error"))["code"] == "forbidden"

    run(scenario)
    assert Message.objects.get().body == "Hello *both*"


@override_settings(DISCUSSION_RATE_LIMIT="1/60")
def test_rate_limit_answers_with_a_clear_error(room, member):
    async def scenario():
        async with connected(member, room.slug) as (mia, _ok):
            await mia.send_json_to({"type": "message.post", "body": "one", "client_id": "a"})
            await receive_type(mia, "ack")
            await mia.send_json_to({"type": "message.post", "body": "two", "client_id": "b"})
            error = await receive_type(mia, "error")
            assert error["code"] == "rate_limited" and error["retry_after"] >= 1
            assert "too fast" in error["message"]

    run(scenario)


def test_removed_participant_is_disconnected(private_room, member, moderator):
    async def scenario():
        async with connected(member, private_room.slug) as (mia, ok):
            assert ok
            await sync_to_async(discussion_services.room_participant_remove)(
                room=private_room, member=member, by=moderator
            )
            assert (await receive_type(mia, "removed"))["type"] == "removed"
            assert (await mia.receive_output(timeout=2))["code"] == consumers.CLOSE_FORBIDDEN

    run(scenario)


def test_edits_and_deletions_from_http_reach_the_socket(room, member, other_member):
    message = discussion_services.message_post(room=room, author=member, body="first")

    async def scenario():
        async with connected(other_member, room.slug) as (oskar, ok):
            assert ok
            await sync_to_async(discussion_services.message_edit)(
                message=message, by=member, body="first, edited"
            )
            edited = await receive_type(oskar, "message.edit")
            assert edited["message"]["html"] == "<p>first, edited</p>\n"
            await sync_to_async(discussion_services.message_delete)(message=message, by=member)
            assert (await receive_type(oskar, "message.delete"))["id"] == message.pk

    run(scenario)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="two layer instances need Redis (REDIS_URL)")
def test_two_layer_instances_exchange_a_message_through_redis(room, member, other_member):
    """Two consumers on separate channel layer instances, as in two server processes."""
    layers = {
        "default": settings.CHANNEL_LAYERS["default"],
        "second": dict(settings.CHANNEL_LAYERS["default"]),
    }
    assert layers["default"]["BACKEND"] == "portal.channel_layers.PubSubChannelLayer"

    async def scenario():
        async with (
            connected(member, room.slug, alias="default") as (mia, ok1),
            connected(other_member, room.slug, alias="second") as (oskar, ok2),
        ):
            assert ok1 and ok2
            from channels.layers import get_channel_layer

            assert get_channel_layer("default") is not get_channel_layer("second")
            await mia.send_json_to({"type": "message.post", "body": "across processes", "client_id": "x"})
            received = await receive_type(oskar, "message.new")
            assert received["message"]["html"] == "<p>across processes</p>\n"

    with override_settings(CHANNEL_LAYERS=layers):
        run(scenario)
