"""The dashboard page, authority profiles, methodology and downloads, as a visitor sees them."""

import csv
import io
import json

import pytest

from benchmarks.models import Authority, Submission
from benchmarks.tests.utils import codes_of, make_authority, publish_answers, publish_points, ucc_edition

WORKED = {
    "1.1": (3, 4), "1.2": (2, 6), "1.3": (1, 3), "2.1": (5, 5), "2.2": (2, 5), "2.3": (1, 4),
    "2.4": (3, 3), "2.5": (1, 2), "2.6": (0, 3), "3.1": (2, 2), "3.2": (1, 2), "3.3": (0, 2),
}  # fmt: skip


def table_rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [row for row in body.split("<tr>")[1:]]


@pytest.fixture
def ranking(dashboard_page):
    edition = ucc_edition()
    espoo = make_authority("Espoo", country="FI", population=305_000)
    ghent = make_authority("Ghent", country="BE", population=265_000)
    milan = make_authority("Milan", country="IT", population=1_371_000)
    catalonia = make_authority("Catalonia", country="ES", kind=Authority.Kind.REGION, population=8_000_000)
    publish_points(authority=espoo, edition=edition, points=WORKED)  # 0.505 -> 51 %
    # 0.508 also shows 51 %: shares rank with Espoo although its value is higher.
    publish_points(authority=ghent, edition=edition, points={**WORKED, "1.2": (1, 6), "2.2": (3, 5)})
    publish_answers(authority=milan, edition=edition, yes_codes=codes_of(edition, "1.1", "2.1"))
    publish_answers(
        authority=catalonia,
        edition=edition,
        yes_codes=list(edition.indicators.values_list("code", flat=True)),
    )
    return edition


@pytest.mark.django_db
def test_ranking_shows_ranks_cells_bands_and_percent(client, dashboard_page, ranking):
    html = client.get("/dashboard/").content.decode()
    rows = table_rows(html)
    names = [row.split('<th scope="row">')[1].split("</a>")[0].rsplit(">", 1)[1] for row in rows]
    assert names == ["Catalonia", "Ghent", "Espoo", "Milan"]
    ranks = [row.split('<td class="num">')[1].split("</td>")[0] for row in rows]
    assert ranks == ["1", "2", "2", "4"]
    espoo = rows[2]
    assert "51&nbsp;%" in espoo
    assert (
        'class="band band--high" href="/dashboard/authority/espoo/?edition=2023#subpillar-1-1">3/4' in espoo
    )
    assert "band--low" in espoo and '<span class="band__label">low</span>' in espoo
    assert "100&nbsp;%" in rows[0]


@pytest.mark.django_db
def test_pillar_averages_are_totals_over_totals(client, dashboard_page, ranking):
    html = client.get("/dashboard/").content.decode()
    # Pillar 1 (13 questions each): Espoo 6, Ghent 5, Milan 4 (1.1), Catalonia 13 -> 28/52 = 0.54 -> 54 %
    pillar1 = html.split("pillar-averages__list")[1].split("</li>")[0]
    assert "54 %" in pillar1 and "28 Yes of 52 answers" in pillar1


@pytest.mark.django_db
def test_filters_narrow_the_table_and_keep_the_overall_rank(client, dashboard_page, ranking):
    rows = table_rows(client.get("/dashboard/", {"country": "fi"}).content.decode())
    assert len(rows) == 1 and "Espoo" in rows[0] and '<td class="num">2</td>' in rows[0]
    rows = table_rows(client.get("/dashboard/", {"kind": "region"}).content.decode())
    assert len(rows) == 1 and "Catalonia" in rows[0]
    rows = table_rows(client.get("/dashboard/", {"population": "100k-500k"}).content.decode())
    assert sorted("Espoo" in r or "Ghent" in r for r in rows) == [True, True]
    html = client.get("/dashboard/", {"country": "SE"}).content.decode()
    assert "No authority matches these filters." in html
    # Stale or hostile values are ignored, not errors.
    assert client.get("/dashboard/", {"population": "x", "sort": "<script>", "kind": "z"}).status_code == 200


