import factory
import wagtail_factories
from django.utils.text import slugify

from .models import Authority, DashboardPage


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Authority {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = "FI"
    kind = Authority.Kind.CITY
    population = 100_000


class DashboardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = DashboardPage

    title = "Benchmark dashboard"
