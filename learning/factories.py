import datetime

import factory
import wagtail_factories
from wagtail.documents import get_document_model

from .models import (
    PolicyBriefAuthor,
    PolicyBriefIndexPage,
    PolicyBriefPage,
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
