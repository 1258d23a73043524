"""Public discussion messages in the site-wide search; private rooms and hidden messages never show."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from learning.factories import MessageFactory, RoomFactory
from learning.models import Room
from search import selectors

pytestmark = pytest.mark.django_db


def test_only_visible_messages_of_open_rooms_are_found(home):
    open_room = RoomFactory(title="Chatbots", slug="chatbots")
    private = RoomFactory(title="Espoo and Ghent", slug="espoo-ghent", kind=Room.Kind.PRIVATE)
    MessageFactory(room=open_room, body="Our **kangaroo** chatbot answers at night.")
    MessageFactory(room=private, body="The kangaroo budget is confidential.")
    MessageFactory(room=open_room, body="A kangaroo joke", hidden_at=timezone.now())
    MessageFactory(room=open_room, body="kangaroo deleted", deleted_at=timezone.now())

    outcome = selectors.search(query="kangaroo", user=AnonymousUser())
    hits = list(outcome.results[0:10])
    assert len(hits) == 1
    hit = hits[0]
    assert hit.result_type.key == "message"
    assert str(hit.title) == "Chatbots"
    assert hit.url.startswith("/discussions/chatbots/#message-")
    assert "<mark>kangaroo</mark> chatbot" in hit.snippet and "<strong>" not in hit.snippet
    assert {t.key: t.count for t in outcome.types}["message"] == 1
    assert [s.label for s in selectors.autocomplete(query="kangar")] == []  # rooms are not suggested
