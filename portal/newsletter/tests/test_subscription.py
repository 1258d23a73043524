"""Double opt-in: confirmation tokens, consent, no enumeration, throttling, preferences, unsubscribe."""

import re

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse
from taggit.models import Tag

from portal.newsletter import services
from portal.newsletter.models import Subscriber
from portal.newsletter.tokens import InvalidToken, manage_token

pytestmark = pytest.mark.django_db


def link_in(message, name: str) -> str:
    match = re.search(rf"(https?://\S+/newsletter/{name}/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def subscribe(client, django_capture_on_commit_callbacks):
    """Post the subscription form; e-mails leave after the commit, so run the request's commit hooks."""

    def post(email="ana@example.org", **extra):
        data = {"email": email, "consent": "on", "source": "page", **extra}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("newsletter:subscribe"), data)

    return post


def test_subscribing_sends_one_confirmation_and_nothing_else_until_confirmed(client, subscribe):
    tag = Tag.objects.create(name="co-design", slug="co-design")
    response = subscribe(interests=[tag.pk])
    assert response.status_code == 302 and response["Location"] == reverse("newsletter:check_inbox")
    subscriber = Subscriber.objects.get(email="ana@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_text == "" and not subscriber.interests.exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert "Confirm" in message.subject
    html = message.alternatives[0][0]
    confirm_url = link_in(message, "confirm")
    assert confirm_url in html

    # GET shows a button only (mail scanners that open links confirm nothing)
    page = client.get(path_of(confirm_url))
    assert page.status_code == 200 and b"Confirm my subscription" in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    response = client.post(path_of(confirm_url))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "newsletter:preferences", args=[manage_token(key=str(subscriber.key))]
    )
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert subscriber.consent_source == "the newsletter page"
    assert "unsubscribe at any time" in subscriber.consent_text
    assert list(subscriber.interests.all()) == [tag]


def test_same_answer_for_new_and_existing_addresses_and_no_spam(client, subscribe):
    first = subscribe("x@example.org")
    again = subscribe("x@example.org")
    new = subscribe("y@example.org")
    assert first.status_code == again.status_code == new.status_code == 302
    assert first["Location"] == again["Location"] == new["Location"]
    # the second request within the resend interval sends nothing
    assert [m.to for m in mail.outbox] == [["x@example.org"], ["y@example.org"]]


def test_confirmed_address_gets_a_reminder_not_a_confirmation(client, settings, subscribe):
    settings.NEWSLETTER_RESEND_INTERVAL = 0
    subscriber = Subscriber.objects.create(email="c@example.org", status=Subscriber.Status.CONFIRMED)
    subscribe("C@Example.org")
    assert len(mail.outbox) == 1
    assert "already subscribed" in mail.outbox[0].body
    assert "/newsletter/confirm/" not in mail.outbox[0].body
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert Subscriber.objects.count() == 1


def test_resubscribing_after_unsubscribe_needs_a_new_confirmation(client, settings, subscribe):
    settings.NEWSLETTER_RESEND_INTERVAL = 0
    subscriber = Subscriber.objects.create(email="u@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    subscribe("u@example.org")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    client.post(path_of(link_in(mail.outbox[0], "confirm")))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_expired_or_forged_confirmation_changes_nothing(client, settings, subscribe):
    subscribe("late@example.org")
    url = path_of(link_in(mail.outbox[0], "confirm"))
    settings.NEWSLETTER_CONFIRMATION_MAX_AGE = -1
    assert client.post(url).status_code == 400
    settings.NEWSLETTER_CONFIRMATION_MAX_AGE = 3600
    assert client.post(url[:-3] + "xx/").status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    with pytest.raises(InvalidToken):
        services.subscription_confirm(token=signing.dumps({"k": "nobody"}, salt="other"))


def test_invalid_form_re_renders_with_errors_and_changes_nothing(client):
    response = client.post(reverse("newsletter:subscribe"), {"email": "not-an-address", "source": "footer"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'aria-invalid="true"' in content and "Tick the box" in content
    assert not Subscriber.objects.exists() and not mail.outbox


def test_honeypot_pretends_success_and_does_nothing(client, subscribe):
    response = subscribe("bot@example.org", website="http://spam.example")
    assert response.status_code == 302
    assert not Subscriber.objects.exists() and not mail.outbox


def test_cross_site_posts_are_refused(client):
    response = client.post(
        reverse("newsletter:subscribe"),
        {"email": "z@example.org", "consent": "on", "source": "footer"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("newsletter:subscribe"),
        {"email": "z@example.org", "consent": "on", "source": "footer"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


@override_settings(PORTAL_RATE_LIMITS={"subscribe": ("3/h", "2/h")})
def test_rate_limits_per_ip_and_per_address_with_a_clear_message(client, subscribe):
    assert subscribe("same@example.org").status_code == 302
    assert subscribe("same@example.org").status_code == 302
    limited = subscribe("same@example.org")  # third try for one address
    assert limited.status_code == 429 and b"Too many attempts" in limited.content
    response = subscribe("r9@example.org")  # fourth from this IP
    assert response.status_code == 429
    assert not Subscriber.objects.filter(email="r9@example.org").exists()


def test_footer_form_is_on_every_page_and_posts_here(client, home):
    from wagtail.models import Site

    Site.objects.update(root_page=home)
    content = client.get("/").content.decode()
    assert 'action="/newsletter/"' in content and 'name="source" value="footer"' in content


def test_preferences_and_unsubscribe_by_token(client):
    tag = Tag.objects.create(name="accessibility", slug="accessibility")
    subscriber = Subscriber.objects.create(email="p@example.org", status=Subscriber.Status.CONFIRMED)
    token = manage_token(key=str(subscriber.key))
    url = reverse("newsletter:preferences", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url, {"interests": [tag.pk]}).status_code == 302
    assert list(subscriber.interests.all()) == [tag]
    assert client.get(reverse("newsletter:preferences", args=[token + "x"])).status_code == 404

    unsubscribe = reverse("newsletter:unsubscribe", args=[token])
    page = client.get(unsubscribe)
    assert b"Unsubscribe" in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED  # GET changes nothing
    response = client.post(unsubscribe)
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at


def test_rfc8058_one_click_post_without_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    subscriber = Subscriber.objects.create(email="o@example.org", status=Subscriber.Status.CONFIRMED)
    url = reverse("newsletter:unsubscribe", args=[manage_token(key=str(subscriber.key))])
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    forged = client.post(
        reverse("newsletter:unsubscribe", args=["forged:token"]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert forged.status_code == 404
