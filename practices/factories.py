import factory
import wagtail_factories

from benchmarks.factories import AuthorityFactory

from .models import CaseStatus, PracticeCasePage, PracticeIndexPage, ServiceArea


class PracticeIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PracticeIndexPage
        skip_postgeneration_save = True

    title = "Good practices"

    @factory.post_generation
    def review_workflow(self, create, extracted, **kwargs):
        if create:
            from .services import library_attach_review_workflow

            library_attach_review_workflow(library=self)


class PracticeCasePageFactory(wagtail_factories.PageFactory):
    """A live practice case. Pass authorities=[...], sub_pillars=[...], tags=[...] as lists."""

    class Meta:
        model = PracticeCasePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Practice case {n}")
    summary = "A service redesigned with the people who use it."
    user_centricity = "<p>Designed and tested with residents.</p>"
    impact = "<p>Waiting times fell by 40%.</p>"
    service_area = ServiceArea.GENERAL
    status = CaseStatus.LIVE
    year_launched = 2021
    principles = factory.LazyFunction(list)

    @factory.post_generation
    def authorities(self, create, extracted, **kwargs):
        if not create:
            return
        self.authorities.set(extracted if extracted is not None else [AuthorityFactory()])
        self.save()

    @factory.post_generation
    def sub_pillars(self, create, extracted, **kwargs):
        if create and extracted:
            self.sub_pillars.set(extracted)
            self.save()

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
            self.save()
