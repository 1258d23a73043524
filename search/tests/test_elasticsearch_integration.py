"""Against a real Elasticsearch cluster: the index follows publishing, queries, facets and suggestions.

Runs only when ELASTICSEARCH_URL is set (then the settings select Wagtail's Elasticsearch backend);
see README.md, "Elasticsearch", for a one-line cluster to run them against.
"""

import os

import pytest
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from benchmarks.factories import AuthorityFactory
from practices.factories import PracticeCasePageFactory
from search import selectors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to run the integration tests against",
    ),
]


def refresh():
    call_command("update_index", verbosity=0)
    backend = get_search_backend()
    backend.es.indices.refresh(index=f"{backend.index_name}*")


def test_search_facets_and_suggestions_on_a_cluster(library, dashboard):
    espoo = AuthorityFactory(name="Espoo", slug="espoo", country="FI")
    ghent = AuthorityFactory(name="Ghent", slug="ghent", country="BE")
    PracticeCasePageFactory(
        parent=library, title="Chatbot for permits", authorities=[espoo], tags=["chatbots"]
    )
    PracticeCasePageFactory(
        parent=library, title="Residents panel", authorities=[ghent], tags=["co-creation"]
    )
    PracticeCasePageFactory(parent=library, title="Chatbot draft", authorities=[ghent], live=False)
    refresh()

    outcome = selectors.search(query="chatbot")
    assert [hit.obj.title for hit in outcome.results[0:10]] == ["Chatbot for permits"]
    outcome = selectors.search(query="co-creation")
    assert [hit.obj.title for hit in outcome.results[0:10]] == ["Residents panel"]
    outcome = selectors.search(query="espoo")
    assert outcome.results[0:1][0].result_type.key == "authority"
    outcome = selectors.search(query="chatbot", filters={"country": "BE"})
    assert list(outcome.results[0:10]) == []
    country = next(f for f in selectors.search(query="residents panel chatbot").facets if f.key == "country")
    assert country.values

    labels = [s.label for s in selectors.autocomplete(query="chatb")]
    assert "Chatbot for permits" in labels and "Chatbot draft" not in labels
