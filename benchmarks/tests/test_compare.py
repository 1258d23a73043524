"""Benchmark comparison: the compare route, the embeddable widgets under /embed/ and the widget blocks."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StreamValue
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from benchmarks.blocks import AuthorityProfileWidgetBlock, ComparisonWidgetBlock, RankingExcerptBlock
from benchmarks.models import Authority, Submission
from benchmarks.tests.utils import codes_of, make_authority, publish_answers, publish_points, ucc_edition
from benchmarks.widgets import comparison_widget
from portal.blocks import BodyBlock
from portal.demo import DEMO_PASSWORD
from portal.models import StandardPage

WORKED = {
    "1.1": (3, 4), "1.2": (2, 6), "1.3": (1, 3), "2.1": (5, 5), "2.2": (2, 5), "2.3": (1, 4),
    "2.4": (3, 3), "2.5": (1, 2), "2.6": (0, 3), "3.1": (2, 2), "3.2": (1, 2), "3.3": (0, 2),
}  # fmt: skip


@pytest.fixture
def published(dashboard_page):
    """Espoo and Ghent imported as points (they differ in 1.2 and 2.2), Milan and Catalonia answered."""
    edition = ucc_edition()
    espoo = make_authority("Espoo", country="FI")
    ghent = make_authority("Ghent", country="BE")
    milan = make_authority("Milan", country="IT")
    catalonia = make_authority("Catalonia", country="ES", kind=Authority.Kind.REGION)
    make_authority("Unpublished Town")
    publish_points(authority=espoo, edition=edition, points=WORKED)
    publish_points(authority=ghent, edition=edition, points={**WORKED, "1.2": (1, 6), "2.2": (3, 5)})
    publish_answers(authority=milan, edition=edition, yes_codes=codes_of(edition, "1.1", "2.1"))
    publish_answers(authority=catalonia, edition=edition, yes_codes=codes_of(edition, "1.1", "1.2"))
    return edition


def compared(html: str) -> list[str]:
    """The authorities of the selection, in order (the kept checkboxes)."""
    return re.findall(r'<input type="checkbox" name="a" value="([\w-]+)"', html)


def notices(html: str) -> str:
    match = re.search(r'<ul class="messages" role="status">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


@pytest.mark.django_db
class TestCompareView:
    def test_selection_comes_from_the_url_and_unknown_slugs_are_dropped(self, client, published):
        response = client.get(
            "/dashboard/compare/?edition=2023&a=ghent&a=espoo&a=atlantis&a=unpublished-town"
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert compared(html) == ["ghent", "espoo"]
        assert "“atlantis”" in notices(html)
        assert "Unpublished Town has no published result for 2023" in notices(html)
        assert html.count("<h1") == 1
        assert '<caption id="comparison-caption">Sub-pillars side by side, 2023 edition</caption>' in html
        assert (
            '<th scope="col" class="num"><a href="/dashboard/authority/ghent/?edition=2023">Ghent</a></th>'
            in html
        )
        # A bar per authority and sub-pillar, hidden from assistive technology: the table is the alternative.
        assert '<figure class="compare-chart" aria-hidden="true">' in html
        assert html.count('class="bar-chart__row"') == 12 * 2

    def test_one_authority_asks_for_more(self, client, published):
        html = client.get("/dashboard/compare/?a=espoo").content.decode()
        assert compared(html) == ["espoo"]
        assert "Choose at least two authorities" in html
        assert "compare-table" not in html

    def test_add_by_name_without_javascript(self, client, published):
        html = client.get("/dashboard/compare/?edition=2023&a=espoo&add=gh").content.decode()
        assert compared(html) == ["espoo", "ghent"]
        html = client.get("/dashboard/compare/?edition=2023&a=espoo&add=CATALONIA").content.decode()
        assert compared(html) == ["espoo", "catalonia"]
        html = client.get("/dashboard/compare/?edition=2023&a=espoo&add=unpublished").content.decode()
        assert compared(html) == ["espoo"]
        assert "No authority with a published result for 2023 matches “unpublished”" in notices(html)

    def test_several_matches_are_offered_as_links(self, client, published):
        html = client.get("/dashboard/compare/?edition=2023&a=espoo&add=i").content.decode()
        assert compared(html) == ["espoo"]
        assert "Several authorities match “i”" in notices(html)
        assert (
            '<a href="/dashboard/compare/?edition=2023&amp;a=espoo&amp;a=catalonia">Add Catalonia</a>' in html
        )
        assert '<a href="/dashboard/compare/?edition=2023&amp;a=espoo&amp;a=milan">Add Milan</a>' in html

    def test_remove_links_and_unticked_checkboxes(self, client, published):
        html = client.get("/dashboard/compare/?edition=2023&a=espoo&a=ghent&a=milan").content.decode()
        assert (
            '<a class="compare-selection__remove"'
            ' href="/dashboard/compare/?edition=2023&amp;a=espoo&amp;a=milan">'
            'Remove<span class="visually-hidden"> Ghent</span></a>'
        ) in html
        # Unticking a checkbox simply leaves its `a` out of the submitted query.
        html = client.get("/dashboard/compare/?edition=2023&a=espoo&a=milan&add=").content.decode()
        assert compared(html) == ["espoo", "milan"]

    def test_more_than_eight_keeps_the_first_eight(self, client, published):
        edition = published
        extra = [make_authority(f"Town {n}") for n in range(6)]
        for authority in extra:
            publish_points(authority=authority, edition=edition, points=WORKED)
        slugs = ["espoo", "ghent", "milan", "catalonia"] + [a.slug for a in extra]
        query = "&".join(f"a={slug}" for slug in slugs)
        html = client.get(f"/dashboard/compare/?edition=2023&{query}").content.decode()
        assert compared(html) == slugs[:8]
        assert "At most 8 authorities can be compared" in notices(html)
        assert 'id="compare-add"' not in html  # full: nothing more to add

    def test_differences_from_the_first_authority_are_marked_in_class_and_text(self, published):
        edition = published
        espoo, ghent, milan = (Authority.objects.get(slug=s) for s in ("espoo", "ghent", "milan"))
        widget = comparison_widget(edition, [espoo, ghent, milan])
        diffs = {row["subpillar"].key: [cell["diff"] for cell in row["cells"]] for row in widget["rows"]}
        assert diffs["1.2"] == [False, True, True]
        assert diffs["2.2"] == [False, True, True]
        assert diffs["3.3"] == [False, False, False]  # 0/2 everywhere
        # Points-only imports have no indicator answers: shown as "—", never flagged.
        first_indicator = widget["details"][0]["indicators"][0]["cells"]
        assert [cell["label"] for cell in first_indicator] == ["—", "—", "Yes"]
        assert not any(cell["diff"] for cell in first_indicator)

    def test_indicator_differences_between_answered_authorities(self, client, published):
        html = client.get("/dashboard/compare/?edition=2023&a=milan&a=catalonia").content.decode()
        details = html.split('id="indicators-heading"')[1]
        section_11, section_12 = (
            details.split('id="heading-subpillar-1-2"')[0],
            details.split('id="heading-subpillar-1-2"')[1].split('id="heading-subpillar-1-3"')[0],
        )
        assert "diff" not in section_11.split("<tbody>")[1]  # both answered Yes to all of 1.1
        assert section_12.count('class="answer-cell answer-cell--yes diff">Yes <span class="diff-marker"') > 0
        assert "(differs from Milan)" in section_12
        row = html.split('<th scope="row">1.2 ')[1].split("</tr>")[0]
        assert 'class="num diff"' in row and "(differs from Milan)" in row

    def test_json_suggestions(self, client, published):
        response = client.get("/dashboard/compare/authorities/?edition=2023&q=n")
        assert response["Content-Type"] == "application/json"
        names = [item["name"] for item in json.loads(response.content)["results"]]
        # Names containing "n", published in 2023 only; none starts with "n".
        assert names == ["Catalonia", "Ghent", "Milan"]
        data = json.loads(client.get("/dashboard/compare/authorities/?edition=2023&q=gh").content)
        assert data["results"] == [{"slug": "ghent", "name": "Ghent", "country": "BE"}]
        data = json.loads(client.get("/dashboard/compare/authorities/?edition=2022&q=gh").content)
        assert data["results"] == []  # nothing published in 2022
        for n in range(12):
            publish_points(authority=make_authority(f"Nord {n:02}"), edition=published, points=WORKED)
        data = json.loads(client.get("/dashboard/compare/authorities/?edition=2023&q=n").content)
        assert len(data["results"]) == 10
        assert data["results"][0]["name"] == "Nord 00"  # prefix matches first

    def test_profile_links_to_compare_and_offers_an_embed_snippet(self, client, published):
        html = client.get("/dashboard/authority/espoo/?edition=2023").content.decode()
        assert '<a href="../../compare/?edition=2023&amp;a=espoo">Compare with…</a>' in html
        assert 'readonly rows="4">&lt;iframe src="http' in html
        assert "/embed/profile/espoo/?framework=ucc&amp;edition=2023" in html
        assert 'loading="lazy"' in html and 'width="100%"' in html
        response = client.get("/dashboard/compare/?edition=2023&a=espoo&a=ghent")
        html = response.content.decode()
        assert (
            "&lt;iframe src=&quot;http://testserver/embed/compare/?framework=ucc&amp;edition=2023&amp;a=espoo"
            in html
            or '&lt;iframe src="http://testserver/embed/compare/?framework=ucc&amp;edition=2023&amp;a=espoo'
            in html
        )


@pytest.mark.django_db
class TestEmbed:
    def test_embed_pages_may_be_framed_other_pages_not(self, client, published):
        for url in (
            "/embed/compare/?framework=ucc&edition=2023&a=espoo&a=ghent",
            "/embed/ranking/?framework=ucc&edition=2023&top=3",
            "/embed/profile/espoo/?framework=ucc&edition=2023",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Frame-Options" not in response, url
            assert response["Content-Security-Policy"] == "frame-ancestors *"
        response = client.get("/dashboard/")
        assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
        assert "Content-Security-Policy" not in response

    def test_compare_widget_links_back_to_the_full_view(self, client, published):
        html = client.get("/embed/compare/?framework=ucc&edition=2023&a=espoo&a=ghent").content.decode()
        assert '<html lang="en">' in html
        assert "site-header" not in html and "<nav" not in html
        assert html.count("<h1") == 1
        assert (
            '<a href="http://testserver/dashboard/compare/?edition=2023&amp;a=espoo&amp;a=ghent"'
            ' target="_top">' in html
        )
        assert "CC BY 4.0</a>, UserCentriCities" in html
        assert '<table class="data-table compare-table">' in html

    def test_ranking_excerpt_shows_the_top_n(self, client, published):
        html = client.get("/embed/ranking/?framework=ucc&edition=2023&top=2").content.decode()
        rows = html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
        assert rows == 2
        assert "Top 2 of 4 authorities, 2023 edition" in html
        assert 'href="http://testserver/dashboard/?edition=2023" target="_top"' in html
        html = client.get("/embed/ranking/?edition=2023&top=500").content.decode()
        assert html.split("<tbody>")[1].count("<tr>") == 4  # clamped to 50, only 4 published
        assert client.get("/embed/ranking/?edition=1999").status_code == 404

    def test_profile_widget(self, client, published):
        html = client.get("/embed/profile/milan/?edition=2023").content.decode()
        assert "Milan in the UserCentriCities benchmark, 2023" in html
        assert "by sub-pillar, with the average of all authorities" in html
        assert client.get("/embed/profile/atlantis/").status_code == 404
        html = client.get("/embed/profile/unpublished-town/?edition=2023").content.decode()
        assert "has no published result for the 2023 edition" in html


@pytest.mark.django_db
class TestWidgetBlocks:
    def test_comparison_block_validation(self, published):
        block = ComparisonWidgetBlock()
        espoo, ghent, town = (Authority.objects.get(slug=s) for s in ("espoo", "ghent", "unpublished-town"))
        value = block.to_python({"edition": "2023", "authorities": [espoo.pk, ghent.pk]})
        assert block.clean(value)["edition"] == "2023"
        for data, field in (
            ({"edition": "2023", "authorities": [espoo.pk]}, "authorities"),  # fewer than 2
            ({"edition": "1999", "authorities": [espoo.pk, ghent.pk]}, "edition"),
            ({"edition": "2023", "authorities": [espoo.pk, espoo.pk]}, "authorities"),
            ({"edition": "2023", "authorities": [espoo.pk, town.pk]}, "authorities"),
        ):
            with pytest.raises(ValidationError) as error:
                block.clean(block.to_python(data))
            assert field in error.value.block_errors, data

    def test_ranking_block_validation(self, published):
        block = RankingExcerptBlock()
        with pytest.raises(ValidationError) as error:
            block.clean(block.to_python({"edition": "2023", "top": 51}))
        assert "top" in error.value.block_errors

    def test_blocks_render_live_figures(self, published):
        edition = published
        espoo, ghent = Authority.objects.get(slug="espoo"), Authority.objects.get(slug="ghent")
        block = ComparisonWidgetBlock()
        value = block.to_python({"edition": "2023", "authorities": [espoo.pk, ghent.pk]})
        html = block.render(value)
        assert "Comparison of Espoo, Ghent, 2023" in html and "3/4 · 75&nbsp;%" in html
        ranking = RankingExcerptBlock()
        html = ranking.render(ranking.to_python({"edition": "2023", "top": 1}))
        assert html.split("<tbody>")[1].count("<tr>") == 1
        profile = AuthorityProfileWidgetBlock()
        html = profile.render(profile.to_python({"edition": "2023", "authority": ghent.pk}))
        assert "Ghent in the UserCentriCities benchmark" in html

        # A newer published result changes the next rendering: nothing stale is cached.
        Submission.objects.filter(authority=espoo, status=Submission.Status.PUBLISHED).update(
            status=Submission.Status.SUPERSEDED
        )
        publish_points(authority=espoo, edition=edition, points={**WORKED, "1.1": (1, 4)})
        html = block.render(value)
        assert "1/4 · 25&nbsp;%" in html and "3/4 · 75&nbsp;%" in html  # Espoo now, Ghent unchanged

    def test_body_block_offers_the_widgets(self):
        names = BodyBlock().child_blocks.keys()
        assert {"comparison_widget_block", "ranking_excerpt_block", "profile_widget_block"} <= set(names)


def percent_of(html: str, authority: str) -> str:
    """The overall score in the comparison's footer for the column of `authority`."""
    head = html.split("<thead>")[1].split("</thead>")[0]
    names = re.findall(r">([^<>]+)</a></th>", head)
    foot = html.split("<tfoot>")[1].split("</tfoot>")[0]
    scores = re.findall(r'<span class="band band--\w+">(\d+)&nbsp;%', foot)
    return scores[names.index(authority)]


