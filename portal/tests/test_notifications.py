"""Follows, notifications (page, unread count, immediate e-mail) and digests (once per period, nothing
when nothing is new, newest first, grouped by kind)."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from benchmarks.factories import AuthorityFactory, SubmissionFactory
from benchmarks.models import Submission
from portal.factories import UserFactory
from portal.notifications import digests
from portal.notifications.models import DigestLog, Follow, Notification
from portal.notifications.registry import DigestItem, register_digest_source, topic_keys
from portal.notifications.services import follow_add, follow_remove, notification_send

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BRUSSELS)


@pytest.fixture
def isolated_sources():
    with mock.patch.dict("portal.notifications.registry._sources", clear=True):
        yield


class TestFollows:
    def test_follow_tags_and_authorities_only(self):
        user = UserFactory()
        tag = Tag.objects.create(name="open data")
        follow_add(user=user, target=tag)
        follow_add(user=user, target=tag)  # idempotent
        assert Follow.objects.filter(user=user).count() == 1
        with pytest.raises(ValidationError):
            follow_add(user=user, target=UserFactory())  # members are not followable
        follow_remove(user=user, target=tag)
        assert not Follow.objects.exists()

    def test_follow_and_unfollow_through_the_form(self, client):
        user = UserFactory()
        espoo = AuthorityFactory(name="Espoo")
        client.force_login(user)
        response = client.post(
            reverse("notifications:follow"),
            {"target": f"benchmarks.authority:{espoo.pk}", "next": "/members/me/"},
        )
        assert response.status_code == 302 and response.url == "/members/me/"
        assert Follow.objects.filter(user=user, object_id=espoo.pk).exists()
        page = client.get(reverse("notifications:follows"))
        assert b"Espoo" in page.content and b'aria-pressed="true"' in page.content
        client.post(
            reverse("notifications:follow"),
            {"target": f"benchmarks.authority:{espoo.pk}", "action": "unfollow"},
        )
        assert not Follow.objects.exists()
        # Not followable, or unknown: 404, nothing written.
        assert (
            client.post(reverse("notifications:follow"), {"target": f"portal.user:{user.pk}"}).status_code
            == 404
        )
        assert client.post(reverse("notifications:follow"), {"target": "nonsense"}).status_code == 404
        assert not Follow.objects.exists()

    def test_visitors_cannot_follow(self, client):
        espoo = AuthorityFactory(name="Espoo")
        response = client.post(
            reverse("notifications:follow"), {"target": f"benchmarks.authority:{espoo.pk}"}
        )
        assert response.status_code == 302 and "login" in response.url
        assert not Follow.objects.exists()


class TestNotifications:
    def test_page_unread_count_and_mark_read(self, client):
        user, other = UserFactory(), UserFactory()
        first = notification_send(recipient=user, kind="match", text="Ghent asks to learn", url="/members/")
        notification_send(recipient=user, kind="event", text="The café is open")
        notification_send(recipient=other, kind="event", text="Not yours")
        client.force_login(user)
        page = client.get(reverse("notifications:list"))
        assert page.status_code == 200
        assert b"Ghent asks to learn" in page.content and b"Not yours" not in page.content
        assert b'class="count-badge">2' in page.content
        response = client.post(reverse("notifications:read"), {"notification": first.pk, "open": "1"})
        assert response.status_code == 302 and response.url == "/members/"
        first.refresh_from_db()
        assert first.is_read
        client.post(reverse("notifications:read"))
        assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
        assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()
        # Someone else's notification cannot be marked.
        theirs = Notification.objects.get(recipient=other)
        assert client.post(reverse("notifications:read"), {"notification": theirs.pk}).status_code == 404

    def test_immediate_email_only_when_wanted(self, django_capture_on_commit_callbacks):
        at_once = UserFactory(email="now@example.org", email_frequency="immediate")
        weekly = UserFactory(email="weekly@example.org", email_frequency="weekly")
        with django_capture_on_commit_callbacks(execute=True):
            notification_send(
                recipient=at_once, kind="match", text="Ghent asks to learn", url="/x/", email=True
            )
            notification_send(recipient=at_once, kind="event", text="In-app only")
            notification_send(recipient=weekly, kind="match", text="Goes in the digest", email=True)
        assert [m.to for m in mail.outbox] == [["now@example.org"]]
        assert "Ghent asks to learn" in mail.outbox[0].body and "http://" in mail.outbox[0].body
        assert Notification.objects.get(text="Ghent asks to learn").emailed_at is not None


class TestDigests:
    def test_period_keys(self, settings):
        settings.DIGEST_SEND_HOUR = 7
        assert digests.period_key("daily", MONDAY_9) == "daily:2026-11-23"
        assert digests.period_key("weekly", MONDAY_9) == "weekly:2026-W48"
        assert digests.period_key("immediate", MONDAY_9) == "hourly:2026-11-23T09"
        assert digests.period_key("daily", MONDAY_9.replace(hour=6)) is None
        assert digests.period_key("never", MONDAY_9) is None

    def test_once_per_period_newest_first_nothing_when_nothing_new(self, isolated_sources):
        tag, other_tag = Tag.objects.create(name="chatbots"), Tag.objects.create(name="open data")
        espoo = AuthorityFactory(name="Espoo")
        reader = UserFactory(email="reader@example.org", email_frequency="daily")
        reader.date_joined = MONDAY_9 - timedelta(days=30)
        reader.save()
        bystander = UserFactory(email="bystander@example.org", email_frequency="daily")
        follow_add(user=reader, target=tag)
        follow_add(user=reader, target=espoo)
        follow_add(user=bystander, target=other_tag)
        items = [
            DigestItem(
                kind="Practice cases",
                title="Older chatbot",
                url="https://x/1",
                published_at=MONDAY_9 - timedelta(hours=20),
                topics=topic_keys(tag),
            ),
            DigestItem(
                kind="Practice cases",
                title="Newer chatbot",
                url="https://x/2",
                published_at=MONDAY_9 - timedelta(hours=2),
                topics=topic_keys(tag),
            ),
            DigestItem(
                kind="Events",
                title="Espoo café",
                url="https://x/3",
                published_at=MONDAY_9 - timedelta(hours=5),
                topics=topic_keys(espoo),
            ),
            DigestItem(
                kind="Events",
                title="Not followed",
                url="https://x/4",
                published_at=MONDAY_9 - timedelta(hours=1),
                topics=topic_keys(AuthorityFactory(name="Riga")),
            ),
            DigestItem(
                kind="Events",
                title="Too old",
                url="https://x/5",
                published_at=MONDAY_9 - timedelta(days=3),
                topics=topic_keys(espoo),
            ),
        ]
        register_digest_source("tests.items", lambda *, since, until: items)
        notification_send(recipient=reader, kind="match", text="Ghent asks to learn", email=True)

        run = digests.digests_send_due(now=MONDAY_9)
        assert (run.sent, run.empty) == (1, 1)  # the bystander's tag has nothing new: no e-mail
        assert len(mail.outbox) == 1
        body = mail.outbox[0].body
        assert mail.outbox[0].to == ["reader@example.org"]
        assert body.index("Newer chatbot") < body.index("Older chatbot")
        assert "Espoo café" in body and "Ghent asks to learn" in body
        assert "Not followed" not in body and "Too old" not in body
        assert "You follow: chatbots" in body

        # The job runs again in the same period: nothing more is sent.
        assert digests.digests_send_due(now=MONDAY_9 + timedelta(minutes=30)).sent == 0
        assert len(mail.outbox) == 1
        assert DigestLog.objects.get(user=reader).period == "daily:2026-11-23"

        # The next day, only what is new since the last digest.
        items.append(
            DigestItem(
                kind="Events",
                title="Tuesday news",
                url="https://x/6",
                published_at=MONDAY_9 + timedelta(hours=20),
                topics=topic_keys(espoo),
            )
        )
        digests.digests_send_due(now=MONDAY_9 + timedelta(days=1))
        assert len(mail.outbox) == 2
        assert "Tuesday news" in mail.outbox[1].body and "Newer chatbot" not in mail.outbox[1].body

    def test_a_concurrent_run_sends_nothing_twice(self, isolated_sources):
        tag = Tag.objects.create(name="chatbots")
        reader = UserFactory(email_frequency="weekly")
        follow_add(user=reader, target=tag)
        item = DigestItem(
            kind="Cases",
            title="New",
            url="",
            published_at=MONDAY_9 - timedelta(hours=1),
            topics=topic_keys(tag),
        )
        register_digest_source("tests.items", lambda *, since, until: [item])
        # Another run logged this period between our query and our send.
        DigestLog.objects.create(
            user=reader, period="weekly:2026-W48", covered_from=MONDAY_9, covered_until=MONDAY_9
        )
        assert not digests.digest_send(
            user=reader,
            period="weekly:2026-W48",
            since=MONDAY_9 - timedelta(days=1),
            until=MONDAY_9,
            items=[item],
        )
        assert mail.outbox == []

    def test_never_means_never(self, isolated_sources):
        tag = Tag.objects.create(name="chatbots")
        reader = UserFactory(email_frequency="never")
        follow_add(user=reader, target=tag)
        register_digest_source(
            "tests.items",
            lambda *, since, until: [
                DigestItem(kind="Cases", title="New", url="", published_at=until, topics=topic_keys(tag))
            ],
        )
        assert digests.digests_send_due(now=MONDAY_9).sent == 0
        assert mail.outbox == []

    def test_benchmark_results_and_command(self, capsys):
        espoo = AuthorityFactory(name="Espoo")
        reader = UserFactory(email="reader@example.org", email_frequency="daily")
        follow_add(user=reader, target=espoo)
        reader.date_joined = MONDAY_9 - timedelta(days=10)
        reader.save()
        SubmissionFactory(
            authority=espoo,
            status=Submission.Status.PUBLISHED,
            published_at=MONDAY_9 - timedelta(hours=3),
            percent=71,
            rank=4,
        )
        with mock.patch("django.utils.timezone.now", return_value=MONDAY_9):
            call_command("send_digests")
        assert "Digests sent: 1" in capsys.readouterr().out
        assert "Espoo: UserCentriCities 2023 result published, 71%" in mail.outbox[0].body


def test_follow_button_on_an_authority_profile(client, demo_site):
    espoo_url = "/dashboard/authority/espoo/"
    page = client.get(espoo_url)
    assert b"Log in to follow Espoo" in page.content
    user = UserFactory()
    client.force_login(user)
    page = client.get(espoo_url)
    assert page.status_code == 200 and b'name="target" value="benchmarks.authority:' in page.content
    espoo = AuthorityFactory(name="Espoo")
    client.post(
        reverse("notifications:follow"), {"target": f"benchmarks.authority:{espoo.pk}", "next": espoo_url}
    )
    assert b'aria-pressed="true"' in client.get(espoo_url).content


def test_following_a_section_brings_its_new_pages(isolated_sources):
    from wagtail.models import Page

    from portal.factories import CommunityIndexPageFactory, HomePageFactory, StandardPageFactory
    from portal.notifications import registry
    from portal.notifications.sources import new_pages

    register_digest_source("portal.pages", new_pages)
    with (
        mock.patch.object(registry, "_followable", set(registry._followable)),
        mock.patch.object(registry, "_sections", set()),
    ):
        registry.register_followable("portal.CommunityIndexPage", section=True)
        home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-digest")
        community = CommunityIndexPageFactory(parent=home, slug="community-digest")
        other = StandardPageFactory(parent=home, slug="elsewhere", title="Elsewhere")
        new = StandardPageFactory(parent=community, slug="new-page", title="A new community page")
        Page.objects.filter(pk__in=[new.pk, other.pk]).update(
            first_published_at=MONDAY_9 - timedelta(hours=1)
        )
        reader = UserFactory(email_frequency="daily")
        reader.date_joined = MONDAY_9 - timedelta(days=3)
        reader.save()
        follow_add(user=reader, target=Page.objects.get(pk=community.pk))  # followed as the specific page
        assert digests.digests_send_due(now=MONDAY_9).sent == 1
    body = mail.outbox[0].body
    assert "A new community page" in body and "Elsewhere" not in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_runs_send_one_digest_on_postgresql(isolated_sources):
    """Two job runs at the same moment (threads, own connections): the unique log row lets one send."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    tag = Tag.objects.create(name="chatbots")
    reader = UserFactory(email_frequency="daily")
    reader.date_joined = MONDAY_9 - timedelta(days=3)
    reader.save()
    follow_add(user=reader, target=tag)
    barrier = threading.Barrier(2, timeout=20)

    def source(*, since, until):
        barrier.wait()  # both runs have chosen the members due before either sends
        return [DigestItem(kind="Cases", title="New", url="", published_at=until, topics=topic_keys(tag))]

    register_digest_source("tests.items", source)
    results = []

    def run():
        try:
            results.append(digests.digests_send_due(now=MONDAY_9))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.sent for r in results) == [0, 1]
    assert len(mail.outbox) == 1
    assert DigestLog.objects.filter(user=reader).count() == 1


