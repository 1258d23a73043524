"""Site-wide search on the database backend (SQLite FTS5 here, PostgreSQL with DATABASE_URL):
ranking, taxonomy expansion, facet counts, permissions, index updates and the views."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from wagtail.models import PageViewRestriction

from benchmarks.factories import AuthorityFactory, SubmissionFactory
from benchmarks.models import Authority, Submission, SubPillar, SubPillarResult
from portal.factories import StandardPageFactory
from search import registry, selectors
from search.adapters import page_text
from search.registry import ResultType

pytestmark = pytest.mark.django_db


def hits(query, **kwargs):
    outcome = selectors.search(query=query, user=AnonymousUser(), **kwargs)
    return outcome, list(outcome.results[0:50])


def titles(found):
    return [hit.obj.title if hasattr(hit.obj, "title") else hit.obj.name for hit in found]


def test_title_match_beats_body_mention(home):
    StandardPageFactory(parent=home, title="About the network", introduction="Digital twins help planners.")
    StandardPageFactory(parent=home, title="Digital twins", introduction="What a city model is.")
    _, found = hits("digital twins")
    assert titles(found)[:2] == ["Digital twins", "About the network"]


def test_exact_title_outranks_longer_titles(home):
    StandardPageFactory(
        parent=home, title="Service design in practice for regions", introduction="service design"
    )
    StandardPageFactory(parent=home, title="Service design", introduction="The method.")
    StandardPageFactory(parent=home, title="Design notes", introduction="Service design service design.")
    _, found = hits("service design")
    assert titles(found) == ["Service design", "Service design in practice for regions", "Design notes"]


def test_an_authority_name_finds_its_profile_first(dashboard):
    AuthorityFactory(name="Tampere", country="FI")
    StandardPageFactory(parent=dashboard.get_parent(), title="Tampere chatbot story", introduction="Tampere.")
    StandardPageFactory(
        parent=dashboard.get_parent(), title="News", introduction="Visit Tampere and Tampere."
    )
    _, found = hits("tampere")
    assert found[0].url == "/dashboard/authority/tampere/"
    assert found[0].result_type.key == "authority"
    assert len(found) == 3


def _subpillar_type():
    """Authorities with a published result in a sub-pillar: a type with taxonomy and two facets."""
    return ResultType(
        key="scored",
        label="Scored authorities",
        model=Authority,
        visible=lambda user: Authority.objects.filter(
            submissions__status=Submission.Status.PUBLISHED
        ).distinct(),
        url=lambda obj, request: f"/scored/{obj.slug}/",
        text=lambda obj: obj.name,
        facets={"country": "country", "subpillar": "submissions__results__subpillar__name"},
        title_field="name",
        order=1,
    )


def _scored(name, country, subpillar_names):
    authority = AuthorityFactory(name=name, country=country)
    submission = SubmissionFactory(authority=authority, status=Submission.Status.PUBLISHED)
    for subpillar in SubPillar.objects.filter(edition=submission.edition, name__in=subpillar_names):
        SubPillarResult.objects.create(
            submission=submission, subpillar=subpillar, yes=1, total=2, value="0.50", band="medium"
        )
    return authority


def test_a_sub_pillar_name_finds_what_is_assigned_to_it(restore_registry):
    restore_registry.register(_subpillar_type())
    _scored("Ghent", "BE", ["Co-creation"])
    _scored("Espoo", "FI", ["Skills"])
    outcome, found = hits("co-creation", type_key="scored")
    assert outcome.terms["subpillar"] == ["Co-creation"]
    assert titles(found) == ["Ghent"]  # the word is nowhere in its indexed text


def test_facet_counts_and_two_facets_applied(restore_registry):
    restore_registry.register(_subpillar_type())
    _scored("Alpha Town", "FI", ["Co-creation", "Skills"])
    _scored("Beta Town", "FI", ["Skills"])
    _scored("Gamma Town", "BE", ["Co-creation"])
    _scored("Delta Town", "BE", [])
    outcome, found = hits("town", type_key="scored")
    facets = {facet.key: {v.value: v.count for v in facet.values} for facet in outcome.facets}
    assert facets["country"] == {"FI": 2, "BE": 2}
    assert facets["subpillar"] == {"Co-creation": 2, "Skills": 2}
    assert len(found) == 4

    outcome, found = hits("town", type_key="scored", filters={"country": "FI", "subpillar": "Co-creation"})
    assert titles(found) == ["Alpha Town"]
    facets = {facet.key: {v.value: v.count for v in facet.values} for facet in outcome.facets}
    # Each facet counts with the other filters applied: switching a facet's value shows what it would give.
    assert facets["country"] == {"FI": 1, "BE": 1}
    assert facets["subpillar"] == {"Co-creation": 1, "Skills": 2}
    assert next(t for t in outcome.types if t.key == "scored").count == 1


def test_facet_counts_are_aggregate_queries(restore_registry, django_assert_max_num_queries):
    restore_registry.register(_subpillar_type())
    for i in range(30):
        _scored(f"Town {i}", "FI" if i % 2 else "BE", ["Skills"])
    with django_assert_max_num_queries(25):
        outcome, found = hits("town", type_key="scored")
        facets = {facet.key: {v.value: v.count for v in facet.values} for facet in outcome.facets}
    assert facets["country"] == {"FI": 15, "BE": 15}
    assert len(found) == 30


def test_year_facet_and_date_order(home):
    old = StandardPageFactory(parent=home, title="Accessibility report", introduction="x")
    new = StandardPageFactory(parent=home, title="Accessibility plan", introduction="x")
    for page, year in ((old, 2022), (new, 2024)):
        page.first_published_at = datetime.datetime(year, 3, 1, tzinfo=datetime.UTC)
        page.save()
    outcome, found = hits("accessibility", order="date")
    assert titles(found)[:2] == ["Accessibility plan", "Accessibility report"]
    year = next(f for f in outcome.facets if f.key == "year")
    assert {v.value: v.count for v in year.values} == {"2022": 1, "2024": 1}
    _, found = hits("accessibility", filters={"year": "2022"})
    assert titles(found) == ["Accessibility report"]


def test_never_drafts_or_private_pages(home):
    StandardPageFactory(parent=home, title="Quokka public", introduction="quokka")
    draft = StandardPageFactory(parent=home, title="Quokka draft", introduction="quokka", live=False)
    private = StandardPageFactory(parent=home, title="Quokka members", introduction="quokka")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    _, found = hits("quokka")
    assert titles(found) == ["Quokka public"]
    assert draft.pk and private.pk
    assert [s.label for s in selectors.autocomplete(query="quokk")] == ["Quokka public"]


def test_index_follows_publish_and_unpublish(home):
    page = StandardPageFactory(parent=home, title="Placeholder", introduction="nothing yet")
    page.title = "Wombat strategy"
    page.save_revision().publish()
    _, found = hits("wombat")
    assert titles(found) == ["Wombat strategy"]
    page.refresh_from_db()
    page.unpublish()
    _, found = hits("wombat")
    assert found == []


def test_snippets_use_public_text_and_are_escaped(home):
    page = StandardPageFactory(
        parent=home,
        title="<b>Bold</b> ideas",
        introduction="If 3 < 5 & <img src=x onerror=alert(1)> participatory budgets.",
    )
    _, found = hits("participatory")
    hit = found[0]
    assert "3 &lt; 5 &amp;" in hit.snippet and "<img" not in hit.snippet
    assert "<mark>participatory</mark>" in hit.snippet
    assert hit.title == "&lt;b&gt;Bold&lt;/b&gt; ideas"
    assert "participatory budgets" in page_text(page)


def test_pagination_slices_in_rank_order(home):
    for i in range(23):
        StandardPageFactory(parent=home, title=f"Kiosk {i:02d}", introduction="kiosk")
    outcome, _ = hits("kiosk")
    assert outcome.results.count() == 23
    first, third = outcome.results[0:10], outcome.results[20:30]
    assert len(first) == 10 and len(third) == 3
    assert not {h.obj.pk for h in first} & {h.obj.pk for h in third}


def test_registry_keeps_types_of_missing_models_out():
    keys = {rt.key for rt in registry.result_types()}
    assert {"authority", "page"} <= keys
    page_type = registry.get("page")
    own = [
        rt.model for rt in registry.result_types() if rt.key != "page" and rt.model.__name__.endswith("Page")
    ]
    visible = page_type.visible(None)
    for model in own:
        assert not visible.filter(Q(content_type__model=model._meta.model_name)).exists()
