"""The open data API at /api/v1/: content, filters, pagination, errors, CORS, read-only."""

import pytest
from django.core.cache import cache

from benchmarks import peer_groups
from benchmarks.models import Answer, Authority, Submission
from benchmarks.tests.utils import codes_of, make_authority, publish_answers, publish_points, ucc_edition

API = "/api/v1"
ORIGIN = {"HTTP_ORIGIN": "https://example.org"}
WORKED = {
    "1.1": (3, 4), "1.2": (2, 6), "1.3": (1, 3), "2.1": (5, 5), "2.2": (2, 5), "2.3": (1, 4),
    "2.4": (3, 3), "2.5": (1, 2), "2.6": (0, 3), "3.1": (2, 2), "3.2": (1, 2), "3.3": (0, 2),
}  # fmt: skip


@pytest.fixture
def published(db):
    """Four published authorities of 2023: Catalonia 100 %, Ghent 0.508 and Espoo 0.505 (both 51 %, rank
    2), Milan last; Oulu has no published result."""
    cache.clear()
    edition = ucc_edition()
    espoo = make_authority(
        "Espoo", slug="espoo", country="FI", population=305_000, website="https://www.espoo.fi/"
    )
    ghent = make_authority("Ghent", slug="ghent", country="BE", population=265_000)
    milan = make_authority("Milan", slug="milan", country="IT", population=1_371_000)
    catalonia = make_authority(
        "Catalonia", slug="catalonia", country="ES", kind=Authority.Kind.REGION, population=8_000_000
    )
    make_authority("Oulu", slug="oulu", country="FI", population=215_000)
    publish_points(authority=espoo, edition=edition, points=WORKED)
    publish_points(authority=ghent, edition=edition, points={**WORKED, "1.2": (1, 6), "2.2": (3, 5)})
    publish_answers(authority=milan, edition=edition, yes_codes=codes_of(edition, "1.1", "2.1"))
    Answer.objects.filter(submission__authority=milan, value="yes").update(
        evidence_url="https://www.comune.milano.it/"
    )
    publish_answers(
        authority=catalonia,
        edition=edition,
        yes_codes=list(edition.indicators.values_list("code", flat=True)),
    )
    # Background figures for the peer groups.
    Submission.objects.filter(authority=espoo, status="published").update(
        annual_budget_eur=945_500_000, employees=14_000, ict_specialists_in_house_fte=140
    )
    Submission.objects.filter(authority=ghent, status="published").update(
        annual_budget_eur=1_113_000_000, employees=5_000, ict_specialists_subcontracted_fte=55
    )
    Submission.objects.filter(authority=milan, status="published").update(
        annual_budget_eur=10_000_000_000, employees=14_500
    )
    Submission.objects.filter(authority=catalonia, status="published").update(
        annual_budget_eur=40_000_000_000,
        employees=200_000,
        ict_specialists_in_house_fte=3_000,
        ict_specialists_subcontracted_fte=1_000,
    )
    return edition


def get(client, url, **params):
    response = client.get(f"{API}{url}", params, **ORIGIN)
    return response


def test_frameworks_list_editions_with_counts(client, published):
    body = get(client, "/frameworks").json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    assert body["licence"]["name"] == "CC BY 4.0"
    ucc = body["results"][0]
    assert ucc["key"] == "ucc"
    editions = {e["revision"]: e for e in ucc["editions"]}
    assert editions["2023"] == {
        "revision": "2023",
        "title": editions["2023"]["title"],
        "is_open": editions["2023"]["is_open"],
        "pillars": 3,
        "subpillars": 12,
        "indicators": 41,
        "published": 4,
    }
    assert editions["2022"]["indicators"] == 39 and editions["2022"]["published"] == 0


def test_edition_structure_nests_pillars_subpillars_indicators(client, published):
    body = get(client, "/frameworks/ucc/editions/2023").json()
    assert [p["key"] for p in body["pillars"]] == ["1", "2", "3"]
    subpillars = [sp for p in body["pillars"] for sp in p["subpillars"]]
    assert [sp["key"] for sp in subpillars][:3] == ["1.1", "1.2", "1.3"] and len(subpillars) == 12
    codes = [i["code"] for sp in subpillars for i in sp["indicators"]]
    assert len(codes) == 41 and "inter_onceonly" in codes
    assert set(subpillars[0]["indicators"][0]) == {"code", "question", "guidance", "evidence_required"}
    assert get(client, "/frameworks/ucc/editions/1999").status_code == 404
    response = get(client, "/frameworks/nope/editions/2023")
    assert response.status_code == 404 and response.json() == {"detail": 'No framework "nope".'}


