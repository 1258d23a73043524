"""Sending an issue: test to myself, batches, never twice, headers, send log, permissions."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.newsletter import services
from portal.newsletter.factories import NewsletterDeliveryFactory, SubscriberFactory
from portal.newsletter.models import NewsletterDelivery, NewsletterIssuePage, Subscriber
from portal.newsletter.tokens import manage_token

pytestmark = pytest.mark.django_db

ANYMAIL_TEST = "anymail.backends.test.EmailBackend"


@pytest.fixture
def subscribers(db):
    confirmed = [SubscriberFactory(email=f"s{n}@example.org") for n in range(7)]
    SubscriberFactory(email="pending@example.org", status=Subscriber.Status.PENDING)
    SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    SubscriberFactory(email="bounced@example.org", status=Subscriber.Status.BOUNCED)
    return confirmed


def send(issue, editor, capture):
    with capture(execute=True):
        return services.issue_send(issue=issue, by=editor)


def test_sends_in_batches_only_to_confirmed_with_headers_and_log(
    issue, editor, subscribers, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = ANYMAIL_TEST
    settings.NEWSLETTER_BATCH_SIZE = 3
    queued = send(issue, editor, django_capture_on_commit_callbacks)
    assert queued == 7
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(s.email for s in subscribers)
    message = next(m for m in mail.outbox if m.to == ["s0@example.org"])
    token = manage_token(key=str(subscribers[0].key))
    unsubscribe = f"http://127.0.0.1:8000/newsletter/unsubscribe/{token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.subject == "Spring news"
    html = message.alternatives[0][0]
    assert unsubscribe in message.body and unsubscribe in html
    assert message.anymail_test_params["metadata"] == {"newsletter_subscriber": str(subscribers[0].key)}
    other = next(m for m in mail.outbox if m.to == ["s1@example.org"])
    assert manage_token(key=str(subscribers[1].key)) in other.extra_headers["List-Unsubscribe"]
    assert token not in other.body and token not in other.alternatives[0][0]
    everything = message.body + html + " ".join(message.extra_headers.values())
    assert "placeholder" not in everything
    assert "Hello cities" in message.body and "report (https://example.org/x)" in message.body
    assert '<a href="https://example.org/x">report</a>' in html
    # the latest-pages block lists live home pages, with absolute links for mail clients
    assert 'href="http://127.0.0.1:8000/' in html
    assert message.anymail_test_params["tags"] == ["newsletter"]
    issue.refresh_from_db()
    assert (
        issue.send_status == NewsletterIssuePage.SendStatus.SENT and issue.sent_at and issue.sent_by == editor
    )
    counts = {row.status for row in issue.deliveries.all()}
    assert counts == {NewsletterDelivery.Status.SENT}
    assert all(d.message_id for d in issue.deliveries.all())  # anymail's message ids are logged


def test_never_twice_even_if_batches_run_again(
    issue, editor, subscribers, django_capture_on_commit_callbacks
):
    send(issue, editor, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 7
    for _ in range(3):
        services.issue_send_batch(issue_id=issue.pk)
    with pytest.raises(ValidationError):
        send(issue, editor, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 7


def test_resume_sends_only_what_is_left_and_skips_those_who_left(issue, editor, subscribers, settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    # Start sending without running the background tasks (a worker that has not started yet).
    services.issue_send(issue=issue, by=editor)
    already = subscribers[0]
    NewsletterDelivery.objects.filter(issue=issue, subscriber=already).update(
        status=NewsletterDelivery.Status.SENT
    )
    Subscriber.objects.filter(pk=subscribers[1].pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    while services.issue_send_batch(issue_id=issue.pk) or issue.deliveries.filter(status="queued").exists():
        pass
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == sorted(s.email for s in subscribers[2:])
    assert issue.deliveries.get(subscriber=subscribers[1]).status == NewsletterDelivery.Status.SKIPPED
    issue.refresh_from_db()
    assert issue.send_status == NewsletterIssuePage.SendStatus.SENT


def test_sending_requires_the_permission_and_a_published_issue(issue, editor, django_user_model):
    member = django_user_model.objects.create_user("m@example.org", "pw")
    with pytest.raises(PermissionDenied):
        services.issue_send(issue=issue, by=member)
    with pytest.raises(PermissionDenied):
        services.issue_send_test(issue=issue, by=member)
    issue.unpublish()
    with pytest.raises(ValidationError):
        services.issue_send(issue=issue, by=editor)
    assert not NewsletterDelivery.objects.exists() and not mail.outbox


def test_send_test_to_myself_uses_the_draft_and_logs_nothing(issue, editor, subscribers):
    issue.title = "Draft title"
    issue.save_revision()
    services.issue_send_test(issue=NewsletterIssuePage.objects.get(pk=issue.pk), by=editor)
    assert [m.to for m in mail.outbox] == [["ed@example.org"]]
    assert mail.outbox[0].subject == "[Test] Draft title"
    assert not NewsletterDelivery.objects.exists()


def test_publishing_an_old_draft_keeps_the_issue_sent(
    issue, editor, subscribers, django_capture_on_commit_callbacks
):
    issue.introduction = "Changed before sending"
    revision = issue.save_revision()
    NewsletterIssuePage.objects.filter(pk=issue.pk).update(has_unpublished_changes=False)
    send(issue, editor, django_capture_on_commit_callbacks)
    revision.publish()
    issue.refresh_from_db()
    assert issue.send_status == NewsletterIssuePage.SendStatus.SENT


def test_admin_send_page(client, issue, editor, subscribers, django_capture_on_commit_callbacks):
    client.force_login(editor)
    url = reverse("newsletter_issue_send", args=[issue.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Send to 7 subscribers" in page.content
    client.post(url, {"action": "test"})
    assert [m.to for m in mail.outbox] == [["ed@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send"})
    assert len(mail.outbox) == 8
    page = client.get(url)
    assert b"cannot be sent again" in page.content and b"s3@example.org" in page.content
    log = client.get(reverse("wagtailsnippets_portal_newsletterdelivery:list") + f"?issue={issue.pk}")
    assert log.status_code == 200 and b"s3@example.org" in log.content


def test_admin_send_page_refuses_members(client, issue, django_user_model):
    member = django_user_model.objects.create_user("m2@example.org", "pw", is_staff=True)
    client.force_login(member)
    assert client.post(reverse("newsletter_issue_send", args=[issue.pk]), {"action": "send"}).status_code in (
        302,
        403,
    )
    assert not NewsletterDelivery.objects.exists()


def test_demo_delivery_factory_builds_a_log(issue):
    delivery = NewsletterDeliveryFactory(issue=issue)
    assert delivery.status == NewsletterDelivery.Status.SENT and delivery.subscriber.can_receive
