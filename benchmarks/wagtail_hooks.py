"""The benchmarks in the Wagtail admin: authorities, frameworks, editions, submissions and their history."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Authority, Edition, Framework, Indicator, Submission, SubPillar


class AuthorityViewSet(SnippetViewSet):
    model = Authority
    icon = "site"
    menu_label = _("Authorities")
    list_display = ["name", "country", "kind", "population"]
    list_filter = ["country", "kind"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("country"),
        FieldPanel("kind"),
        FieldPanel("population"),
        FieldPanel("website"),
        FieldPanel("email_domain"),
        FieldPanel("representatives"),
    ]


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    icon = "list-ul"
    menu_label = _("Frameworks")
    list_display = ["name", "key", "scoring_method"]
    panels = [FieldPanel("name"), FieldPanel("key"), FieldPanel("description"), FieldPanel("scoring_method")]


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "date"
    menu_label = _("Editions")
    list_display = ["title", "framework", "revision", "is_open"]
    list_filter = ["framework", "is_open"]
    panels = [FieldPanel("framework"), FieldPanel("revision"), FieldPanel("title"), FieldPanel("is_open")]


class SubPillarViewSet(SnippetViewSet):
    model = SubPillar
    icon = "folder-open-inverse"
    menu_label = _("Sub-pillars")
    list_display = ["key", "name", "pillar", "edition"]
    list_filter = ["edition"]
    search_fields = ["name", "key"]
    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "help"
    menu_label = _("Indicators")
    list_display = ["code", "question", "subpillar", "edition"]
    list_filter = ["edition", "evidence_required"]
    search_fields = ["code", "question"]
    panels = [
        FieldPanel("edition", read_only=True),
        FieldPanel("subpillar"),
        FieldPanel("code"),
        FieldPanel("question"),
        FieldPanel("guidance"),
        FieldPanel("evidence_required"),
        FieldPanel("sort_order"),
    ]


class SubmissionViewSet(SnippetViewSet):
    """Submissions are changed only through the questionnaire and the review (so the audit log sees every
    change); the admin lists them with their history."""

    model = Submission
    icon = "tasks"
    menu_label = _("Submissions")
    list_display = ["authority", "edition", "version", "status", "percent", "rank", "updated_at"]
    list_filter = ["edition", "status", "source"]
    search_fields = ["authority__name"]
    panels = [
        FieldPanel("authority", read_only=True),
        FieldPanel("edition", read_only=True),
        FieldPanel("version", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("percent", read_only=True),
        FieldPanel("rank", read_only=True),
        FieldPanel("review_comment", read_only=True),
    ]


class BenchmarkGroup(SnippetViewSetGroup):
    items = (
        AuthorityViewSet,
        SubmissionViewSet,
        FrameworkViewSet,
        EditionViewSet,
        SubPillarViewSet,
        IndicatorViewSet,
    )
    menu_icon = "table"
    menu_label = _("Benchmark")
    menu_name = "benchmark"
    menu_order = 200


register_snippet(BenchmarkGroup)


@hooks.register("register_log_actions")
def register_benchmark_log_actions(actions):
    actions.register_action(
        "benchmarks.submission.start", _("Start submission"), _("Started the questionnaire")
    )
    actions.register_action("benchmarks.submission.save", _("Save answers"), _("Saved answers"))
    actions.register_action("benchmarks.submission.submit", _("Submit"), _("Submitted for validation"))
    actions.register_action("benchmarks.submission.return", _("Send back"), _("Sent back with comments"))
    actions.register_action(
        "benchmarks.submission.publish", _("Approve and publish"), _("Approved and published")
    )
    actions.register_action(
        "benchmarks.submission.supersede", _("Supersede"), _("Superseded by a newer version")
    )
    actions.register_action("benchmarks.submission.import", _("Import"), _("Imported and published"))
    actions.register_action(
        "benchmarks.edition.copy", _("Copy edition"), _("Started as a copy of an edition")
    )


@hooks.register("register_admin_urls")
def register_benchmark_admin_urls():
    return [
        path(
            "benchmark/editions/<int:pk>/copy/", admin_views.edition_copy_view, name="benchmarks_edition_copy"
        )
    ]


@hooks.register("register_snippet_listing_buttons")
def edition_copy_button(snippet, user, next_url=None):
    if isinstance(snippet, Edition) and user.has_perm("benchmarks.validate_submission"):
        yield Button(
            _("Start a new edition from this one"),
            reverse("benchmarks_edition_copy", args=[snippet.pk]),
            icon_name="copy",
            priority=30,
        )
