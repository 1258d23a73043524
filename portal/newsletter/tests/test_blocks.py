"""The newsletter's blocks: "latest pages of a type" works with every page type the portal has."""

import pytest
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from portal.factories import StandardPageFactory
from portal.newsletter.blocks import LatestPagesBlock, NewsletterButtonBlock, page_type_choices
from portal.newsletter.text import html_to_text


def test_page_type_choices_cover_every_concrete_page_type_but_the_root_ones():
    labels = {label for label, _name in page_type_choices()}
    assert {"portal.standardpage", "portal.communityindexpage", "events.eventindexpage"} <= labels
    assert "practices.practicecasepage" in labels or "practices.practiceindexpage" in labels
    assert not labels & {"wagtailcore.page", "portal.homepage", "portal.newsletterissuepage"}


@pytest.mark.django_db
def test_latest_pages_are_the_newest_live_ones(home):
    old = StandardPageFactory(parent=home, slug="old", title="Old")
    new = StandardPageFactory(parent=home, slug="new", title="New")
    draft = StandardPageFactory(parent=home, slug="draft", title="Draft")
    draft.unpublish()
    block = LatestPagesBlock()
    value = block.to_python({"heading": "Latest", "page_type": "portal.standardpage", "count": 5})
    assert block.latest_pages(value) == [new, old]
    html = block.render(value)
    assert "New" in html and "Draft" not in html and html.index("New") < html.index("Old")
    gone = block.to_python({"heading": "Latest", "page_type": "nosuch.page", "count": 5})
    assert block.latest_pages(gone) == []


def test_latest_pages_block_refuses_unknown_types_and_counts():
    block = LatestPagesBlock()
    with pytest.raises((StructBlockValidationError, StreamBlockValidationError)):
        block.clean(block.to_python({"heading": "x", "page_type": "nosuch.page", "count": 3}))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"heading": "x", "page_type": "portal.standardpage", "count": 50}))


def test_button_needs_a_page_or_an_address():
    block = NewsletterButtonBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"label": "Go", "page": None, "url": ""}))
    assert "page" in error.value.block_errors


def test_html_to_text_keeps_headings_lists_and_links():
    text = html_to_text(
        '<h2>New cases</h2><p>Read <a href="https://x.org/a">this</a> &amp; more.</p>'
        "<ul><li>One</li><li>Two</li></ul><ol><li>a</li><li>b</li></ol><style>p{}</style>"
    )
    assert (
        text == "New cases\n=========\n\nRead this (https://x.org/a) & more.\n\n- One\n- Two\n\n1. a\n2. b\n"
    )
