"""The good-practice library: the library page and its practice case pages.

A practice case belongs to one or more authorities, applies some of the Tallinn Declaration principles
(portal.principles), addresses benchmark sub-pillars and carries tags shared site-wide (taggit's Tag:
policy briefs, toolkit entries and member interests use the same tags). Members submit cases through a
front-end form (practices.views); they enter the "Practice case review" workflow attached to the library.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.models import ContentPage
from portal.principles import Principle

CASE_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class ServiceArea(models.TextChoices):
    GENERAL = "general", _("General administration and one-stop shops")
    SOCIAL = "social", _("Social services and care")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education and childcare")
    MOBILITY = "mobility", _("Mobility, transport and parking")
    HOUSING = "housing", _("Housing, building and planning")
    BUSINESS = "business", _("Business, permits and licences")
    TAXES = "taxes", _("Taxes, fees and payments")
    ENVIRONMENT = "environment", _("Environment, waste and energy")
    CULTURE = "culture", _("Culture, sport and leisure")
    PARTICIPATION = "participation", _("Participation and democracy")
    IDENTITY = "identity", _("Digital identity and data")


class LifeEvent(models.TextChoices):
    """Life events as the European eGovernment benchmark groups public services."""

    NONE = "", _("Not tied to one life event")
    FAMILY = "family", _("Family life and having a child")
    STUDYING = "studying", _("Starting school or studies")
    MOVING = "moving", _("Moving house")
    JOB = "job", _("Looking for a job")
    BUSINESS_START = "business-start", _("Starting a business")
    BUSINESS_OPERATIONS = "business-operations", _("Running a business")
    CAR = "car", _("Owning and driving a car")
    HEALTH = "health", _("Having a health problem")
    AGEING = "ageing", _("Growing old and retiring")
    BEREAVEMENT = "bereavement", _("Losing a loved one")
    CIVIC = "civic", _("Taking part in local life")


class CaseStatus(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    LIVE = "live", _("Live")
    SCALED = "scaled", _("Scaled up")


def validate_principles(value) -> None:
    """A list of distinct Principle codes."""
    if not isinstance(value, list):
        raise ValidationError(_("Principles must be a list of principle codes."))
    valid = set(Principle.values)
    unknown = [code for code in value if code not in valid]
    if unknown:
        raise ValidationError(
            _("Unknown principle: %(codes)s."), params={"codes": ", ".join(map(str, unknown))}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A principle is listed twice."))


class PrinciplesField(models.JSONField):
    """A list of portal.principles.Principle codes, stored as JSON, chosen with checkboxes in forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_principles])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path_, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if kwargs.get("default") is list:
            kwargs.pop("default")
        if kwargs.get("blank") is True:
            kwargs.pop("blank")
        return name, path_, args, kwargs

    def formfield(self, **kwargs):
        from django import forms

        return forms.TypedMultipleChoiceField(
            choices=Principle.choices,
            required=not self.blank,
            label=kwargs.get("label", self.verbose_name),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


class PracticeIndexPage(RoutablePageMixin, ContentPage):
    """The library of good-practice cases from member authorities: search, facets, a page per tag."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["practices.PracticeCasePage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("practice library page")

    @path("")
    def library_view(self, request):
        from .views import library_view

        return library_view(request, page=self)

    @path("tag/<slug:slug>/")
    def tag_view(self, request, slug):
        from .views import tag_view

        return tag_view(request, page=self, slug=slug)

    @path("tags/suggest/")
    def tag_suggestions_view(self, request):
        from .views import tag_suggestions_view

        return tag_suggestions_view(request)

    @path("submit/")
    def submit_view(self, request):
        from .views import submit_view

        return submit_view(request, page=self)

    @path("my-submissions/", name="my_submissions")
    def my_submissions_view(self, request):
        from .views import my_submissions_view

        return my_submissions_view(request, page=self)

    @path("my-submissions/<int:case_id>/revise/", name="revise")
    def revise_view(self, request, case_id):
        from .views import revise_view

        return revise_view(request, page=self, case_id=case_id)


class PracticeCaseTag(TaggedItemBase):
    """A tag on a practice case (the tag itself is taggit's shared Tag)."""

    content_object = ParentalKey(
        "practices.PracticeCasePage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("practice case tag")


class ResourceLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    url = blocks.URLBlock(label=_("Address"))

    class Meta:
        icon = "link"
        label = _("Link")
        template = "practices/blocks/resource_link_block.html"
        description = _("A link to a web page about the case")
        preview_value = {"title": "The service", "url": "https://www.example.org/"}


class ResourceDocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, required=False, label=_("Title"))
    document = DocumentChooserBlock(label=_("Document"))

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "practices/blocks/resource_document_block.html"
        description = _("A downloadable document (report, evaluation, template)")


class ResourcesBlock(blocks.StreamBlock):
    link_block = ResourceLinkBlock()
    document_block = ResourceDocumentBlock()


class PracticeCasePage(RoutablePageMixin, Page):
    """A good practice of one or more authorities, with its impact in figures and a contact person."""

    authorities = ParentalManyToManyField(
        "benchmarks.Authority", related_name="practice_cases", verbose_name=_("authorities")
    )
    sub_pillars = ParentalManyToManyField(
        "benchmarks.SubPillar",
        related_name="practice_cases",
        blank=True,
        verbose_name=_("benchmark sub-pillars"),
        help_text=_("The sub-pillars of the benchmark this case addresses."),
    )
    principles = PrinciplesField(
        _("Tallinn Declaration principles"), help_text=_("The user-centricity principles the case applies.")
    )
    summary = models.TextField(
        _("in a nutshell"), max_length=600, help_text=_("Two or three sentences: what it is and for whom.")
    )
    description = RichTextField(
        _("how it works"), blank=True, features=CASE_TEXT_FEATURES, help_text=_("What was done, and how.")
    )
    user_centricity = RichTextField(_("what makes it user-centric"), features=CASE_TEXT_FEATURES)
    impact = RichTextField(
        _("impact"),
        features=CASE_TEXT_FEATURES,
        help_text=_("The results, with figures where you have them."),
    )
    service_area = models.CharField(_("service area"), max_length=20, choices=ServiceArea.choices)
    life_event = models.CharField(
        _("life event"), max_length=24, choices=LifeEvent.choices, blank=True, default=LifeEvent.NONE
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.LIVE)
    year_launched = models.PositiveSmallIntegerField(
        _("year launched"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    resources = StreamField(
        ResourcesBlock(), blank=True, verbose_name=_("documents and links"), use_json_field=True
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_role = models.CharField(_("contact role"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="submitted_practice_cases",
        verbose_name=_("submitted by"),
    )
    submission_markdown = models.JSONField(
        _("Markdown the member wrote"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Kept so the submitter revises what they wrote; the page shows the sanitised HTML."),
    )
    tags = ClusterTaggableManager(through=PracticeCaseTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("authorities"),
        MultiFieldPanel(
            [
                FieldPanel("service_area"),
                FieldPanel("life_event"),
                FieldPanel("status"),
                FieldPanel("year_launched"),
            ],
            heading=_("Facts"),
        ),
        FieldPanel("description"),
        FieldPanel("user_centricity"),
        FieldPanel("impact"),
        MultiFieldPanel(
            [FieldPanel("principles"), FieldPanel("sub_pillars"), FieldPanel("tags")],
            heading=_("Classification"),
        ),
        InlinePanel("gallery_images", label=_("Images")),
        FieldPanel("resources"),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldPanel("contact_role"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Contact person (shown to logged-in members only)"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.SearchField("user_centricity"),
        index.SearchField("impact"),
        index.AutocompleteField("summary"),
        index.RelatedFields("tags", [index.SearchField("name", boost=2)]),
        index.RelatedFields("authorities", [index.SearchField("name", boost=2)]),
        index.FilterField("status"),
        index.FilterField("year_launched"),
        index.FilterField("service_area"),
    ]

    parent_page_types = ["practices.PracticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("practice case")
        verbose_name_plural = _("practice cases")

    def clean(self):
        super().clean()
        validate_principles(self.principles)

    def get_principles_display(self) -> list[str]:
        return [str(Principle(code).label) for code in self.principles if code in Principle.values]

    def get_context(self, request, *args, **kwargs):
        from .views import case_context

        context = super().get_context(request, *args, **kwargs)
        context.update(case_context(request, case=self))
        return context

    @path("tags/", name="add_tags")
    def add_tags_view(self, request):
        from .views import case_tag_view

        return case_tag_view(request, case=self)


class PracticeCaseImage(Orderable):
    """An image of the case's gallery."""

    page = ParentalKey(PracticeCasePage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Empty if purely decorative."),
    )

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]
