"""django-anymail's tracking webhooks mark bounced and complaining addresses (Postmark's payloads)."""

import base64
import json

import pytest
from django.core import mail
from django.test import override_settings

from portal.newsletter import services
from portal.newsletter.factories import SubscriberFactory
from portal.newsletter.models import NewsletterDelivery, Subscriber
from portal.newsletter.selectors import subscriber_list_receiving

pytestmark = pytest.mark.django_db

SECRET = "postmark-hook:s3cr3t-webhook-password"


def auth(secret: str = SECRET) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def bounce(email: str, message_id: str = "883953f4-6105-42a2-a16a-77a8eac79483") -> dict:
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "newsletter",
        "MessageID": message_id,
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "noreply@usercentricities.eu",
        "BouncedAt": "2026-11-20T16:09:19Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Spring news",
        "Metadata": {"newsletter_subscriber": "x"},
        "MessageStream": "broadcast",
    }


def complaint(email: str) -> dict:
    payload = bounce(email)
    payload.update(RecordType="SpamComplaint", Type="SpamComplaint", TypeCode=512, Name="Spam complaint")
    return payload


@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_postmark_bounce_marks_the_subscriber_and_its_delivery(client, issue):
    subscriber = SubscriberFactory(email="gone@example.org")
    NewsletterDelivery.objects.create(
        issue=issue, subscriber=subscriber, status="sent", message_id="883953f4-6105-42a2-a16a-77a8eac79483"
    )
    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps(bounce("Gone@example.org")),
        content_type="application/json",
        headers=auth(),
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCED and subscriber.bounced_at
    assert "Postmark" in subscriber.delivery_problem
    assert NewsletterDelivery.objects.get().status == NewsletterDelivery.Status.BOUNCED
    assert subscriber not in subscriber_list_receiving()  # no further sends


@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_postmark_spam_complaint_marks_complained(client):
    subscriber = SubscriberFactory(email="angry@example.org")
    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps(complaint("angry@example.org")),
        content_type="application/json",
        headers=auth(),
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.COMPLAINED


@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_webhook_without_the_secret_is_refused(client):
    subscriber = SubscriberFactory(email="safe@example.org")
    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps(bounce("safe@example.org")),
        content_type="application/json",
        headers=auth("postmark-hook:wrong"),
    )
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_a_bounce_never_downgrades_a_complaint_and_unknown_addresses_are_ignored():
    subscriber = SubscriberFactory(email="c@example.org", status=Subscriber.Status.COMPLAINED)
    services.subscriber_record_delivery_problem(email="c@example.org", problem="bounced")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.COMPLAINED
    assert services.subscriber_record_delivery_problem(email="nobody@example.org", problem="bounced") is None
    assert not mail.outbox
