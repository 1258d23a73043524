"""The result types of the portal's content, registered when their models exist.

Each `register_*` function describes one kind of content for the search (see search/registry.py).
`register_all()` runs from `SearchConfig.ready`; a type whose app or model is missing is skipped, so
the search works with whatever content types the portal has.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .highlight import plain_text
from .registry import ChoiceListFacet, ResultType, register, result_types


def get_model(label: str):
    """The model called `app_label.ModelName`, or None when that app or model does not exist."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def page_text(page) -> str:
    """Public text of a page for snippets: its summary, introduction and body blocks' searchable text."""
    parts = [getattr(page, "search_description", ""), getattr(page, "introduction", "")]
    body = getattr(page, "body", None)
    if body is not None and hasattr(body, "stream_block"):
        parts.extend(str(text) for text in body.stream_block.get_searchable_content(body))
    return plain_text(" ".join(part for part in parts if part))


def page_url(page, request) -> str:
    return page.get_url(request) or ""


def public_q() -> Q:
    """Pages outside every restricted section, as a NOT EXISTS subquery. Wagtail's `public()` reads the
    restrictions first (a query each time a type's visibility is asked); this reads none up front."""
    from wagtail.models import PageViewRestriction

    # A restriction covers its page and the descendants: the paths that start with its page's path.
    covering = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return ~Exists(covering)


def live_public(model):
    """Visibility of pages: published and without view restrictions (never drafts or private pages)."""

    def visible(user):
        return model.objects.live().filter(public_q())

    return visible


def register_authorities() -> None:
    Authority = get_model("benchmarks.Authority")
    if Authority is None:
        return
    from benchmarks.widgets import dashboard_page

    def url(authority, request) -> str:
        # The dashboard's URL once per request, however many authorities a page of results holds.
        prefix = getattr(request, "_search_dashboard_url", None)
        if prefix is None:
            page = dashboard_page(framework_key="ucc")
            prefix = (page.get_url(request) or "") if page is not None else ""
            if request is not None:
                request._search_dashboard_url = prefix
        return f"{prefix}authority/{authority.slug}/" if prefix else ""

    def text(authority) -> str:
        kind = authority.get_kind_display()
        where = _country_label(authority.country) if authority.country else ""
        population = f"{authority.population:,}" if authority.population else ""
        return " · ".join(
            part for part in (str(kind), where, population and _("population %s") % population) if part
        )

    register(
        ResultType(
            key="authority",
            label=_("Authorities"),
            model=Authority,
            visible=lambda user: Authority.objects.all(),
            url=url,
            text=text,
            facets={"country": "country"},
            title_field="name",
            boost=2.0,
            facet_labels={"country": _country_label},
            order=50,
        )
    )


def _principle_codes() -> list[str]:
    from portal.principles import Principle

    return list(Principle.values)


def _principle_label(code: str) -> str:
    from portal.principles import principle_label

    return principle_label(code)


def _country_label(code: str) -> str:
    from benchmarks.templatetags.benchmark_tags import country_name

    return country_name(code)


def _practices_generation() -> str:
    from practices.library_index import generation

    return generation()


def register_practice_cases() -> None:
    PracticeCasePage = get_model("practices.PracticeCasePage")
    if PracticeCasePage is None:
        return

    def text(case) -> str:
        # Public fields only: the contact person is for logged-in members and never reaches a snippet.
        return plain_text(" ".join([case.summary, case.description, case.user_centricity, case.impact]))

    register(
        ResultType(
            key="practice",
            label=_("Good practices"),
            model=PracticeCasePage,
            visible=live_public(PracticeCasePage),
            url=page_url,
            text=text,
            facets={
                "tag": "tags__name",
                "country": "authorities__country",
                "subpillar": "sub_pillars__name",
                "principle": ChoiceListFacet("principles", _principle_codes),
                "year": "year_launched",
            },
            date_field="first_published_at",
            facet_labels={"country": _country_label, "principle": _principle_label},
            order=10,
            # The practice library's generation follows every change of cases, their links, the tags,
            # authorities and sub-pillars they name, and view restrictions (practices/signals.py).
            index_generation=_practices_generation,
        )
    )


def register_policy_briefs() -> None:
    PolicyBriefPage = get_model("learning.PolicyBriefPage")
    if PolicyBriefPage is None:
        return
    register(
        ResultType(
            key="brief",
            label=_("Policy briefs"),
            model=PolicyBriefPage,
            visible=live_public(PolicyBriefPage),
            url=page_url,
            text=page_text,
            facets={"tag": "tags__name", "year": "date__year"},
            date_field="date",
            order=20,
        )
    )


def register_toolkit_entries() -> None:
    ToolkitEntryPage = get_model("learning.ToolkitEntryPage")
    if ToolkitEntryPage is None:
        return
    register(
        ResultType(
            key="toolkit",
            label=_("Toolkit"),
            model=ToolkitEntryPage,
            visible=live_public(ToolkitEntryPage),
            url=page_url,
            text=page_text,
            facets={
                "tag": "tags__name",
                "subpillar": "subpillars__name",
                "principle": "principle_links__principle",
                "year": "first_published_at__year",
            },
            date_field="first_published_at",
            facet_labels={"principle": _principle_label},
            order=30,
        )
    )


def register_events() -> None:
    EventPage = get_model("events.EventPage")
    if EventPage is None:
        return

    def text(event) -> str:
        # The online link is for confirmed registrants only: never part of a snippet.
        return " ".join(
            part for part in (event.summary, page_text(event), event.venue_name, event.organiser) if part
        )

    register(
        ResultType(
            key="event",
            label=_("Events"),
            model=EventPage,
            visible=live_public(EventPage),
            url=page_url,
            text=text,
            facets={"year": "start_date__year"},
            date_field="start",
            order=40,
        )
    )


def register_discussion_messages() -> None:
    Message = get_model("learning.Message")
    if Message is None:
        return
    from django.urls import reverse

    def visible(user):
        # Open rooms only (never a private match room, even for its participants), nothing deleted or hidden.
        return Message.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True).exclude(
            room__kind="private"
        )

    def url(message, request) -> str:
        return reverse("discussions:room", args=[message.room.slug]) + f"#message-{message.pk}"

    register(
        ResultType(
            key="message",
            label=_("Discussions"),
            model=Message,
            visible=visible,
            url=url,
            text=lambda message: plain_text(message.body_html),
            facets={"subpillar": "room__subpillar__name", "year": "created_at__year"},
            date_field="created_at",
            title_field="room__title",
            text_fields=("body",),
            order=60,
        )
    )


def register_pages() -> None:
    """Every other page (home, standard pages, section index pages, the dashboard): "Pages"."""

    def visible(user):
        own_types = [rt.model for rt in result_types() if issubclass(rt.model, Page) and rt.model is not Page]
        queryset = Page.objects.live().filter(public_q(), depth__gt=1)
        return queryset.not_type(*own_types) if own_types else queryset

    register(
        ResultType(
            key="page",
            label=_("Pages"),
            model=Page,
            visible=visible,
            url=page_url,
            text=page_text,
            facets={"year": "first_published_at__year"},
            date_field="first_published_at",
            order=90,
        )
    )


def register_all() -> None:
    register_practice_cases()
    register_policy_briefs()
    register_toolkit_entries()
    register_events()
    register_discussion_messages()
    register_authorities()
    register_pages()
