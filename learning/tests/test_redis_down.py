"""Redis unreachable: the cache misses instead of failing, live sends are dropped, posting still works."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from learning import discussion_services, live
from learning.models import Message
from portal.settings.base import redis_channel_layer

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@override_settings(
    CACHES={"default": {"BACKEND": "portal.cache_backends.ResilientRedisCache", "LOCATION": DOWN}},
    CHANNEL_LAYERS={"default": redis_channel_layer(DOWN)},
)
def test_pages_render_and_posting_works_while_redis_is_down(
    client, room, member, django_capture_on_commit_callbacks
):
    cache = caches["default"]
    assert cache.get("anything", "fallback") == "fallback"
    cache.set("k", 1)  # dropped, no error
    with pytest.raises(ValueError):
        cache.incr("k")
    assert live.send_to_room(room.pk, {"type": "ping"}) is False
    client.force_login(member)
    assert client.get(f"/discussions/{room.slug}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/discussions/{room.slug}/", {"body": "posted over HTTP"})
    assert response.status_code == 302 and Message.objects.get().body == "posted over HTTP"
    assert discussion_services.room_for_page  # the service module imported fine
