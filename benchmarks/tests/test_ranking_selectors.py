"""selectors.ranking_page sorted by a sub-pillar (a join, not a subquery) and the cached ranking summary."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import selectors
from benchmarks.models import Submission, SubPillarResult
from benchmarks.tests.utils import make_authority, publish_points, ucc_edition

pytestmark = pytest.mark.django_db

KEYS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"]
TOTALS = [4, 6, 3, 5, 5, 4, 3, 2, 3, 2, 2, 2]


@pytest.fixture
def edition_with_results():
    """24 authorities with random points (many ties in 2.1), one of them without a 2.1 result, one with
    a superseded earlier version whose 2.1 value must not count."""
    rng = random.Random(5)
    edition = ucc_edition("2023")
    authorities = [
        make_authority(f"Town {rng.randrange(10**6):06d} {i}", country=rng.choice(["FI", "BE", "PL"]))
        for i in range(24)
    ]
    for authority in authorities:
        publish_points(
            authority=authority,
            edition=edition,
            points={key: (rng.randint(0, n), n) for key, n in zip(KEYS, TOTALS, strict=True)},
        )
    # a newer version of the first authority supersedes the first (whose results stay, unpublished)
    Submission.objects.filter(authority=authorities[0]).update(status=Submission.Status.SUPERSEDED)
    zeros = {key: (0, n) for key, n in zip(KEYS, TOTALS, strict=True)}
    publish_points(authority=authorities[0], edition=edition, points=zeros)
    SubPillarResult.objects.filter(
        submission__authority=authorities[1], submission__status="published", subpillar__key="2.1"
    ).delete()
    return edition


def expected_order(edition, key: str, *, descending: bool) -> list[str]:
    values = {}
    for row in selectors.ranking(edition=edition):
        cell = next((c for c in row.cells if c.subpillar.key == key), None)
        values[row.authority.name] = None if cell is None else cell.value
    present = sorted((v, name) for name, v in values.items() if v is not None)
    missing = sorted(name for name, v in values.items() if v is None)
    if descending:
        present.sort(key=lambda item: (-item[0], item[1]))
        return [name for _v, name in present] + missing
    return missing + [name for _v, name in present]


@pytest.mark.parametrize("descending", [True, False])
def test_sorting_by_a_subpillar_orders_by_its_value_then_name_with_missing_values_at_the_end(
    edition_with_results, descending
):
    edition = edition_with_results
    names = []
    for offset in range(0, 30, 10):  # paged in the database
        page = selectors.ranking_page(
            edition=edition, sort="2.1", descending=descending, offset=offset, limit=10
        )
        assert page.total == page.count == 24
        names += [row.authority.name for row in page.rows]
    assert names == expected_order(edition, "2.1", descending=descending)
    assert len(set(names)) == 24  # one row per authority: the join adds none
    values = [
        next((c.value for c in row.cells if c.subpillar.key == "2.1"), None)
        for row in selectors.ranking_page(edition=edition, sort="2.1", descending=True, limit=24).rows
    ]
    assert values[-1] is None and values[:-1] == sorted(values[:-1], reverse=True)
    assert len(set(values[:-1])) < 23  # ties exist, broken by name (checked above)


def test_sorting_by_a_subpillar_is_one_join_not_a_subquery(edition_with_results):
    with CaptureQueriesContext(connection) as queries:
        selectors.ranking_page(edition=edition_with_results, sort="3.2", descending=True, country="FI")
    page_sql = next(
        q["sql"]
        for q in queries.captured_queries
        if "LIMIT" in q["sql"] and "benchmarks_subpillarresult" in q["sql"]
    )
    assert "LEFT OUTER JOIN" in page_sql and page_sql.count("SELECT") == 1


def test_ranking_summary_is_read_once_per_data_version(edition_with_results):
    edition = edition_with_results
    version = selectors.edition_data_version(edition=edition)
    summary = selectors.ranking_summary(edition=edition, version=version)
    assert summary.total == 24
    assert summary.countries == sorted({row.authority.country for row in selectors.ranking(edition=edition)})
    direct = selectors.pillar_averages(edition=edition)
    assert [(a.pillar.pk, a.yes, a.total, a.value) for a in summary.pillar_averages] == [
        (a.pillar.pk, a.yes, a.total, a.value) for a in direct
    ]
    with CaptureQueriesContext(connection) as queries:
        again = selectors.ranking_summary(edition=edition, version=version)
        page = selectors.ranking_page(edition=edition, summary=again)
    assert again == summary and page.total == 24
    assert not any("DISTINCT" in q["sql"] or "COUNT" in q["sql"] for q in queries.captured_queries)
    # a new result makes a new version, and the summary follows
    newcomer = {key: (n if key == "1.1" else 0, n) for key, n in zip(KEYS, TOTALS, strict=True)}
    publish_points(authority=make_authority("Newcomer", country="SE"), edition=edition, points=newcomer)
    new_version = selectors.edition_data_version(edition=edition)
    assert new_version != version
    fresh = selectors.ranking_summary(edition=edition, version=new_version)
    assert fresh.total == 25 and "SE" in fresh.countries
    assert fresh.pillar_averages[0].yes == summary.pillar_averages[0].yes + 4