@pytest.mark.django_db
def test_sorting_by_column_with_aria_sort(client, dashboard_page, ranking):
    html = client.get("/dashboard/", {"sort": "authority"}).content.decode()
    names = [row.split("</a></th>")[0].rsplit(">", 1)[1] for row in table_rows(html)]
    assert names == ["Catalonia", "Espoo", "Ghent", "Milan"]
    assert 'aria-sort="ascending"' in html
    html = client.get("/dashboard/", {"sort": "1.2"}).content.decode()
    names = [row.split("</a></th>")[0].rsplit(">", 1)[1] for row in table_rows(html)]
    assert names == ["Catalonia", "Espoo", "Ghent", "Milan"]  # 1.2 values 1, 0.33, 0.17, 0
    assert 'aria-sort="descending"' in html
    html = client.get("/dashboard/", {"sort": "percent", "dir": "asc"}).content.decode()
    names = [row.split("</a></th>")[0].rsplit(">", 1)[1] for row in table_rows(html)]
    assert names == ["Milan", "Espoo", "Ghent", "Catalonia"]


@pytest.mark.django_db
def test_only_published_results_count(client, dashboard_page, ranking):
    tartu = make_authority("Tartu", country="EE")
    Submission.objects.create(authority=tartu, edition=ranking, status=Submission.Status.SUBMITTED)
    Submission.objects.create(
        authority=make_authority("Riga"), edition=ranking, status=Submission.Status.DRAFT
    )
    html = client.get("/dashboard/").content.decode()
    assert "Tartu" not in html and "Riga" not in html


@pytest.mark.django_db
def test_edition_tabs_and_unknown_edition(client, dashboard_page, ranking):
    html = client.get("/dashboard/").content.decode()
    assert 'href="/dashboard/?edition=2023" aria-current="page"' in html
    assert 'href="/dashboard/?edition=2022"' in html
    assert (
        "No results have been published for this edition yet."
        in client.get("/dashboard/?edition=2022").content.decode()
    )
    assert client.get("/dashboard/?edition=1999").status_code == 404


@pytest.mark.django_db
def test_profile_shows_chart_table_answers_trend_and_work_items(client, dashboard_page, ranking):
    edition_2022 = ucc_edition("2022")
    milan = Authority.objects.get(name="Milan")
    publish_answers(
        authority=milan,
        edition=edition_2022,
        yes_codes=codes_of(edition_2022, "1.1"),
        population=1_371_000,
        annual_budget_eur=3_400_000_000,
    )
    response = client.get("/dashboard/authority/milan/?edition=2023")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="bar-chart"' in html and "<caption" in html
    assert 'id="subpillar-2-1"' in html
    assert "Evidence: see the council decision." in html  # evidence of a Yes
    # Trend: 2022 and 2023 published.
    trend = html.split('id="trend-caption"')[1].split("</table>")[0]
    assert "2022" in trend and "2023" in trend
    # What to work on: Milan answers No on 1.2; Espoo/Ghent (points only) have no answers, Catalonia says Yes:
    # 1 of 1 answering peer -> more than half.
    assert "What to work on" in html
    assert "1 of 1 other authorities (100 %) answer Yes" in html


@pytest.mark.django_db
def test_profile_of_points_import_says_answers_are_unavailable(client, dashboard_page, ranking):
    html = client.get("/dashboard/authority/espoo/").content.decode()
    assert "Imported as published points" in html
    assert "51&nbsp;%" in html and "2 of 4" in html
    assert client.get("/dashboard/authority/nowhere/").status_code == 404


@pytest.mark.django_db
def test_methodology_is_generated_from_the_framework(client, dashboard_page, ranking):
    html = client.get("/dashboard/methodology/?edition=2023").content.decode()
    assert "3 pillars, 12 sub-pillars and 41 indicators" in html
    assert "sk_locauth_pos_serv_des" in html and "inter_onceonly" in html
    assert "Average 0.505, shown as 51 %. Binary floating point would show 50 %." in html
    html = client.get("/dashboard/methodology/?edition=2022").content.decode()
    assert "39 indicators" in html and "env_co2" in html and "inter_onceonly" not in html


@pytest.mark.django_db
def test_downloads_csv_and_json(client, dashboard_page, ranking):
    response = client.get("/open-data/ucc/2023/ranking.csv", HTTP_ORIGIN="https://example.org")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["rank", "authority", "percent"]
    assert [r[:3] for r in rows[1:]] == [
        ["1", "Catalonia", "100"],
        ["2", "Ghent", "51"],
        ["2", "Espoo", "51"],
        ["4", "Milan", "17"],
    ]
    data = json.loads(client.get("/open-data/ucc/2023/ranking.json").content)
    assert data["licence"] == "CC BY 4.0"
    assert [r["overall"] for r in data["ranking"]] == ["1.000", "0.508", "0.505", "0.167"]
    answers = list(csv.reader(io.StringIO(client.get("/open-data/ucc/2023/answers.csv").content.decode())))
    assert answers[0][:4] == ["authority", "indicator", "value", "evidence"]
    assert len(answers) == 1 + 2 * 41  # only authorities with answers (Catalonia, Milan)
    assert client.get("/open-data/ucc/2023/secrets.csv").status_code == 404
    assert client.post("/open-data/ucc/2023/ranking.csv").status_code == 405