def test_authorities_filters_and_pagination(client, published):
    body = get(client, "/authorities").json()
    assert body["count"] == 5
    assert [a["slug"] for a in body["results"]] == ["catalonia", "espoo", "ghent", "milan", "oulu"]
    assert body["results"][1] == {
        "slug": "espoo",
        "name": "Espoo",
        "country": "FI",
        "kind": "city",
        "population": 305_000,
        "website": "https://www.espoo.fi/",
    }
    assert [a["slug"] for a in get(client, "/authorities", country="fi").json()["results"]] == [
        "espoo",
        "oulu",
    ]
    assert [a["slug"] for a in get(client, "/authorities", kind="region").json()["results"]] == ["catalonia"]
    assert [a["slug"] for a in get(client, "/authorities", q="IL").json()["results"]] == ["milan"]
    page = get(client, "/authorities", limit=2, offset=2).json()
    assert page["count"] == 5 and [a["slug"] for a in page["results"]] == ["ghent", "milan"]
    assert page["next"].endswith("/api/v1/authorities?limit=2&offset=4")
    assert page["previous"].endswith("/api/v1/authorities?limit=2&offset=0")
    last = client.get(page["next"]).json()
    assert [a["slug"] for a in last["results"]] == ["oulu"] and last["next"] is None
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"kind": "village"}):
        assert get(client, "/authorities", **bad).status_code == 422, bad


def test_authority_detail(client, published):
    body = get(client, "/authorities/ghent").json()
    assert (
        body["name"] == "Ghent" and body["country"] == "BE" and body["licence"]["url"].startswith("https://")
    )
    response = get(client, "/authorities/atlantis")
    assert response.status_code == 404 and response.json()["detail"] == 'No authority "atlantis".'


def test_ranking_reproduces_ranks_and_ties(client, published):
    body = get(client, "/editions/ucc/2023/ranking").json()
    assert body["count"] == 4 and body["framework"] == "ucc" and body["edition"] == "2023"
    rows = body["results"]
    assert [(r["rank"], r["authority"], r["overall"], r["percent"]) for r in rows] == [
        (1, "catalonia", "1.000", 100),
        (2, "ghent", "0.508", 51),
        (2, "espoo", "0.505", 51),
        (4, "milan", rows[3]["overall"], rows[3]["percent"]),
    ]
    espoo = rows[2]
    assert espoo["band"] == "medium" and espoo["name"] == "Espoo"
    assert [c["key"] for c in espoo["subpillars"]][:2] == ["1.1", "1.2"] and len(espoo["subpillars"]) == 12
    assert espoo["subpillars"][0] == {"key": "1.1", "yes": 3, "total": 4, "value": "0.75", "band": "high"}
    assert espoo["subpillars"][8] == {"key": "2.6", "yes": 0, "total": 3, "value": "0.00", "band": "low"}


def test_ranking_filters_keep_overall_rank_and_paginate(client, published):
    rows = get(client, "/editions/ucc/2023/ranking", country="FI").json()["results"]
    assert [(r["authority"], r["rank"]) for r in rows] == [("espoo", 2)]
    rows = get(client, "/editions/ucc/2023/ranking", kind="region").json()["results"]
    assert [r["authority"] for r in rows] == ["catalonia"]
    page = get(client, "/editions/ucc/2023/ranking", limit=1, offset=1).json()
    assert page["count"] == 4 and [r["authority"] for r in page["results"]] == ["ghent"]
    assert page["next"].endswith("limit=1&offset=2") and page["previous"].endswith("limit=1&offset=0")
    # An edition without results is an empty ranking, not an error.
    empty = get(client, "/editions/ucc/2022/ranking").json()
    assert empty["count"] == 0 and empty["results"] == []
    assert get(client, "/editions/ucc/2099/ranking").json() == {
        "detail": 'No edition "2099" of framework "ucc".'
    }
    assert get(client, "/editions/ucc/2023/ranking", limit=1000).status_code == 422