@pytest.mark.django_db
def test_editor_adds_a_comparison_widget_and_the_page_follows_new_results(client, demo_site):
    edition = ucc_edition()
    espoo, ghent = Authority.objects.get(slug="espoo"), Authority.objects.get(slug="ghent")
    assert (
        client.post(
            "/admin/login/", {"username": "editor@example.org", "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    home = demo_site.root_page
    add_url = f"/admin/pages/add/portal/standardpage/{home.pk}/"
    data = nested_form_data(
        {
            "title": "Espoo and Ghent",
            "slug": "espoo-and-ghent",
            "introduction": "Two cities side by side.",
            "body": streamfield(
                [
                    (
                        "comparison_widget_block",
                        {
                            "edition": "2023",
                            "authorities": streamfield([("item", espoo.pk), ("item", ghent.pk)]),
                        },
                    )
                ]
            ),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = StandardPage.objects.get(slug="espoo-and-ghent")
    assert page.live
    assert isinstance(page.body, StreamValue) and page.body[0].block_type == "comparison_widget_block"

    html = client.get(page.url).content.decode()
    espoo_now = Submission.objects.get(authority=espoo, edition=edition, status="published")
    assert "Comparison of Espoo, Ghent, 2023" in html
    assert percent_of(html, "Espoo") == str(espoo_now.percent)

    # A new published result for Espoo (all Yes): the page shows it at once.
    espoo_now.status = Submission.Status.SUPERSEDED
    espoo_now.save(update_fields=["status"])
    points = {sp.key: (sp.indicators.count(), sp.indicators.count()) for sp in edition.subpillars.all()}
    publish_points(authority=espoo, edition=edition, points=points)
    html = client.get(page.url).content.decode()
    assert percent_of(html, "Espoo") == "100"
    assert Page.objects.get(pk=page.pk).live