@pytest.mark.django_db
def test_cached_pages_show_new_results_and_renamed_authorities(client, dashboard_page, ranking):
    assert "Porto" not in client.get("/dashboard/").content.decode()
    client.get("/dashboard/authority/milan/")
    publish_points(authority=make_authority("Porto", country="PT"), edition=ranking, points=WORKED)
    html = client.get("/dashboard/").content.decode()
    assert "Porto" in html and "Showing 1–5 of 5 authorities (5 in this edition)." in html
    assert "4 of 5" not in client.get("/dashboard/authority/milan/").content.decode()
    assert "5 of 5" in client.get("/dashboard/authority/milan/").content.decode()
    milan = Authority.objects.get(name="Milan")
    milan.name = "Milano"
    milan.save()
    assert ">Milano</a>" in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_ranking_is_paginated_in_the_database(client, dashboard_page, ranking):
    for number in range(50):
        yes = number % 5
        publish_points(
            authority=make_authority(f"Town {number:02d}", country="PL"),
            edition=ranking,
            points={**WORKED, "1.1": (yes, 4)},
        )
    html = client.get("/dashboard/").content.decode()
    assert len(table_rows(html)) == 50
    assert "Showing 1–50 of 54 authorities (54 in this edition)." in html
    assert 'rel="next"' in html and "Page 1 of 2" in html
    html = client.get("/dashboard/", {"page": "2"}).content.decode()
    rows = table_rows(html)
    assert len(rows) == 4 and "Milan" in rows[-1]
    # Filters and sorting apply before paging.
    html = client.get("/dashboard/", {"country": "PL", "sort": "authority", "page": "2"}).content.decode()
    names = [row.split("</a></th>")[0].rsplit(">", 1)[1] for row in table_rows(html)]
    assert names[:2] == ["Town 00", "Town 01"] and len(names) == 50  # 50 towns fit on page 1: shown instead
    html = client.get("/dashboard/", {"country": "PL", "sort": "authority", "dir": "desc"}).content.decode()
    names = [row.split("</a></th>")[0].rsplit(">", 1)[1] for row in table_rows(html)]
    assert names[:2] == ["Town 49", "Town 48"] and len(names) == 50
    # A page past the end shows the last page.
    assert len(table_rows(client.get("/dashboard/", {"page": "99"}).content.decode())) == 4


@pytest.mark.django_db
def test_profile_shows_explained_peers_and_their_average(client, dashboard_page, ranking):
    html = client.get("/dashboard/authority/espoo/", {"k": "1"}).content.decode()
    peers = html.split('class="peer-list"')[1].split("</ol>")[0]
    assert peers.count("<li>") == 1
    assert "Ghent" in peers  # same kind, closest population (265,000 vs 305,000)
    assert "similar population (305,000 vs 265,000)" in peers
    assert "Peer group average" in html
    # Espoo's own 1.1 is 75 %; its single peer Ghent also has 3/4 -> peer average 75 %; all four: 88 %.
    row = html.split('href="#subpillar-1-1">')[1].split("</tr>")[0]
    assert row.count("75&nbsp;%") == 2 and "88&nbsp;%" in row
    html = client.get("/dashboard/authority/espoo/", {"k": "15", "peers": "scores"}).content.decode()
    assert html.split('class="peer-list"')[1].split("</ol>")[0].count("<li>") == 3
    assert 'value="scores" selected' in html


@pytest.mark.django_db
def test_methodology_documents_peer_weights(client, dashboard_page, ranking):
    html = client.get("/dashboard/methodology/").content.decode()
    section = html.split('id="peer-groups"')[1].split("</section>")[0]
    assert 'Budget per inhabitant</th><td class="num">0.75' in section
    assert "Missing values are handled explicitly" in section


@pytest.mark.django_db
def test_page_cache_serves_only_anonymous_visitors(client, dashboard_page, ranking):
    from portal.factories import UserFactory

    anonymous = client.get("/dashboard/").content.decode()
    assert "Log out" not in anonymous
    client.force_login(UserFactory(email="cache-visitor@example.org"))
    html = client.get("/dashboard/").content.decode()
    assert "Log out" in html
    client.logout()
    # Editing the page's introduction (a publish) shows at once to anonymous visitors.
    dashboard_page.introduction = "Freshly edited introduction."
    dashboard_page.save_revision().publish()
    assert "Freshly edited introduction." in client.get("/dashboard/").content.decode()