def test_ranking_reads_one_page_with_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert get(client, "/editions/ucc/2023/ranking", limit=2).status_code == 200


def test_score_of_one_authority(client, published):
    body = get(client, "/editions/ucc/2023/scores/espoo").json()
    assert (body["rank"], body["overall"], body["percent"], body["authorities"]) == (2, "0.505", 51, 4)
    assert body["version"] == 1 and len(body["subpillars"]) == 12 and body["licence"]["name"] == "CC BY 4.0"
    response = get(client, "/editions/ucc/2023/scores/oulu")
    assert response.status_code == 404 and "no published result" in response.json()["detail"]
    assert get(client, "/editions/ucc/2023/scores/atlantis").status_code == 404
    assert get(client, "/editions/ucc/2022/scores/espoo").status_code == 404


def test_answers_filter_and_pagination(client, published):
    body = get(client, "/editions/ucc/2023/answers").json()
    assert body["count"] == 2 * 41  # only the authorities that published answers (not points)
    assert len(body["results"]) == 50 and body["next"].endswith("limit=50&offset=50")
    milan = get(client, "/editions/ucc/2023/answers", authority="milan", limit=500).json()
    assert milan["count"] == 41 and {a["authority"] for a in milan["results"]} == {"milan"}
    yes = [a for a in milan["results"] if a["value"] == "yes"]
    assert len(yes) == 4 + 5 and {a["subpillar"] for a in yes} == {"1.1", "2.1"}
    assert yes[0]["evidence"] == "Evidence: see the council decision."
    assert yes[0]["evidence_url"] == "https://www.comune.milano.it/"
    assert {a["value"] for a in milan["results"]} == {"yes", "no"}
    assert get(client, "/editions/ucc/2023/answers", authority="atlantis").status_code == 404
    assert get(client, "/editions/ucc/2023/answers", authority="oulu").json()["count"] == 0


def test_peers_by_context_explained_with_figures(client, published):
    body = get(client, "/editions/ucc/2023/peers/espoo", k=2).json()
    assert body["mode"] == "context" and body["k"] == 2 and body["authority"] == "espoo"
    peers = body["results"]
    assert [p["authority"] for p in peers] == ["ghent", "milan"]
    ghent = peers[0]
    assert ghent["distance"] == round(ghent["distance"], 3) and ghent["percent"] == 51
    assert "log_population" in ghent["similar"] and "kind" in ghent["similar"]
    assert ghent["missing"] == []
    # Budget per inhabitant: Espoo 945.5 M / 305,000 = EUR 3,100, Ghent 1,113 M / 265,000 = EUR 4,200.
    # ICT specialists per 1,000 employees: Espoo 140 / 14,000 = 10.0, Ghent 55 / 5,000 = 11.0.
    assert ghent["explanation"] == (
        "similar population (305,000 vs 265,000), ICT specialists per 1,000 employees (10.0 vs 11.0)"
        " and kind; country group differs most (nordic vs western);"
        " then budget per inhabitant (EUR 3,100 vs EUR 4,200)"
    )
    milan = peers[1]
    assert milan["missing"] == ["ict_per_1000_employees"]
    assert "not compared for lack of figures: ICT specialists per 1,000 employees" in milan["explanation"]


def test_peers_by_scores_and_bounds(client, published):
    body = get(client, "/editions/ucc/2023/peers/espoo", mode="scores", k=15).json()
    assert [p["authority"] for p in body["results"]][0] == "ghent"
    assert len(body["results"]) == 3  # every other published authority
    assert "sub-pillar" in body["results"][0]["explanation"]
    for k in (0, 16):
        assert get(client, "/editions/ucc/2023/peers/espoo", k=k).status_code == 422
    assert get(client, "/editions/ucc/2023/peers/espoo", mode="budget").status_code == 422
    assert get(client, "/editions/ucc/2023/peers/oulu").status_code == 404
    assert get(client, "/editions/ucc/2023/peers/atlantis").status_code == 404


