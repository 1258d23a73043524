import factory
import wagtail_factories
from django.utils import timezone

from .models import NewsletterDelivery, NewsletterIndexPage, NewsletterIssuePage, Subscriber
from .services import CONSENT_TEXT


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber by default; pass status=... for the others."""

    class Meta:
        model = Subscriber
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")
    status = Subscriber.Status.CONFIRMED
    consent_text = factory.LazyFunction(lambda: str(CONSENT_TEXT))
    consent_source = "the newsletter page"
    confirmed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != Subscriber.Status.PENDING else None
    )


class NewsletterIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsletterIndexPage

    title = "Newsletter archive"


class NewsletterIssuePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsletterIssuePage

    title = factory.Sequence(lambda n: f"Newsletter {n}")
    introduction = "News from the UserCentriCities community."


class NewsletterDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterDelivery

    subscriber = factory.SubFactory(SubscriberFactory)
    status = NewsletterDelivery.Status.SENT
    sent_at = factory.LazyFunction(timezone.now)
