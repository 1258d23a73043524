"""Policy briefs and toolkit entries in the site-wide search: shared tags, sub-pillars, principles, years."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from benchmarks.factories import ucc_edition
from benchmarks.models import SubPillar
from learning.factories import (
    PolicyBriefIndexPageFactory,
    PolicyBriefPageFactory,
    ToolkitEntryPageFactory,
    ToolkitIndexPageFactory,
)
from search import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def learning(home):
    briefs = PolicyBriefIndexPageFactory(parent=home, slug="policy-briefs")
    toolkit = ToolkitIndexPageFactory(parent=home, slug="toolkit")
    co_creation = SubPillar.objects.get(edition=ucc_edition("2023"), name="Co-creation")
    brief = PolicyBriefPageFactory(
        parent=briefs, title="Cities and their residents", date=datetime.date(2023, 5, 2)
    )
    brief.tags.add("co-creation")
    brief.save_revision().publish()
    PolicyBriefPageFactory(parent=briefs, title="Money matters", date=datetime.date(2024, 1, 9))
    ToolkitEntryPageFactory(
        parent=toolkit, title="Journey mapping", subpillars=[co_creation], principles=["citizen-engagement"]
    )
    ToolkitEntryPageFactory(parent=toolkit, title="Survey kit", principles=["privacy"])


def test_briefs_and_toolkit_join_the_taxonomy_search(learning):
    outcome = selectors.search(query="co-creation", user=AnonymousUser())
    found = {(hit.result_type.key, hit.obj.title) for hit in outcome.results[0:20]}
    assert found == {("brief", "Cities and their residents"), ("toolkit", "Journey mapping")}
    types = {t.key: t.count for t in outcome.types}
    assert types["brief"] == 1 and types["toolkit"] == 1
    facets = {f.key: {v.value: v.count for v in f.values} for f in outcome.facets}
    assert facets["tag"] == {"co-creation": 1}
    assert facets["subpillar"] == {"Co-creation": 1}
    assert facets["principle"] == {"citizen-engagement": 1}
    assert facets["year"]["2023"] == 1


def test_brief_year_facet_and_newest_first(learning):
    outcome = selectors.search(query="benchmark", user=AnonymousUser(), type_key="brief", order="date")
    assert [hit.obj.title for hit in outcome.results[0:10]] == ["Money matters", "Cities and their residents"]
    outcome = selectors.search(
        query="benchmark", user=AnonymousUser(), type_key="brief", filters={"year": "2023"}
    )
    assert [hit.obj.title for hit in outcome.results[0:10]] == ["Cities and their residents"]


def test_principle_facet_on_toolkit_links(learning):
    outcome = selectors.search(
        query="kit", user=AnonymousUser(), type_key="toolkit", filters={"principle": "privacy"}
    )
    assert [hit.obj.title for hit in outcome.results[0:10]] == ["Survey kit"]