def test_peer_model_is_cached_until_the_data_changes(published, django_assert_num_queries):
    espoo = Authority.objects.get(slug="espoo")
    peer_groups.peer_group(edition=published, authority=espoo, mode="context", k=3)
    first = peer_groups.peer_model(edition=published, mode="context")
    with django_assert_num_queries(1):  # the data version only, not the submissions
        assert peer_groups.peer_model(edition=published, mode="context").figures.shape == (4, 5)
    ghent = Submission.objects.get(authority__slug="ghent", status="published")
    ghent.annual_budget_eur = 2_000_000_000
    ghent.save()  # as every service does: updated_at changes, so does the data version
    rebuilt = peer_groups.peer_model(edition=published, mode="context")
    row = rebuilt.authority_ids.index(ghent.authority_id)
    assert round(first.figures[row, 2]) == 4200 and round(rebuilt.figures[row, 2]) == 7547


def test_country_groups():
    assert peer_groups.country_group("fi") == "nordic"
    assert peer_groups.country_group("PL") == "central_eastern"
    assert peer_groups.country_group("UA") == "eastern_partnership"
    assert peer_groups.country_group("US") == "other"
    assert peer_groups.country_group("") is None


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks",
        "/frameworks/ucc/editions/2023",
        "/authorities",
        "/authorities/espoo",
        "/editions/ucc/2023/ranking",
        "/editions/ucc/2023/scores/espoo",
        "/editions/ucc/2023/answers",
        "/editions/ucc/2023/peers/espoo",
    ],
)
def test_every_endpoint_is_cors_open_and_read_only(client, published, url):
    response = client.get(API + url, **ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert client.post(API + url, {}, **ORIGIN).status_code == 405
    assert client.delete(API + url, **ORIGIN).status_code == 405
    preflight = client.options(API + url, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **ORIGIN)
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, OPTIONS"


def test_cors_stays_off_for_the_rest_of_the_site(client, published):
    response = client.get("/admin/login/", **ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_openapi_document_describes_the_api(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["info"]["title"] == "UserCentriCities open data API" and schema["info"]["version"] == "1"
    assert "CC BY 4.0" in schema["info"]["description"]
    assert set(schema["paths"]) == {
        "/api/v1/frameworks",
        "/api/v1/frameworks/{key}/editions/{revision}",
        "/api/v1/authorities",
        "/api/v1/authorities/{slug}",
        "/api/v1/editions/{framework}/{revision}/ranking",
        "/api/v1/editions/{framework}/{revision}/scores/{authority_slug}",
        "/api/v1/editions/{framework}/{revision}/answers",
        "/api/v1/editions/{framework}/{revision}/peers/{authority_slug}",
    }
    assert all(set(methods) == {"get"} for methods in schema["paths"].values())


def test_reference_page_documents_every_operation_of_the_served_schema(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html and "<h1" in html
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert f"{method.upper()} {path}" in html, path
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in html, (path, parameter["name"])
    # Limits and allowed values in words, and a working example URL with the documented example values.
    assert "integer, 1 to 500, default 50" in html
    assert "string: city or region" in html
    assert 'href="http://testserver/api/v1/editions/ucc/2023/ranking"' in html
    assert 'href="http://testserver/api/v1/openapi.json"' in html
    # Swagger UI (inaccessible, needs JavaScript) is not served.
    assert client.get(f"{API}/docs").status_code in (301, 404)
    assert "swagger" not in html.lower()


def test_reference_sections_describe_parameters_in_words():
    from benchmarks.api_reference import reference_sections

    schema = {
        "paths": {
            "/v/items/{slug}": {
                "get": {
                    "summary": "Item",
                    "tags": ["items"],
                    "description": "One *item*. <script>alert(1)</script>",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 9, "description": "A slug, e.g. espoo"},
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "schema": {"anyOf": [{"enum": ["a", "b"], "type": "string"}, {"type": "null"}]},
                        },
                    ],
                    "responses": {"200": {"description": "OK"}, "404": {"description": "Not Found"}},
                }
            }
        }
    }
    [section] = reference_sections(schema)
    [operation] = section.operations
    assert (section.title, operation.method, operation.example_path) == ("Items", "GET", "/v/items/espoo")
    assert [(p.name, p.required, p.type) for p in operation.parameters] == [
        ("slug", True, "string, at most 9 characters"),
        ("kind", False, "string: a or b"),
    ]
    assert operation.responses == [("200", "OK"), ("404", "Not Found")]
    assert "<em>item</em>" in operation.description_html and "<script" not in operation.description_html
