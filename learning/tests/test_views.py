"""Discussion and bench-learning pages without JavaScript: form posts, Post/Redirect/Get, roles."""

import pytest
from django.urls import reverse

from learning import discussion_services
from learning.models import MatchInvitation, MatchRequest, Message, MessageReport


def room_url(room):
    return reverse("discussions:room", kwargs={"slug": room.slug})


def test_open_room_is_public_and_posting_needs_a_login(client, room, member):
    discussion_services.message_post(room=room, author=member, body="Visible to **all**")
    response = client.get(room_url(room))
    assert response.status_code == 200 and b"Visible to <strong>all</strong>" in response.content
    assert b"Log in to take part" in response.content
    response = client.post(room_url(room), {"body": "anonymous"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Message.objects.count() == 1


def test_post_redirect_get_and_errors_rerender(client, room, member):
    client.force_login(member)
    response = client.post(room_url(room), {"body": "Hello from a form"})
    message = Message.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{message.pk}")
    response = client.post(room_url(room), {"body": ""})
    assert response.status_code == 400 and b"This field is required" in response.content
    assert Message.objects.count() == 1


def test_private_room_is_403_for_others(client, private_room, member, other_member):
    client.force_login(other_member)
    assert client.get(room_url(private_room)).status_code == 403
    assert client.post(room_url(private_room), {"body": "x"}).status_code == 403
    client.force_login(member)
    assert client.get(room_url(private_room)).status_code == 200


def test_history_pages_with_load_older(client, room, member):
    for i in range(35):
        Message.objects.create(room=room, author=member, body=f"m{i}", body_html=f"<p>m{i}</p>")
    response = client.get(room_url(room))
    shown = response.context["history"].messages
    assert [m.body for m in shown][0] == "m5" and len(shown) == 30
    cursor = response.context["history"].older_cursor
    older = client.get(room_url(room), {"before": cursor, "fragment": "older"})
    assert older.content.count(b'<li id="message-') == 5 and b"<html" not in older.content


def test_edit_delete_report_and_moderate_through_forms(client, room, member, other_member, moderator):
    message = discussion_services.message_post(room=room, author=member, body="tpyo")
    client.force_login(member)
    response = client.post(reverse("discussions:message_edit", args=[message.pk]), {"body": "typo"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.body == "typo"

    client.force_login(other_member)
    assert client.get(reverse("discussions:message_edit", args=[message.pk])).status_code == 302  # not theirs
    response = client.post(
        reverse("discussions:message_report", args=[message.pk]), {"reason": "Off topic spam"}
    )
    assert response.status_code == 302 and MessageReport.objects.count() == 1
    assert client.get(reverse("discussions:moderation")).status_code == 403

    client.force_login(moderator)
    queue = client.get(reverse("discussions:moderation"))
    assert b"Off topic spam" in queue.content
    response = client.post(
        reverse("discussions:message_moderate", args=[message.pk]), {"action": "hide", "reason": "Spam"}
    )
    assert response.status_code == 302
    assert b"hidden by a moderator" in client.get(room_url(room)).content
    response = client.post(
        reverse("discussions:message_moderate", args=[message.pk]),
        {"action": "mute", "hours": "0", "reason": "x"},
    )
    assert response.status_code == 400


def test_page_thread_is_created_lazily(client, db):
    from wagtail.models import Page

    page = Page.objects.filter(depth=2).first()
    response = client.get(reverse("discussions:page_thread", args=[page.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/discussions/page-{page.pk}/")


def test_match_request_invite_answer_through_pages(client, published):
    espoo_rep = published["espoo"].representatives.get()
    client.force_login(espoo_rep)
    from benchmarks.models import SubPillar

    subpillar = SubPillar.objects.get(edition__revision="2023", edition__framework__key="ucc", key="1.1")
    response = client.post(
        reverse("matches:request"),
        {
            "authority": published["espoo"].pk,
            "subpillar": "",
            "topic": "",
            "goal": "short",
            "mode": "similar",
        },
    )
    assert response.status_code == 400 and b"one of the two" in response.content
    response = client.post(
        reverse("matches:request"),
        {
            "authority": published["espoo"].pk,
            "subpillar": subpillar.pk,
            "goal": "Learn how others co-design services.",
            "mode": "complementary",
        },
    )
    match = MatchRequest.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("matches:detail", args=[match.pk]))
    assert b"100 % on" in detail.content and b"Ghent" in detail.content
    response = client.post(
        reverse("matches:invite", args=[match.pk]), {"authorities": [published["ghent"].pk]}
    )
    assert response.status_code == 302
    invitation = MatchInvitation.objects.get()

    client.force_login(published["milan"].representatives.get())
    assert client.get(reverse("matches:detail", args=[match.pk])).status_code == 403

    client.force_login(published["ghent"].representatives.get())
    detail = client.get(reverse("matches:detail", args=[match.pk]))
    assert b"Your answer for Ghent" in detail.content
    client.post(reverse("matches:respond", args=[invitation.pk]), {"answer": "accept", "note": "Gladly"})
    match.refresh_from_db()
    assert match.status == "accepted" and match.room is not None
    assert client.get(room_url(match.room)).status_code == 200


@pytest.mark.parametrize("url", ["/bench-learning/", "/bench-learning/request/"])
def test_bench_learning_needs_login(client, db, url):
    assert client.get(url).status_code == 302
