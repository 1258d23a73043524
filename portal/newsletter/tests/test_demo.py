import random

import pytest
from django.db.models import Count

from portal.newsletter import demo
from portal.newsletter.models import NewsletterDelivery, NewsletterIssuePage, Subscriber

pytestmark = pytest.mark.django_db


def test_demo_has_200_subscribers_in_every_state_and_two_issues_idempotently(home):
    demo.load_demo(home=home, rng=random.Random(1))
    demo.load_demo(home=home, rng=random.Random(2))
    assert Subscriber.objects.count() == 200
    states = dict(Subscriber.objects.values_list("status").annotate(n=Count("pk")))
    assert states == {"confirmed": 170, "pending": 14, "unsubscribed": 10, "bounced": 4, "complained": 2}
    assert not Subscriber.objects.filter(status="pending").exclude(consent_text="").exists()
    sent, draft = NewsletterIssuePage.objects.order_by("title")
    assert sent.send_status == "sent" and sent.live
    assert draft.send_status == "draft" and not draft.live
    assert sent.deliveries.filter(status=NewsletterDelivery.Status.SENT).count() == 170
    assert sent.deliveries.filter(status=NewsletterDelivery.Status.BOUNCED).count() == 4
