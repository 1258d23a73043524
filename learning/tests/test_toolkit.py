"""The toolkit index's filters and facet counts, and the entry page."""

import pytest

from benchmarks.models import SubPillar
from learning.factories import ToolkitEntryPageFactory, ToolkitTemplateFactory
from learning.models import ToolkitEntryPage
from learning.selectors import ToolkitFilters

K, C, D = ToolkitEntryPage.Kind, ToolkitEntryPage.Category, ToolkitEntryPage.Difficulty


def subpillar(key, revision="2023"):
    return SubPillar.objects.get(edition__framework__key="ucc", edition__revision=revision, key=key)


@pytest.fixture
def entries(toolkit_index):
    return {
        "sus": ToolkitEntryPageFactory(
            parent=toolkit_index,
            title="SUS survey kit",
            slug="sus",
            kind=K.TEMPLATE,
            category=C.EVALUATION,
            subpillars=[subpillar("2.3")],
            principles=["accessibility"],
        ),
        "audit": ToolkitEntryPageFactory(
            parent=toolkit_index,
            title="Accessibility audit",
            slug="audit",
            kind=K.METHOD,
            category=C.EVALUATION,
            difficulty=D.ADVANCED,
            subpillars=[subpillar("2.3"), subpillar("1.1")],
            principles=["accessibility"],
        ),
        "codesign": ToolkitEntryPageFactory(
            parent=toolkit_index,
            title="Co-design workshop",
            slug="codesign",
            kind=K.GUIDE,
            category=C.DESIGN_THINKING,
            subpillars=[subpillar("2.1", revision="2022")],
            principles=["citizen-engagement"],
        ),
    }


def listed(html):
    return {
        title
        for title in ("SUS survey kit", "Accessibility audit", "Co-design workshop")
        if f">{title}</a>" in html
    }


@pytest.mark.django_db
class TestToolkitIndex:
    def test_every_filter_narrows_the_list(self, client, toolkit_index, entries):
        url = toolkit_index.url
        assert listed(client.get(url).content.decode()) == {
            "SUS survey kit",
            "Accessibility audit",
            "Co-design workshop",
        }
        assert listed(client.get(url, {"kind": "template"}).content.decode()) == {"SUS survey kit"}
        assert listed(client.get(url, {"category": "design-thinking"}).content.decode()) == {
            "Co-design workshop"
        }
        assert listed(client.get(url, {"difficulty": "advanced"}).content.decode()) == {"Accessibility audit"}
        assert listed(client.get(url, {"subpillar": "1.1"}).content.decode()) == {"Accessibility audit"}
        # a sub-pillar key matches the same area in any edition
        assert listed(client.get(url, {"subpillar": "2.1"}).content.decode()) == {"Co-design workshop"}
        assert listed(client.get(url, {"principle": "accessibility"}).content.decode()) == {
            "SUS survey kit",
            "Accessibility audit",
        }
        both = client.get(url, {"category": "evaluation", "kind": "method"}).content.decode()
        assert listed(both) == {"Accessibility audit"}
        assert "1 entry" in both

    def test_facet_counts_follow_the_other_filters(self, client, toolkit_index, entries):
        html = client.get(toolkit_index.url, {"category": "evaluation"}).content.decode()
        assert '<option value="evaluation" selected>Evaluation and measurement (2)</option>' in html
        assert "Design thinking (1)" in html  # the category facet ignores its own filter
        assert '<option value="2.3">2.3 Useability (2)</option>' in html
        assert 'value="2.1"' not in html  # no evaluation entry is on co-creation
        assert "Method (1)" in html and "Template (1)" in html and "Guide" not in html

    def test_bad_filter_values_are_ignored(self, client, toolkit_index, entries):
        filters = ToolkitFilters.from_query(
            {"kind": "<script>", "subpillar": "2.3' OR 1=1", "difficulty": "hard"}
        )
        assert filters == ToolkitFilters()
        html = client.get(toolkit_index.url, {"kind": "<script>alert(1)</script>"}).content.decode()
        assert len(listed(html)) == 3 and "<script>alert(1)" not in html

    def test_no_match_says_so(self, client, toolkit_index, entries):
        html = client.get(toolkit_index.url, {"kind": "guide", "category": "evaluation"}).content.decode()
        assert "No toolkit entry matches these filters." in html


@pytest.mark.django_db
def test_entry_page_shows_facts_links_and_templates(client, toolkit_index, entries):
    ToolkitTemplateFactory(page=entries["sus"], title="SUS questionnaire")
    html = client.get(entries["sus"].url).content.decode()
    assert "SUS questionnaire</a>" in html and "/documents/" in html
    assert "2.3 Useability" in html and "?subpillar=2.3" in html
    assert "Accessibility, security, availability and usability" in html
    assert "Template" in html and "Evaluation and measurement" in html
