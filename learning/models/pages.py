"""Policy briefs and the toolkit (Wagtail pages)."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.models import ContentPage
from portal.principles import Principle

from ..blocks import LearningBodyBlock

__all__ = [
    "PolicyBriefIndexPage",
    "PolicyBriefPage",
    "PolicyBriefAuthor",
    "PolicyBriefTag",
    "ToolkitIndexPage",
    "ToolkitEntryPage",
    "ToolkitEntryPrinciple",
    "ToolkitEntryTag",
    "ToolkitTemplate",
]

BRIEFS_PER_PAGE = 10
ENTRIES_PER_PAGE = 24


def _page_number(request) -> str:
    return request.GET.get("page") or "1"


class PolicyBriefIndexPage(RoutablePageMixin, ContentPage):
    """The list of policy briefs, newest first, with a year filter and an Atom feed."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["learning.PolicyBriefPage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("policy brief index page")

    def get_context(self, request, *args, **kwargs):
        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        years = selectors.brief_years(index=self)
        year = selectors.parse_year(request.GET.get("year"), allowed=years)
        briefs = selectors.brief_list(index=self, year=year)
        page_obj = Paginator(briefs, BRIEFS_PER_PAGE).get_page(_page_number(request))
        context.update(
            {
                "years": years,
                "year": year,
                "page_obj": page_obj,
                "briefs": page_obj.object_list,
                "extra_query": urlencode({"year": year}) if year else "",
                "feed_url": self.url + self.reverse_subpage("feed"),
            }
        )
        return context

    @path("")
    def index_view(self, request):
        return self.render(request)

    @path("feed/", name="feed")
    def feed_view(self, request):
        from ..feeds import PolicyBriefFeed

        return PolicyBriefFeed()(request, index=self)


