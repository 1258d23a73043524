"""The Elasticsearch path without a server: the query bodies, aggregations and parsing it builds."""

import pytest
from wagtail.models import Page

from search import elastic, registry


def types():
    return registry.result_types()


def practice():
    return registry.get("practice")


def test_facet_fields_follow_wagtails_mapping_names():
    rt = practice()
    names = {facet: elastic.field_name(rt.model, f.lookup) for facet, f in rt.facets.items()}
    assert names == {
        "tag": "practices_practicecasepage__tags.name_filter",
        "country": "practices_practicecasepage__authorities.country_filter",
        "subpillar": "practices_practicecasepage__sub_pillars.name_filter",
        "principle": "practices_practicecasepage__principles_filter",
        "year": "practices_practicecasepage__year_launched_filter",
    }
    assert elastic.field_name(registry.get("authority").model, "country") == "country_filter"
    assert elastic.field_name(Page, "first_published_at__year") == "first_published_at_filter"


def _find(node, key):
    """Every value under `key` anywhere in a nested query body."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append(v)
            found.extend(_find(v, key))
    elif isinstance(node, list):
        for item in node:
            found.extend(_find(item, key))
    return found


def test_search_body_matches_text_taxonomy_and_boosts_names():
    body = elastic.build_search(
        query="co-creation",
        types=types(),
        indices=["ucc__wagtailcore_page", "ucc__benchmarks_authority"],
        terms={"tag": ["co-creation"], "subpillar": ["Co-creation"]},
    ).to_dict()
    multi = _find(body, "multi_match")[0]
    assert multi == {"query": "co-creation", "fields": ["title^3", "name^3", "_all_text"], "operator": "and"}
    assert {"query": "co-creation", "boost": 20} in [m.get("name") for m in _find(body, "match_phrase")]
    terms = _find(body["query"], "terms")
    assert {"practices_practicecasepage__tags.name_filter": ["co-creation"], "boost": 5} in terms
    assert {"practices_practicecasepage__sub_pillars.name_filter": ["Co-creation"], "boost": 5} in terms
    assert {"learning_toolkitentrypage__subpillars.name_filter": ["Co-creation"], "boost": 5} in terms
    assert body["from"] == 0 and body["size"] == 10 and body["track_total_hits"] is True
    assert body["_source"] == ["pk", "_django_content_type"]


def test_only_live_unrestricted_documents_and_generic_pages_exclude_own_types():
    body = elastic.build_search(
        query="x", types=types(), indices=["i"], restricted_paths=["000100010003"]
    ).to_dict()
    visible = body["query"]["bool"]["filter"][0]["bool"]["should"]
    page_clause = next(
        c
        for c in visible
        if {"match": {"_django_content_type": "wagtailcore.Page"}} in _find(c, "must")
        or {"_django_content_type": "wagtailcore.Page"} in _find(c, "match")
    )
    assert {"live_filter": True} in _find(page_clause, "term")
    excluded = _find(page_clause, "terms")[0]["_django_content_type"]
    assert "practices.PracticeCasePage" in excluded and "learning.PolicyBriefPage" in excluded
    assert body["query"]["bool"]["must_not"] == [{"prefix": {"path_filter": "000100010003"}}]


def test_facet_filters_are_a_post_filter_and_each_facet_counts_with_the_others():
    body = elastic.build_search(
        query="digital",
        types=types(),
        indices=["i"],
        filters={"country": "FI", "tag": "chatbots"},
    ).to_dict()
    post = body["post_filter"]
    assert {"practices_practicecasepage__authorities.country_filter": "FI"} in _find(post, "term")
    assert {"practices_practicecasepage__tags.name_filter": "chatbots"} in _find(post, "term")
    # Authorities have no tag facet: with a tag filter they drop out of the results.
    assert {"_django_content_type": "benchmarks.Authority"} not in _find(post, "match")
    aggs = body["aggs"]
    assert set(aggs["types"]["filters"]["filters"]) == {rt.key for rt in types()}
    tag_filter = aggs["tag__practice"]["filter"]
    assert {"practices_practicecasepage__authorities.country_filter": "FI"} in _find(tag_filter, "term")
    assert {"practices_practicecasepage__tags.name_filter": "chatbots"} not in _find(tag_filter, "term")
    assert aggs["tag__practice"]["aggs"]["values"] == {
        "terms": {"field": "practices_practicecasepage__tags.name_filter", "size": 50}
    }
    assert aggs["year__brief"]["aggs"]["values"]["date_histogram"]["calendar_interval"] == "year"
    assert "principle__practice" in aggs and "country__authority" in aggs


def test_type_tab_and_date_order():
    body = elastic.build_search(
        query="x", types=types(), indices=["i"], selected="brief", order="date"
    ).to_dict()
    assert {"_django_content_type": "learning.PolicyBriefPage"} in _find(body["post_filter"], "match")
    assert {"_django_content_type": "practices.PracticeCasePage"} not in _find(body["post_filter"], "match")
    assert set(k.split("__")[1] for k in body["aggs"] if "__" in k) == {"brief"}
    assert body["sort"][0]["first_published_at_filter"]["order"] == "desc"


def test_autocomplete_body():
    body = elastic.build_autocomplete(query="co-cr", types=types(), indices=["i"], size=8).to_dict()
    assert body["query"]["bool"]["must"] == [
        {"match": {"_edgengrams": {"query": "co-cr", "operator": "and"}}}
    ]
    assert {"query": "co-cr", "boost": 10} in [m.get("name") for m in _find(body, "match_phrase_prefix")]
    assert body["size"] == 8


def test_parsing_hits_and_aggregations():
    response = {
        "hits": {
            "total": {"value": 3},
            "hits": [
                {"_score": 4.0, "_source": {"pk": "7", "_django_content_type": ["benchmarks.Authority"]}},
                {
                    "_score": 2.0,
                    "_source": {
                        "pk": "9",
                        "_django_content_type": ["practices.PracticeCasePage", "wagtailcore.Page"],
                    },
                },
                {
                    "_score": 1.0,
                    "_source": {
                        "pk": "3",
                        "_django_content_type": ["portal.StandardPage", "wagtailcore.Page"],
                    },
                },
            ],
        },
        "aggregations": {
            "types": {"buckets": {"practice": {"doc_count": 5}, "authority": {"doc_count": 1}}},
            "tag__practice": {"doc_count": 5, "values": {"buckets": [{"key": "chatbots", "doc_count": 4}]}},
            "tag__brief": {"doc_count": 2, "values": {"buckets": [{"key": "chatbots", "doc_count": 1}]}},
            "year__brief": {
                "doc_count": 2,
                "values": {
                    "buckets": [
                        {"key": 1, "key_as_string": "2024", "doc_count": 2},
                        {"key": 0, "key_as_string": "2023", "doc_count": 0},
                    ]
                },
            },
        },
    }
    hits = elastic.parse_hits(response, types())
    assert [(rt.key, pk) for rt, pk, _ in hits] == [("authority", 7), ("practice", 9), ("page", 3)]
    type_counts, facets = elastic.parse_aggregations(response, types())
    assert type_counts == {"practice": 5, "authority": 1}
    assert facets == {"tag": {"chatbots": 5}, "year": {"2024": 2}}


def test_facet_fields_are_added_to_the_models_index_definition():
    from practices.models import PracticeCasePage

    saved = PracticeCasePage.search_fields
    try:
        elastic.ensure_facet_fields(PracticeCasePage, ["tags__name", "principles", "year_launched"])
        tags = [f for f in PracticeCasePage.search_fields if getattr(f, "field_name", None) == "tags"]
        assert len(tags) == 1
        inner = {(type(f).__name__, f.field_name) for f in tags[0].fields}
        assert inner == {("SearchField", "name"), ("FilterField", "name")}
        principles = [
            f for f in PracticeCasePage.search_fields if getattr(f, "field_name", None) == "principles"
        ]
        assert [type(f).__name__ for f in principles] == ["FilterField"]
        year = [
            f for f in PracticeCasePage.search_fields if getattr(f, "field_name", None) == "year_launched"
        ]
        assert len(year) == 1  # already a FilterField: not added twice
    finally:
        PracticeCasePage.search_fields = saved


@pytest.mark.django_db
def test_the_search_page_runs_on_elasticsearch_responses(monkeypatch, dashboard):
    """The Elasticsearch path end to end with a stand-in client: counts, facets and objects from the DB."""
    from benchmarks.factories import AuthorityFactory
    from search import selectors

    authority = AuthorityFactory(name="Ghent", slug="ghent", country="BE")
    sent = []

    class FakeClient:
        def search(self, index, body):
            sent.append(body)
            return {
                "hits": {
                    "total": {"value": 1},
                    "hits": [
                        {
                            "_score": 3.0,
                            "_source": {
                                "pk": str(authority.pk),
                                "_django_content_type": ["benchmarks.Authority"],
                            },
                        }
                    ],
                },
                "aggregations": {
                    "types": {"buckets": {"authority": {"doc_count": 1}}},
                    "country__authority": {
                        "doc_count": 1,
                        "values": {"buckets": [{"key": "BE", "doc_count": 1}]},
                    },
                },
            }

    class FakeBackend:
        es = FakeClient()

    monkeypatch.setattr(selectors, "backend_kind", lambda: "elasticsearch")
    monkeypatch.setattr(selectors, "_elasticsearch_context", lambda: (FakeBackend(), types(), ["i"], []))
    outcome = selectors.search(query="ghent", filters={"country": "BE"})
    assert {t.key: t.count for t in outcome.types}["authority"] == 1
    assert [(f.key, [(v.label, v.count, v.selected) for v in f.values]) for f in outcome.facets] == [
        ("country", [("Belgium", 1, True)])
    ]
    hits = outcome.results[0:10]
    assert hits[0].url == "/dashboard/authority/ghent/" and str(hits[0].title) == "<mark>Ghent</mark>"
    assert sent[0]["size"] == 0 and "aggs" in sent[0]
    assert sent[1]["size"] == 10 and "aggs" not in sent[1]
