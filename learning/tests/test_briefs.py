"""Policy briefs: the brief page, the index's year filter and pagination, and the Atom feed."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest

from learning.factories import PolicyBriefAuthorFactory, PolicyBriefPageFactory
from learning.models.pages import BRIEFS_PER_PAGE

ATOM = "{http://www.w3.org/2005/Atom}"


def make_brief(index, title, date, **fields):
    return PolicyBriefPageFactory(
        parent=index, title=title, slug=title.lower().replace(" ", "-"), date=date, **fields
    )


@pytest.mark.django_db
class TestBriefIndex:
    def test_year_filter_lists_only_that_year_and_offers_only_years_with_briefs(self, client, brief_index):
        make_brief(brief_index, "Old brief", datetime.date(2022, 5, 1))
        make_brief(brief_index, "New brief", datetime.date(2024, 2, 1))
        html = client.get(brief_index.url).content.decode()
        assert html.index("New brief") < html.index("Old brief"), "newest first"
        assert '<option value="2024"' in html and '<option value="2022"' in html
        assert '<option value="2023"' not in html

        html = client.get(brief_index.url, {"year": "2022"}).content.decode()
        assert "Old brief" in html and "New brief" not in html
        assert '<option value="2022" selected>' in html

    def test_unknown_year_lists_everything(self, client, brief_index):
        make_brief(brief_index, "A brief", datetime.date(2024, 2, 1))
        for bad in ("1999", "abc", "2024'"):
            html = client.get(brief_index.url, {"year": bad}).content.decode()
            assert "A brief" in html

    def test_pagination_keeps_the_year(self, client, brief_index):
        for n in range(BRIEFS_PER_PAGE + 2):
            make_brief(brief_index, f"Brief {n:02d}", datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
        make_brief(brief_index, "Other year", datetime.date(2023, 1, 1))
        html = client.get(brief_index.url, {"year": "2024"}).content.decode()
        assert "Page 1 of 2" in html and "year=2024&amp;page=2" in html
        html = client.get(brief_index.url, {"year": "2024", "page": "2"}).content.decode()
        assert "Brief 00" in html and "Brief 11" not in html and "Other year" not in html

    def test_index_links_its_feed(self, client, brief_index):
        html = client.get(brief_index.url).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert 'href="/policy-briefs/feed/"' in html

    def test_draft_briefs_are_not_listed(self, client, brief_index):
        make_brief(brief_index, "Draft brief", datetime.date(2024, 1, 1), live=False)
        assert "Draft brief" not in client.get(brief_index.url).content.decode()


@pytest.mark.django_db
class TestBriefPage:
    def test_shows_authors_in_order_body_table_and_tags(self, client, brief_index):
        body = [
            {"type": "heading_block", "value": {"text": "What we found", "level": "h2"}},
            {
                "type": "table_block",
                "value": {
                    "caption": "Gaps by sub-pillar",
                    "columns": [
                        {"type": "text", "heading": "Sub-pillar"},
                        {"type": "numeric", "heading": "Share"},
                    ],
                    "rows": [{"values": ["2.3 Useability", "0.42"]}],
                },
            },
        ]
        brief = make_brief(brief_index, "Usability", datetime.date(2024, 3, 1), body=json.dumps(body))
        PolicyBriefAuthorFactory(page=brief, name="Zoe Second", affiliation="Eurocities", sort_order=1)
        PolicyBriefAuthorFactory(page=brief, name="Ada First", affiliation="VTT", sort_order=0)
        brief.tags.add("usability")
        brief.save()
        html = client.get(brief.url).content.decode()
        assert html.index("Ada First") < html.index("Zoe Second")
        assert "VTT" in html and "Eurocities" in html
        assert "<caption>Gaps by sub-pillar</caption>" in html
        assert '<th scope="col">Share</th>' in html and '<th scope="row">2.3 Useability</th>' in html
        assert '<time datetime="2024-03-01">' in html
        assert ">usability<" in html


@pytest.mark.django_db
class TestFeed:
    def test_feed_is_valid_atom_newest_first_with_absolute_links(self, client, brief_index):
        old = make_brief(
            brief_index, "Old brief", datetime.date(2022, 5, 1), introduction="Old <findings> & more"
        )
        make_brief(brief_index, "New brief", datetime.date(2024, 2, 1))
        make_brief(brief_index, "Draft brief", datetime.date(2024, 3, 1), live=False)
        PolicyBriefAuthorFactory(page=old, name="Ada First")
        response = client.get("/policy-briefs/feed/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)  # raises on malformed XML
        assert feed.tag == f"{ATOM}feed"
        assert feed.find(f"{ATOM}id").text and feed.find(f"{ATOM}updated").text
        self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"][0]
        assert self_link.get("href") == "http://localhost/policy-briefs/feed/"
        entries = feed.findall(f"{ATOM}entry")
        assert [e.find(f"{ATOM}title").text for e in entries] == ["New brief", "Old brief"]
        old_entry = entries[1]
        assert old_entry.find(f"{ATOM}link").get("href") == "http://localhost/policy-briefs/old-brief/"
        assert old_entry.find(f"{ATOM}published").text.startswith("2022-05-01")
        assert old_entry.find(f"{ATOM}author/{ATOM}name").text == "Ada First"
        assert old_entry.find(f"{ATOM}summary").text == "Old <findings> & more"
        for entry in entries:  # every entry has what RFC 4287 requires
            assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text


@pytest.mark.django_db
def test_brief_lists_its_live_related_cases_and_links_tags_to_the_library(client, home, brief_index):
    from practices.factories import PracticeCasePageFactory, PracticeIndexPageFactory

    library = PracticeIndexPageFactory(parent=home, slug="practices")
    live = PracticeCasePageFactory(parent=library, title="Resident panel")
    draft = PracticeCasePageFactory(parent=library, title="Unpublished case", live=False)
    brief = make_brief(brief_index, "Co-design", datetime.date(2024, 3, 1))
    brief.related_cases.set([live, draft])
    brief.tags.add("co-design")
    brief.save()
    html = client.get(brief.url).content.decode()
    assert f'<a href="{live.url}">Resident panel</a>' in html
    assert "Unpublished case" not in html
    assert '<a class="tag" href="/practices/tag/co-design/">co-design</a>' in html


@pytest.mark.django_db
def test_the_tag_page_lists_briefs_and_toolkit_entries(client, home, brief_index, toolkit_index):
    from learning.factories import ToolkitEntryPageFactory
    from practices.factories import PracticeIndexPageFactory

    library = PracticeIndexPageFactory(parent=home, slug="practices")
    brief = make_brief(brief_index, "Proactive", datetime.date(2024, 3, 1))
    brief.tags.add("once-only")
    brief.save()
    entry = ToolkitEntryPageFactory(parent=toolkit_index, title="Once-only checklist")
    entry.tags.add("once-only")
    entry.save()
    make_brief(brief_index, "Untagged", datetime.date(2024, 3, 1))
    html = client.get(library.url + "tag/once-only/").content.decode()
    assert "Policy briefs" in html and "Toolkit entries" in html
    assert ">Proactive</a>" in html and ">Once-only checklist</a>" in html and "Untagged" not in html