class PolicyBriefTag(TaggedItemBase):
    """A tag on a policy brief (taggit's shared Tag, the same tags as practice cases)."""

    content_object = ParentalKey(
        "learning.PolicyBriefPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class PolicyBriefPage(ContentPage):
    """An analysis of what the benchmark shows on a theme, and what local leaders can do about it."""

    date = models.DateField(_("date"), default=datetime.date.today)
    body = StreamField(LearningBodyBlock(), blank=True, verbose_name=_("body"))
    pdf = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("PDF version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The printable brief, offered as a download."),
    )
    related_cases = ParentalManyToManyField(
        "practices.PracticeCasePage",
        verbose_name=_("related practice cases"),
        related_name="policy_briefs",
        blank=True,
        help_text=_("Cases of the good-practice library this brief discusses."),
    )
    tags = ClusterTaggableManager(through=PolicyBriefTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("introduction"),
        InlinePanel("authors", label=_("Authors"), min_num=0),
        FieldPanel("body"),
        FieldPanel("pdf"),
        FieldPanel("related_cases"),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("tags")]
    search_fields = ContentPage.search_fields + [
        index.FilterField("date"),
        index.RelatedFields("authors", [index.SearchField("name"), index.SearchField("affiliation")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["learning.PolicyBriefIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("policy brief")
        verbose_name_plural = _("policy briefs")

    def get_context(self, request, *args, **kwargs):
        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        context["authors"] = list(self.authors.all())
        context["tag_list"] = list(self.tags.all())
        context["related_cases"] = selectors.brief_related_cases(brief=self)
        index_page = self.get_parent().specific
        if isinstance(index_page, PolicyBriefIndexPage):
            context["feed_url"] = index_page.url + index_page.reverse_subpage("feed")
        return context

    @property
    def published(self) -> datetime.datetime:
        """The brief's date as an aware datetime (feeds need one)."""
        return timezone.make_aware(datetime.datetime.combine(self.date, datetime.time(9, 0)))


class PolicyBriefAuthor(Orderable):
    """An author of a brief, in the order they are credited."""

    page = ParentalKey(PolicyBriefPage, on_delete=models.CASCADE, related_name="authors")
    name = models.CharField(_("name"), max_length=150)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("affiliation")]

    class Meta(Orderable.Meta):
        verbose_name = _("author")

    def __str__(self):
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class ToolkitIndexPage(ContentPage):
    """The toolkit of methods, guides and templates, filtered by kind, category, sub-pillar, principle and
    difficulty with a plain GET form (works without JavaScript)."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["learning.ToolkitEntryPage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("toolkit index page")

    def get_context(self, request, *args, **kwargs):
        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        filters = selectors.ToolkitFilters.from_query(request.GET)
        entries = selectors.toolkit_entries(index=self, filters=filters)
        page_obj = Paginator(entries, ENTRIES_PER_PAGE).get_page(_page_number(request))
        context.update(
            {
                "filters": filters,
                "facets": selectors.toolkit_facets(index=self, filters=filters),
                "page_obj": page_obj,
                "entries": page_obj.object_list,
                "result_count": page_obj.paginator.count,
                "extra_query": urlencode(filters.as_query()),
            }
        )
        return context


class ToolkitEntryForm(WagtailAdminPageForm):
    """Sub-pillars named with their edition, newest edition first (each edition has its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("subpillars")
        if field is not None:
            field.queryset = field.queryset.select_related("edition").order_by(
                "-edition__revision", "sort_order"
            )
            field.label_from_instance = lambda sp: f"{sp.edition.revision} · {sp.key} {sp.name}"


class ToolkitEntryTag(TaggedItemBase):
    """A tag on a toolkit entry (taggit's shared Tag)."""

    content_object = ParentalKey(
        "learning.ToolkitEntryPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ToolkitEntryPage(ContentPage):
    """A method, guide or template of the toolkit, linked to the benchmark areas it helps with."""

    class Kind(models.TextChoices):
        METHOD = "method", _("Method")
        GUIDE = "guide", _("Guide")
        TEMPLATE = "template", _("Template")

    class Category(models.TextChoices):
        DESIGN_THINKING = "design-thinking", _("Design thinking")
        SERVICE_DESIGN = "service-design", _("Service design methods")
        EVALUATION = "evaluation", _("Evaluation and measurement")

    class Difficulty(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    DIFFICULTY_ORDER = {Difficulty.INTRODUCTORY: 0, Difficulty.INTERMEDIATE: 1, Difficulty.ADVANCED: 2}

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.METHOD)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.SERVICE_DESIGN
    )
    subpillars = ParentalManyToManyField(
        "benchmarks.SubPillar",
        verbose_name=_("benchmark sub-pillars"),
        related_name="toolkit_entries",
        blank=True,
        help_text=_("The benchmark areas this entry helps an authority improve."),
    )
    time_needed = models.CharField(
        _("time needed"), max_length=100, blank=True, help_text=_("For example: half a day with 6-8 people.")
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=12, choices=Difficulty.choices, default=Difficulty.INTRODUCTORY
    )
    body = StreamField(LearningBodyBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ToolkitEntryTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("category"),
                FieldPanel("difficulty"),
                FieldPanel("time_needed"),
            ],
            heading=_("At a glance"),
        ),
        FieldPanel("subpillars", widget=forms.CheckboxSelectMultiple),
        InlinePanel("principle_links", label=_("Tallinn Declaration principles")),
        FieldPanel("body"),
        InlinePanel("templates", label=_("Downloadable templates")),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("tags")]
    search_fields = ContentPage.search_fields + [
        index.FilterField("kind"),
        index.FilterField("category"),
        index.FilterField("difficulty"),
        index.SearchField("time_needed"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.RelatedFields("subpillars", [index.SearchField("name")]),
    ]

    parent_page_types = ["learning.ToolkitIndexPage"]
    subpage_types: list[str] = []

    base_form_class = ToolkitEntryForm

    class Meta:
        verbose_name = _("toolkit entry")
        verbose_name_plural = _("toolkit entries")

    @property
    def principle_codes(self) -> list[str]:
        return [link.principle for link in self.principle_links.all()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["principles"] = [Principle(code) for code in dict.fromkeys(self.principle_codes)]
        context["subpillar_list"] = list(self.subpillars.select_related("edition").order_by("sort_order"))
        context["template_list"] = [t for t in self.templates.select_related("document") if t.document]
        context["tag_list"] = list(self.tags.all())
        return context


class ToolkitEntryPrinciple(Orderable):
    """A Tallinn Declaration principle a toolkit entry applies (codes from portal.principles)."""

    page = ParentalKey(ToolkitEntryPage, on_delete=models.CASCADE, related_name="principle_links")
    principle = models.CharField(_("principle"), max_length=30, choices=Principle.choices)

    panels = [FieldPanel("principle")]

    class Meta(Orderable.Meta):
        verbose_name = _("principle")

    def __str__(self):
        return str(Principle(self.principle).label)


class ToolkitTemplate(Orderable):
    """A downloadable template of a toolkit entry (a Wagtail document)."""

    page = ParentalKey(ToolkitEntryPage, on_delete=models.CASCADE, related_name="templates")
    document = models.ForeignKey(
        get_document_model_string(), verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Shown as the link text; the document's title if empty."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("template")

    def __str__(self):
        return self.title or self.document.title

    @property
    def label(self) -> str:
        return self.title or self.document.title
