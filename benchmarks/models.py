"""Authorities, benchmark frameworks and their editions, questionnaire submissions and stored scores.

A framework (UserCentriCities) has editions (revisions, 2022, 2023...). An edition has pillars, sub-pillars
and yes/no indicators. An authority answers one edition in a Submission; editors approve it, which
publishes it and stores its scores (SubPillarResult rows, overall value, percentage and rank), so pages
only read. A published result is corrected only by approving a newer version, which supersedes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.search import index

from portal.models import ContentPage


class Authority(index.Indexed, models.Model):
    """A local or regional authority that measures itself on the portal."""

    class Kind(models.TextChoices):
        CITY = "city", _("City or municipality")
        REGION = "region", _("Region")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. FI")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    website = models.URLField(_("official website"), blank=True)
    email_domain = models.CharField(_("e-mail domain"), max_length=100, blank=True)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="represented_authorities",
        verbose_name=_("representatives"),
        help_text=_("Members who answer the benchmark questionnaire for this authority."),
    )

    search_fields = [
        index.SearchField("name", boost=5),
        index.AutocompleteField("name"),
        index.FilterField("country"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Framework(models.Model):
    """A benchmark framework, e.g. the UserCentriCities framework."""

    class Method(models.TextChoices):
        UCC = "ucc", _("UserCentriCities: equal sub-pillars, yes/n, decimal rounding half away from zero")

    key = models.SlugField(_("key"), max_length=50, unique=True, help_text=_("Used by the import command."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    scoring_method = models.CharField(
        _("scoring method"), max_length=20, choices=Method.choices, default=Method.UCC
    )

    class Meta:
        verbose_name = _("benchmark framework")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Edition(models.Model):
    """One revision of a framework. Editions are scored and compared side by side, never mixed."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="editions")
    revision = models.CharField(_("revision"), max_length=20, help_text=_("For example 2023."))
    title = models.CharField(_("title"), max_length=200)
    is_open = models.BooleanField(
        _("open for answers"), default=True, help_text=_("Representatives can answer this edition.")
    )

    class Meta:
        verbose_name = _("edition")
        ordering = ["framework", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "revision"], name="edition_unique_revision")
        ]

    def __str__(self):
        return self.title


class Pillar(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="pillars")
    key = models.CharField(_("key"), max_length=10, help_text=_("For example 1."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pillar")
        ordering = ["edition", "sort_order", "key"]
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="pillar_unique_key")]

    def __str__(self):
        return f"{self.key} {self.name}"


class SubPillar(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="subpillars")
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="subpillars")
    key = models.CharField(_("key"), max_length=10, help_text=_("For example 2.1."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sub-pillar")
        ordering = ["edition", "sort_order", "key"]
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="subpillar_unique_key")]

    def __str__(self):
        return f"{self.key} {self.name}"

    @property
    def anchor(self) -> str:
        """The fragment id of this sub-pillar on an authority's profile."""
        return "subpillar-" + self.key.replace(".", "-")


