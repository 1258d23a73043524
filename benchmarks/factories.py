import factory
import wagtail_factories
from django.contrib.auth.models import Group
from django.utils.text import slugify

from portal import roles
from portal.factories import UserFactory

from .models import Answer, Authority, DashboardPage, Edition, Submission


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


def ucc_edition(revision: str = "2023") -> Edition:
    """An edition of the UserCentriCities framework (installed by a data migration)."""
    return Edition.objects.get(framework__key="ucc", revision=revision)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission without answers (a draft by default). Use AnswerFactory or the services for answers."""

    class Meta:
        model = Submission

    authority = factory.SubFactory(AuthorityFactory)
    edition = factory.LazyFunction(ucc_edition)
    version = factory.LazyAttribute(
        lambda o: Submission.objects.filter(authority=o.authority, edition=o.edition).count() + 1
    )
    status = Submission.Status.DRAFT
    population = factory.LazyAttribute(lambda o: o.authority.population)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    submission = factory.SubFactory(SubmissionFactory)
    indicator = factory.LazyAttribute(lambda o: o.submission.edition.indicators.first())
    value = Answer.Value.NO


class EditorFactory(UserFactory):
    """An editor (community manager): may validate submissions and manage frameworks."""

    email = factory.Sequence(lambda n: f"editor{n}@example.org")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=roles.EDITORS), *(extracted or ()))


class RepresentativeFactory(UserFactory):
    """A representative of `authority` (pass authority=...)."""

    email = factory.Sequence(lambda n: f"representative{n}@example.org")
    is_verified = True

    @factory.post_generation
    def authority(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=roles.REPRESENTATIVES))
            if extracted is not None:
                extracted.representatives.add(self)