@pytest.mark.parametrize(
    "path, label",
    [
        ("/events/", "events.eventindexpage"),
        ("/policy-briefs/", "learning.policybriefindexpage"),
        ("/toolkit/", "learning.toolkitindexpage"),
    ],
)
def test_section_pages_offer_a_follow_button(client, demo_site, path, label):
    from wagtail.models import Page

    section = Page.objects.get(url_path=f"{demo_site.root_page.url_path}{path.strip('/')}/").specific
    anonymous = client.get(path).content.decode()
    assert f"Log in to follow {section.title}" in anonymous
    client.force_login(UserFactory())
    assert f'name="target" value="{label}:{section.pk}"' in client.get(path).content.decode()
    client.post(reverse("notifications:follow"), {"target": f"{label}:{section.pk}", "next": path})
    assert 'aria-pressed="true"' in client.get(path).content.decode()


def test_practice_library_and_tag_pages_offer_a_follow_button(client, demo_site):
    from practices.models import PracticeIndexPage

    library = PracticeIndexPage.objects.get()
    tag = Tag.objects.get(slug="co-design")
    assert "Log in to follow the tag “co-design”" in client.get("/practices/tag/co-design/").content.decode()
    client.force_login(UserFactory())
    assert f'value="practices.practiceindexpage:{library.pk}"' in client.get(library.url).content.decode()
    tag_page = client.get("/practices/tag/co-design/").content.decode()
    assert f'value="taggit.tag:{tag.pk}"' in tag_page
    tag_url = "/practices/tag/co-design/"
    client.post(reverse("notifications:follow"), {"target": f"taggit.tag:{tag.pk}", "next": tag_url})
    assert 'aria-pressed="true"' in client.get(tag_url).content.decode()
