import factory
import wagtail_factories
from django.contrib.auth import get_user_model

from .models import CommunityIndexPage, HomePage, StandardPage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("ucc-demo-2026")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "UserCentriCities"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Page {n}")
    introduction = "A page of the portal."


class CommunityIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CommunityIndexPage

    title = "Community"
