import datetime

import factory
import wagtail_factories
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.documents import get_document_model

from benchmarks.factories import AuthorityFactory
from portal import roles
from portal.factories import UserFactory
from portal.sanitising import render_markdown

from .models import (
    MatchInvitation,
    MatchRequest,
    Message,
    PolicyBriefAuthor,
    PolicyBriefIndexPage,
    PolicyBriefPage,
    Room,
    ToolkitEntryPage,
    ToolkitEntryPrinciple,
    ToolkitIndexPage,
    ToolkitTemplate,
)


class PolicyBriefIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PolicyBriefIndexPage

    title = "Policy briefs"


class ToolkitIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ToolkitIndexPage

    title = "Toolkit"


class PolicyBriefPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PolicyBriefPage

    title = factory.Sequence(lambda n: f"Policy brief {n}")
    introduction = "What the benchmark shows, and what local leaders can do about it."
    date = datetime.date(2024, 3, 1)


class PolicyBriefAuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyBriefAuthor

    page = factory.SubFactory(PolicyBriefPageFactory)
    name = factory.Faker("name")
    affiliation = "The Lisbon Council"


class ToolkitEntryPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ToolkitEntryPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Toolkit entry {n}")
    introduction = "A method to design services with their users."
    kind = ToolkitEntryPage.Kind.METHOD
    category = ToolkitEntryPage.Category.SERVICE_DESIGN
    difficulty = ToolkitEntryPage.Difficulty.INTRODUCTORY
    time_needed = "Half a day"

    @factory.post_generation
    def subpillars(self, create, extracted, **kwargs):
        if create and extracted:
            self.subpillars.set(extracted)
            self.save()

    @factory.post_generation
    def principles(self, create, extracted, **kwargs):
        if create and extracted:
            for code in extracted:
                ToolkitEntryPrinciple.objects.create(page=self, principle=code)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_document_model()

    title = factory.Sequence(lambda n: f"Template {n}")
    file = factory.django.FileField(filename="template.csv", data=b"step,owner,date\n")


class ToolkitTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolkitTemplate

    page = factory.SubFactory(ToolkitEntryPageFactory)
    document = factory.SubFactory(DocumentFactory)


class MemberFactory(UserFactory):
    """A member of the community (group Members): may post in discussions."""

    email = factory.Sequence(lambda n: f"discussant{n}@example.org")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=roles.MEMBERS)[0], *(extracted or ()))


class ModeratorFactory(MemberFactory):
    email = factory.Sequence(lambda n: f"moderator{n}@example.org")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=roles.MODERATORS)[0], *(extracted or ()))


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room
        django_get_or_create = ("slug",)

    kind = Room.Kind.THEME
    title = factory.Sequence(lambda n: f"Room {n}")
    slug = factory.Sequence(lambda n: f"room-{n}")
    description = "A place to talk."


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    room = factory.SubFactory(RoomFactory)
    author = factory.SubFactory(MemberFactory)
    body = factory.Sequence(lambda n: f"Message number {n}")
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))


class MatchRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRequest

    authority = factory.SubFactory(AuthorityFactory)
    topic = "Co-creating services with residents"
    goal = "We want to learn how to involve residents in the design of our digital services."
    mode = MatchRequest.Mode.COMPLEMENTARY


class MatchInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchInvitation

    match = factory.SubFactory(MatchRequestFactory)
    authority = factory.SubFactory(AuthorityFactory)
    reason = "Strong where you are weak."
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=21))
