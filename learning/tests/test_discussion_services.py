from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page

from learning import discussion_services as services
from learning.factories import MessageFactory
from learning.models import Message, MessageReport, ModerationLogEntry, Room
from portal.factories import UserFactory


def test_post_sanitises_markdown_and_keeps_the_source(room, member):
    message = services.message_post(
        room=room, author=member, body="**Hi** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert "<strong>Hi</strong>" in message.body_html
    assert "<script>" not in message.body_html and "&lt;script&gt;" in message.body_html  # shown as text
    assert 'href="javascript' not in message.body_html
    assert message.body.startswith("**Hi**")


def test_visitors_and_non_members_cannot_post(room):
    from django.contrib.auth.models import AnonymousUser

    unconfirmed = UserFactory(email="nobody@example.org", is_active=False)  # e-mail not confirmed yet
    for outsider in (unconfirmed, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.message_post(room=room, author=outsider, body="hello")
    assert not Message.objects.exists()


def test_private_room_only_for_participants(private_room, member, other_member):
    services.message_post(room=private_room, author=member, body="inside")
    with pytest.raises(PermissionDenied):
        services.message_post(room=private_room, author=other_member, body="let me in")
    assert private_room.messages.count() == 1


@pytest.mark.parametrize("body, code", [("   ", "empty"), ("x" * 4001, "too_long")])
def test_bad_body_changes_nothing(room, member, body, code):
    with pytest.raises(ValidationError) as error:
        services.message_post(room=room, author=member, body=body)
    assert error.value.code == code
    assert not Message.objects.exists()


@override_settings(DISCUSSION_RATE_LIMIT="3/60")
def test_rate_limit_per_member_with_a_clear_message(room, member, other_member):
    for i in range(3):
        services.message_post(room=room, author=member, body=f"message {i}")
    with pytest.raises(services.RateLimited) as error:
        services.message_post(room=room, author=member, body="one too many")
    assert error.value.retry_after >= 1 and "too fast" in error.value.messages[0]
    services.message_post(room=room, author=other_member, body="others are not limited")
    Message.objects.filter(author=member).update(created_at=timezone.now() - timedelta(seconds=61))
    services.message_post(room=room, author=member, body="the window slid")


@override_settings(DISCUSSION_RATE_LIMIT="3/60")
def test_rate_limit_waits_until_the_limit_th_most_recent_message_leaves_the_window(room, member):
    now = timezone.now()
    for age in (55, 50, 40, 30, 90):  # seconds ago; the one of 90 s is outside the window
        message = MessageFactory(room=room, author=member, body=f"{age} s ago")
        Message.objects.filter(pk=message.pk).update(created_at=now - timedelta(seconds=age))
    with pytest.raises(services.RateLimited) as error:
        services.message_post(room=room, author=member, body="too soon")
    assert error.value.retry_after == 10  # the third most recent, of 50 s ago, leaves in 10 s


def test_a_muted_member_is_told_until_when_and_why(room, member, moderator):
    services.member_mute(member=member, by=moderator, hours=2, reason="Cooling off")
    with pytest.raises(ValidationError) as error:
        services.message_post(room=room, author=member, body="still muted?")
    assert error.value.code == "muted" and "Cooling off" in error.value.messages[0]
    assert not Message.objects.exists()


def test_reply_must_be_in_the_same_room(room, private_room, member):
    elsewhere = MessageFactory(room=private_room, author=member)
    with pytest.raises(ValidationError):
        services.message_post(room=room, author=member, body="reply", reply_to_id=elsewhere.pk)
    first = services.message_post(room=room, author=member, body="first")
    reply = services.message_post(room=room, author=member, body="reply", reply_to_id=first.pk)
    assert reply.reply_to == first


def test_mentions_notify_in_app_and_by_email_and_are_emphasised(
    room, member, other_member, django_capture_on_commit_callbacks
):
    from portal.notifications.models import Notification

    other_member.email_frequency = "immediate"  # mentions follow the member's e-mail preference
    other_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_post(room=room, author=member, body="What do you think, @oskar-other?")
    assert list(message.mentions.all()) == [other_member]
    assert "<strong>@oskar-other</strong>" in message.body_html
    assert [m.to for m in mail.outbox] == [[other_member.email]]
    assert f"#message-{message.pk}" in mail.outbox[0].body
    notification = Notification.objects.get(recipient=other_member)
    assert notification.kind == "mention" and "mentioned you" in notification.text


def test_mentions_in_private_rooms_only_reach_participants(private_room, member, other_member):
    message = services.message_post(room=private_room, author=member, body="@oskar-other cannot read this")
    assert not message.mentions.exists()


def test_edit_and_delete_own_message_within_the_window(room, member, other_member):
    message = services.message_post(room=room, author=member, body="tpyo")
    with pytest.raises(PermissionDenied):
        services.message_edit(message=message, by=other_member, body="hijack")
    services.message_edit(message=message, by=member, body="typo fixed")
    message.refresh_from_db()
    assert message.body == "typo fixed" and message.edited_at is not None
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    message.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.message_delete(message=message, by=member)
    assert error.value.code == "too_late"
    assert Message.objects.get(pk=message.pk).deleted_at is None


def test_report_hide_mute_and_everything_is_logged(room, member, other_member, moderator):
    message = services.message_post(room=room, author=member, body="something rude")
    report = services.message_report(message=message, by=other_member, reason="Insulting another member")
    with pytest.raises(ValidationError):
        services.message_report(message=message, by=other_member, reason="Insulting another member")
    with pytest.raises(PermissionDenied):
        services.message_hide(message=message, by=other_member, reason="no")
    services.message_hide(message=message, by=moderator, reason="Rule 2: be kind")
    report.refresh_from_db()
    assert report.status == MessageReport.Status.ACTIONED
    services.member_mute(member=member, by=moderator, hours=24, reason="Repeated insults")
    with pytest.raises(ValidationError) as error:
        services.message_post(room=room, author=member, body="am I muted?")
    assert error.value.code == "muted"
    actions = list(
        ModerationLogEntry.objects.order_by("created_at").values_list("action", "moderator", "member")
    )
    assert actions == [("hide", moderator.pk, member.pk), ("mute", moderator.pk, member.pk)]


def test_mute_duration_is_bounded(member, moderator):
    with pytest.raises(ValidationError):
        services.member_mute(member=member, by=moderator, hours=0, reason="x")
    assert not ModerationLogEntry.objects.exists()


def test_page_thread_is_created_once(db):
    page = Page.get_first_root_node().get_children().first() or Page.get_first_root_node()
    room = services.room_for_page(page=page)
    assert room.kind == Room.Kind.THREAD and services.room_for_page(page=page) == room