class Indicator(models.Model):
    """A yes/no question of an edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="indicators")
    subpillar = models.ForeignKey(SubPillar, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=60, help_text=_("The field key of the original dashboard."))
    question = models.TextField(_("question"))
    guidance = models.TextField(_("guidance for answering"), blank=True)
    evidence_required = models.BooleanField(_("evidence required on Yes"), default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        ordering = ["edition", "subpillar__sort_order", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="indicator_unique_code")]

    def __str__(self):
        return self.code


class Submission(models.Model):
    """An authority's answers to one edition, from draft to published.

    draft -> submitted -> (returned -> submitted ...) -> published -> superseded (by a newer version).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting validation")
        RETURNED = "returned", _("Sent back for changes")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded by a newer version")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)

    class Source(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        IMPORT_ANSWERS = "import_answers", _("Import of answers")
        IMPORT_POINTS = "import_points", _("Import of published points")

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="submissions")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.QUESTIONNAIRE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("editor's comment"), blank=True)

    # Unscored background figures, collected with each submission (context for peer matching).
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    annual_budget_eur = models.PositiveBigIntegerField(_("annual budget (EUR)"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    ict_specialists_in_house_fte = models.DecimalField(
        _("ICT specialists in-house (FTE)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    ict_specialists_subcontracted_fte = models.DecimalField(
        _("ICT specialists subcontracted (FTE)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    api_users_per_month = models.PositiveIntegerField(_("API users per month"), null=True, blank=True)

    # Stored scores, set when the submission is published (benchmarks.services.submission_publish).
    overall = models.DecimalField(_("overall value"), max_digits=4, decimal_places=3, null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    BACKGROUND_FIELDS = (
        "population",
        "annual_budget_eur",
        "employees",
        "ict_specialists_in_house_fte",
        "ict_specialists_subcontracted_fte",
        "api_users_per_month",
    )

    class Meta:
        verbose_name = _("benchmark submission")
        ordering = ["edition", "authority__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "edition", "version"], name="submission_unique_version"
            ),
            models.UniqueConstraint(
                fields=["authority", "edition"],
                condition=Q(status="published"),
                name="submission_one_published",
            ),
            models.UniqueConstraint(
                fields=["authority", "edition"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="submission_one_open",
            ),
        ]
        permissions = [("validate_submission", "Can approve or send back benchmark submissions")]
        indexes = [models.Index(fields=["edition", "status", "rank"])]

    def __str__(self):
        return f"{self.authority} — {self.edition.revision} v{self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Answer(models.Model):
    """One indicator's answer in a submission, with its evidence and the editor's comment."""

    class Value(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NA = "na", _("Not answered")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("answer"), max_length=3, choices=Value.choices, default=Value.NA)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    review_comment = models.TextField(_("editor's comment"), blank=True)

    class Meta:
        verbose_name = _("answer")
        ordering = ["indicator__subpillar__sort_order", "indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="answer_unique_indicator")
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.value}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_text.strip() or self.evidence_url.strip())


class SubPillarResult(models.Model):
    """A published submission's points and value in one sub-pillar (stored by the scoring service)."""

    # no index of its own: the unique (submission, subpillar) index serves lookups by submission, and one
    # index fewer makes the bulk rescoring's inserts cheaper
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    subpillar = models.ForeignKey(SubPillar, on_delete=models.CASCADE, related_name="results")
    yes = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=3, decimal_places=2)
    band = models.CharField(max_length=6)

    class Meta:
        ordering = ["subpillar__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "subpillar"], name="result_unique_subpillar")
        ]

    def __str__(self):
        return f"{self.subpillar.key}: {self.yes}/{self.total}"


class DashboardPage(RoutablePageMixin, ContentPage):
    """The benchmarking dashboard: the ranking of authorities, their profiles, the methodology and the open
    data, for one framework (UserCentriCities by default)."""

    framework_key = models.SlugField(
        _("framework"),
        default="ucc",
        max_length=50,
        help_text=_("Key of the framework this dashboard shows."),
    )

    content_panels = ContentPage.content_panels + [FieldPanel("framework_key")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("benchmark dashboard page")

    def _edition(self, request):
        from . import selectors

        revision = request.GET.get("edition")
        if revision:
            edition = selectors.edition_get(framework_key=self.framework_key, revision=revision)
            if edition is None:
                raise Http404(_("No such edition."))
            return edition
        edition = selectors.default_edition(framework_key=self.framework_key)
        if edition is None:
            raise Http404(_("This framework has no editions."))
        return edition

    @path("")
    def ranking_view(self, request):
        from portal.caching import cached_page
        from portal.signals import chrome_generation

        from . import selectors
        from .dashboard_views import ranking_context

        edition = self._edition(request)

        def render():
            context = self.get_context(request)
            context.update(ranking_context(request, page=self, edition=edition))
            return self.render(request, context_overrides=context)

        # Anonymous visitors share one rendering per data version; the site navigation's generation changes
        # whenever a page is published, so edits to this page or the menus show at once.
        version = (self.pk, edition.pk, selectors.edition_data_version(edition=edition), chrome_generation())
        return cached_page(request, version, render)

    @path("authority/<slug:slug>/")
    def profile_view(self, request, slug):
        from .dashboard_views import profile_context

        authority = get_object_or_404(Authority, slug=slug)
        context = self.get_context(request)
        context.update(
            profile_context(request, page=self, authority=authority, edition=self._edition(request))
        )
        return self.render(request, template="benchmarks/authority_profile.html", context_overrides=context)

    @path("methodology/")
    def methodology_view(self, request):
        from .dashboard_views import methodology_context

        context = self.get_context(request)
        context.update(methodology_context(request, page=self, edition=self._edition(request)))
        return self.render(request, template="benchmarks/methodology.html", context_overrides=context)

    @path("compare/")
    def compare_view(self, request):
        from .compare_views import compare_context

        context = self.get_context(request)
        context.update(compare_context(request, page=self, edition=self._edition(request)))
        return self.render(request, template="benchmarks/compare.html", context_overrides=context)

    @path("compare/authorities/")
    def compare_authorities_view(self, request):
        """JSON suggestions for the compare page's combobox (Wagtail serves page routes with a slash)."""
        from .compare_views import authorities_json

        return authorities_json(request, page=self, edition=self._edition(request))
