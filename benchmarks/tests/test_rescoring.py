"""edition_rescore_all stores exactly what the per-submission services store, on SQLite and PostgreSQL."""

import random
from decimal import Decimal
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from benchmarks import rescoring, scoring, services
from benchmarks.models import Answer, Authority, Submission, SubPillar, SubPillarResult
from benchmarks.rescoring import edition_rescore_all
from benchmarks.tests.utils import make_authority, ucc_edition

pytestmark = pytest.mark.django_db

OPEN_OR_OLD = [
    Submission.Status.DRAFT,
    Submission.Status.SUBMITTED,
    Submission.Status.RETURNED,
    Submission.Status.SUPERSEDED,
]


def snapshot():
    """Every stored field of every submission and sub-pillar result."""
    submissions = {row["id"]: row for row in Submission.objects.values()}
    results = {}
    for row in SubPillarResult.objects.values(
        "submission_id", "subpillar_id", "yes", "total", "value", "band"
    ):
        results.setdefault(row["submission_id"], {})[row["subpillar_id"]] = (
            row["yes"],
            row["total"],
            row["value"],
            row["band"],
        )
    return submissions, results


def random_value(rng):
    return rng.choices([Answer.Value.YES, Answer.Value.NO, Answer.Value.NA], weights=[5, 4, 1])[0]


def bulk_submissions(*, edition, rng, count, status=Submission.Status.PUBLISHED, prefix="City", version=1):
    """`count` submissions with random answers (some partial) and stale stored scores, built in bulk."""
    authorities = Authority.objects.bulk_create(
        Authority(
            name=f"{prefix} {rng.random():.12f} {i}", slug=f"{prefix.lower()}-{i}-{rng.randrange(10**9)}"
        )
        for i in range(count)
    )
    submissions = Submission.objects.bulk_create(
        Submission(
            authority=authority,
            edition=edition,
            version=version,
            status=status,
            # stale stored values the rescoring must replace (or, if not published, leave alone)
            overall=Decimal(rng.randrange(1001)).scaleb(-3) if rng.random() < 0.7 else None,
            percent=rng.randrange(101) if rng.random() < 0.7 else None,
            rank=rng.randrange(1, 50) if rng.random() < 0.5 else None,
        )
        for authority in authorities
    )
    indicators = list(edition.indicators.select_related("subpillar"))
    subpillar_keys = sorted({indicator.subpillar.key for indicator in indicators})
    answers = []
    for submission in submissions:
        kept = indicators
        if rng.random() < 0.1:  # a few answers missing
            kept = [indicator for indicator in kept if rng.random() < 0.8]
        if rng.random() < 0.05:  # a whole sub-pillar without answer rows: scores 0 of its indicators
            dropped = rng.choice(subpillar_keys)
            kept = [indicator for indicator in kept if indicator.subpillar.key != dropped]
        answers += [Answer(submission=submission, indicator=i, value=random_value(rng)) for i in kept]
    Answer.objects.bulk_create(answers, batch_size=2000)
    return submissions


def import_points(*, name, edition, points):
    """A published points-only import (no answers), stored with services.store_points, not yet ranked."""
    submission = Submission.objects.create(
        authority=make_authority(name),
        edition=edition,
        status=Submission.Status.PUBLISHED,
        source=Submission.Source.IMPORT_POINTS,
    )
    services.store_points(submission=submission, points=points)
    return submission


def reference_rescore(edition):
    """What the services store: submission_score for each published submission with answers, then rerank."""
    for submission in Submission.objects.filter(
        edition=edition, status=Submission.Status.PUBLISHED, answers__isnull=False
    ).distinct():
        services.submission_score(submission=submission)
    services.edition_rerank(edition=edition)


def assert_same_as_services(edition, *, changed_ids):
    """Rescore in bulk, then with the services; both must store the same values in every field."""
    before = snapshot()
    started = timezone.now()
    report = edition_rescore_all(edition=edition)
    bulk = snapshot()
    reference_rescore(edition)
    reference = snapshot()
    assert bulk[1] == reference[1]
    for pk, row in reference[0].items():
        if pk in changed_ids:
            assert bulk[0][pk]["updated_at"] >= started
            assert {**bulk[0][pk], "updated_at": None} == {**row, "updated_at": None}, pk
        else:
            assert bulk[0][pk] == row, pk
    return before, bulk, report


def test_random_edition_matches_the_services():
    rng = random.Random(20230)
    edition = ucc_edition("2023")
    other = ucc_edition("2022")
    published = bulk_submissions(edition=edition, rng=rng, count=300)
    # points-only imports mixed in: they keep their stored results and take part in the ranking
    totals = {sp.key: sp.indicators.count() for sp in SubPillar.objects.filter(edition=edition)}
    points_only = [
        import_points(
            name=f"Imported {i}",
            edition=edition,
            points={key: (rng.randint(0, n), n) for key, n in totals.items()},
        )
        for i in range(25)
    ]
    # not published, or another edition: never touched
    untouched = []
    for status in OPEN_OR_OLD:
        untouched += bulk_submissions(
            edition=edition, rng=rng, count=5, status=status, prefix=status, version=9
        )
    untouched += bulk_submissions(edition=other, rng=rng, count=10, prefix="Other")
    for submission in untouched:
        SubPillarResult.objects.create(
            submission=submission,
            subpillar=SubPillar.objects.filter(edition=submission.edition).first(),
            yes=1,
            total=9,
            value=Decimal("0.11"),
            band="low",
        )
    # stale results on rescored submissions, one of a sub-pillar of another edition: all replaced
    stale = published[0]
    SubPillarResult.objects.create(
        submission=stale, subpillar=SubPillar.objects.filter(edition=other).first(), yes=0, total=1,
        value=Decimal("0"), band="low",
    )  # fmt: skip
    services.submission_score(submission=published[1])
    SubPillarResult.objects.filter(submission=published[1]).update(yes=0, value=Decimal("0.99"), band="high")
    # an answer to an indicator of another edition is ignored, as by submission_score
    Answer.objects.create(submission=published[2], indicator=other.indicators.first(), value="yes")

    before, bulk, report = assert_same_as_services(edition, changed_ids={s.pk for s in published})

    assert report.published == 325 and report.rescored == 300 and report.points_only == 25
    assert report.results_written == 300 * 12
    for submission in untouched:
        assert bulk[0][submission.pk] == before[0][submission.pk]
        assert bulk[1][submission.pk] == before[1][submission.pk]
    for submission in points_only:
        assert bulk[1][submission.pk] == before[1][submission.pk]
        for name in ("overall", "percent", "updated_at"):
            assert bulk[0][submission.pk][name] == before[0][submission.pk][name]
    ranks = sorted(bulk[0][pk]["rank"] for pk in bulk[0] if bulk[0][pk]["status"] == "published"
                   and bulk[0][pk]["edition_id"] == edition.pk)  # fmt: skip
    assert ranks[0] == 1 and len(ranks) == 325
    assert len(set(ranks)) < len(ranks)  # 325 authorities over at most 101 percentages: shared ranks


@pytest.mark.parametrize("seed", [1, 2])
def test_other_random_editions_match(seed):
    rng = random.Random(seed)
    edition = ucc_edition("2022" if seed == 1 else "2023")
    published = bulk_submissions(edition=edition, rng=rng, count=120)
    assert_same_as_services(edition, changed_ids={s.pk for s in published})
    # a second run is idempotent, apart from updated_at
    first = snapshot()
    report = edition_rescore_all(edition=edition)
    second = snapshot()
    assert report.ranks_changed == 0
    assert second[1] == first[1]
    for pk, row in first[0].items():
        assert {**second[0][pk], "updated_at": None} == {**row, "updated_at": None}


def test_ties_share_a_rank_and_the_next_rank_skips():
    edition = ucc_edition("2023")
    totals = {sp.key: sp.indicators.count() for sp in SubPillar.objects.filter(edition=edition)}
    indicators = list(edition.indicators.order_by("subpillar__sort_order", "sort_order"))

    def answered(name, yes_count):
        submission = Submission.objects.create(
            authority=make_authority(name), edition=edition, status=Submission.Status.PUBLISHED
        )
        Answer.objects.bulk_create(
            Answer(submission=submission, indicator=indicator, value="yes" if n < yes_count else "no")
            for n, indicator in enumerate(indicators)
        )
        return submission

    alpha, bravo, charlie = answered("Alpha", 20), answered("Bravo", 20), answered("Charlie", 5)
    keys = list(totals)  # framework order: Charlie has 4/4 in the first sub-pillar and 1/6 in the second
    charlie_points = {key: (0, n) for key, n in totals.items()} | {keys[0]: (4, 4), keys[1]: (1, 6)}
    delta = import_points(name="Delta", edition=edition, points=charlie_points)  # ties with Charlie
    echo = import_points(name="Echo", edition=edition, points={k: (0, n) for k, n in totals.items()})
    assert_same_as_services(edition, changed_ids={alpha.pk, bravo.pk, charlie.pk})
    ranks = dict(Submission.objects.filter(edition=edition).values_list("authority__name", "rank"))
    assert ranks == {"Alpha": 1, "Bravo": 1, "Charlie": 3, "Delta": 3, "Echo": 5}
    delta.refresh_from_db()
    echo.refresh_from_db()
    charlie.refresh_from_db()
    assert delta.percent == charlie.percent > echo.percent == 0


def test_worked_example_is_stored_as_51_percent():
    edition = ucc_edition("2023")
    worked_yes = [3, 2, 1, 5, 2, 1, 3, 1, 0, 2, 1, 0]  # sub-pillars 1.1 ... 3.3, in framework order
    subpillars = list(SubPillar.objects.filter(edition=edition).order_by("sort_order", "key"))
    assert [sp.indicators.count() for sp in subpillars] == [4, 6, 3, 5, 5, 4, 3, 2, 3, 2, 2, 2]
    submission = Submission.objects.create(
        authority=make_authority("Worked"), edition=edition, status=Submission.Status.PUBLISHED
    )
    answers = []
    for subpillar, yes_count in zip(subpillars, worked_yes, strict=True):
        for n, indicator in enumerate(subpillar.indicators.order_by("sort_order")):
            answers.append(
                Answer(submission=submission, indicator=indicator, value="yes" if n < yes_count else "na")
            )
    Answer.objects.bulk_create(answers)
    edition_rescore_all(edition=edition)
    submission.refresh_from_db()
    assert (submission.overall, submission.percent, submission.rank) == (Decimal("0.505"), 51, 1)
    values = list(submission.results.order_by("subpillar__sort_order").values_list("value", flat=True))
    assert values[:3] == [Decimal("0.75"), Decimal("0.33"), Decimal("0.33")]


def test_edition_without_published_submissions_is_a_no_op():
    rng = random.Random(7)
    edition = ucc_edition("2022")
    bulk_submissions(edition=edition, rng=rng, count=4, status=Submission.Status.DRAFT)
    bulk_submissions(edition=edition, rng=rng, count=4, status=Submission.Status.SUPERSEDED, prefix="Old")
    before = snapshot()
    report = edition_rescore_all(edition=edition)
    assert (report.published, report.rescored, report.results_written) == (0, 0, 0)
    assert snapshot() == before
    empty = edition_rescore_all(edition=ucc_edition("2023"))
    assert empty.published == 0


def test_points_only_without_overall_is_refused_and_nothing_changes():
    rng = random.Random(3)
    edition = ucc_edition("2023")
    bulk_submissions(edition=edition, rng=rng, count=10)
    Submission.objects.create(
        authority=make_authority("No score"),
        edition=edition,
        status=Submission.Status.PUBLISHED,
        source=Submission.Source.IMPORT_POINTS,
    )
    before = snapshot()
    with pytest.raises(ValueError, match="no stored overall|neither answers"):
        edition_rescore_all(edition=edition)
    assert snapshot() == before


def test_management_command_prints_a_summary():
    rng = random.Random(11)
    edition = ucc_edition("2023")
    bulk_submissions(edition=edition, rng=rng, count=15)
    out = StringIO()
    call_command("rescore_edition", "--framework", "ucc", "--edition", "2023", stdout=out)
    text = out.getvalue()
    assert "15 published submissions ranked: 15 rescored" in text
    assert "Rescored ucc 2023 in" in text
    assert Submission.objects.filter(edition=edition, rank__isnull=True).count() == 0


def test_only_changed_rows_are_written():
    rng = random.Random(17)
    edition = ucc_edition("2023")
    other = ucc_edition("2022")
    published = bulk_submissions(edition=edition, rng=rng, count=40)
    first = edition_rescore_all(edition=edition)
    assert (first.results_inserted, first.results_updated, first.results_deleted) == (40 * 12, 0, 0)
    assert first.submissions_updated == 40
    stored = snapshot()

    # nothing changed: nothing written, updated_at kept
    again = edition_rescore_all(edition=edition)
    assert (again.results_inserted, again.results_updated, again.results_deleted) == (0, 0, 0)
    assert again.submissions_updated == 0 and again.ranks_changed == 0
    assert snapshot() == stored

    # one answer changed, one stored result tampered with, one missing, one extra (another edition)
    changed, tampered, missing, extra = published[:4]
    answer = Answer.objects.filter(submission=changed).order_by("pk").first()
    answer.value = "no" if answer.value == "yes" else "yes"
    answer.save()
    tampered_row = SubPillarResult.objects.filter(submission=tampered).order_by("pk").first()
    SubPillarResult.objects.filter(pk=tampered_row.pk).update(band="weird")
    SubPillarResult.objects.filter(submission=missing).order_by("pk").first().delete()
    SubPillarResult.objects.create(
        submission=extra, subpillar=SubPillar.objects.filter(edition=other).first(), yes=0, total=1,
        value=Decimal("0"), band="low",
    )  # fmt: skip
    before = snapshot()
    started = timezone.now()
    report = edition_rescore_all(edition=edition)
    bulk = snapshot()
    assert (report.results_inserted, report.results_updated, report.results_deleted) == (1, 2, 1)
    assert SubPillarResult.objects.get(pk=tampered_row.pk).band == tampered_row.band
    for submission in (changed, tampered, missing, extra):
        assert bulk[0][submission.pk]["updated_at"] >= started
    for submission in published[4:]:
        # not rescored in any value (its rank may move): updated_at is kept, where the services touch it
        assert bulk[0][submission.pk]["updated_at"] == before[0][submission.pk]["updated_at"]
        assert bulk[1][submission.pk] == before[1][submission.pk]
    # apart from updated_at, exactly what the services store
    reference_rescore(edition)
    reference = snapshot()
    assert bulk[1] == reference[1]
    for pk, row in reference[0].items():
        assert {**bulk[0][pk], "updated_at": None} == {**row, "updated_at": None}, pk


def test_answers_of_drafts_and_other_editions_between_published_ids_are_ignored():
    """PostgreSQL reads the answers by the range of the published ids: whatever else lies in that range
    (drafts, superseded versions, another edition) must not count."""
    rng = random.Random(29)
    edition = ucc_edition("2023")
    other = ucc_edition("2022")
    published = []
    for i in range(6):  # interleaved ids: published, then a draft, an old version, another edition's
        published += bulk_submissions(edition=edition, rng=rng, count=3, prefix=f"Pub{i}")
        bulk_submissions(edition=edition, rng=rng, count=1, status=Submission.Status.DRAFT, prefix=f"D{i}")
        bulk_submissions(
            edition=edition, rng=rng, count=1, status=Submission.Status.SUPERSEDED, prefix=f"S{i}", version=2
        )
        bulk_submissions(edition=other, rng=rng, count=1, prefix=f"O{i}")
    ids = sorted(s.pk for s in published)
    inside = Submission.objects.filter(pk__gt=ids[0], pk__lt=ids[-1]).exclude(pk__in=ids)
    assert inside.count() == 15 and Answer.objects.filter(submission__in=inside).exists()
    _before, _bulk, report = assert_same_as_services(edition, changed_ids=set(ids))
    assert (report.published, report.rescored) == (18, 18)
    assert not SubPillarResult.objects.filter(submission__in=inside).exists()


def _foreign_keys():
    with connection.cursor() as cursor:
        return rescoring._foreign_keys(cursor, SubPillarResult._meta.db_table)


def test_bulk_load_drops_and_restores_the_foreign_keys(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the bulk load path is PostgreSQL's")
    keys = _foreign_keys()
    assert len(keys) == 2 and all("DEFERRABLE INITIALLY DEFERRED" in definition for _n, definition in keys)
    monkeypatch.setattr(rescoring, "BULK_INSERT_MIN_ROWS", 100)
    rng = random.Random(31)
    edition = ucc_edition("2023")
    published = bulk_submissions(edition=edition, rng=rng, count=30)
    with connection.cursor() as cursor:
        # as if the test data were committed: no foreign key checks pending (see the next test)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
        _before, _bulk, report = assert_same_as_services(edition, changed_ids={s.pk for s in published})
    assert report.results_inserted == 30 * 12
    assert any("DROP CONSTRAINT" in sql for sql in executed)
    assert any("ADD CONSTRAINT" in sql for sql in executed)
    assert _foreign_keys() == keys  # the same constraints, same names, deferred as before
    # and they are enforced again
    with pytest.raises(IntegrityError), transaction.atomic():
        SubPillarResult.objects.create(
            submission_id=10**9, subpillar=SubPillar.objects.filter(edition=edition).first(), yes=0, total=1,
            value=Decimal("0"), band="low",
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_bulk_load_inside_a_transaction_with_pending_checks_keeps_the_foreign_keys(monkeypatch):
    """Called inside a transaction that has deferred foreign key checks pending (here: the test's own
    inserts), the foreign keys cannot be dropped: the rescoring takes the ordinary path, with the same
    result."""
    if connection.vendor != "postgresql":
        pytest.skip("the bulk load path is PostgreSQL's")
    keys = _foreign_keys()
    monkeypatch.setattr(rescoring, "BULK_INSERT_MIN_ROWS", 100)
    rng = random.Random(41)
    edition = ucc_edition("2023")
    published = bulk_submissions(edition=edition, rng=rng, count=30)
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
        _before, _bulk, report = assert_same_as_services(edition, changed_ids={s.pk for s in published})
    assert report.results_inserted == 30 * 12
    assert any("DROP CONSTRAINT" in sql for sql in executed)  # tried, refused by PostgreSQL
    assert not any("ADD CONSTRAINT" in sql for sql in executed)
    assert _foreign_keys() == keys


def test_small_inserts_keep_the_foreign_keys(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the bulk load path is PostgreSQL's")
    rng = random.Random(37)
    edition = ucc_edition("2023")
    bulk_submissions(edition=edition, rng=rng, count=5)
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
        report = edition_rescore_all(edition=edition)
    assert report.results_inserted == 5 * 12
    assert not any("CONSTRAINT" in sql for sql in executed)


def test_every_value_is_copied_in_exactly():
    """The binary COPY of new results encodes numeric values itself: each of 0.00 ... 1.00 and each band."""
    if connection.vendor != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    edition = ucc_edition("2023")
    subpillars = list(SubPillar.objects.filter(edition=edition).order_by("pk").values_list("pk", flat=True))
    submissions = [
        Submission.objects.create(authority=make_authority(f"Copy {i}"), edition=edition) for i in range(9)
    ]
    cells = [(s.pk, sp) for s in submissions for sp in subpillars][:101]
    hundredths = np.arange(101)
    bands = np.where(hundredths <= 33, 0, np.where(hundredths <= 66, 1, 2))
    empty = np.zeros(0, dtype=np.int64)
    diff = rescoring._Diff(
        m=len(subpillars), subpillar_ids=np.array(subpillars), submission_changed=empty,
        update_ids=empty, update_yes=empty, update_total=empty, update_hundredths=empty, update_band=empty,
        insert_submission=np.array([c[0] for c in cells]), insert_subpillar=np.array([c[1] for c in cells]),
        insert_yes=hundredths // 10, insert_total=np.full(101, 10), insert_hundredths=hundredths,
        insert_band=bands, delete_ids=empty,
    )  # fmt: skip
    with connection.cursor() as cursor:
        rescoring._copy_in(
            cursor,
            SubPillarResult._meta.db_table,
            "submission_id, subpillar_id, yes, total, value, band",
            rescoring._insert_payload(diff),
            analyze=False,
        )
    stored = {
        (r.submission_id, r.subpillar_id): (r.yes, r.total, r.value, r.band)
        for r in SubPillarResult.objects.all()
    }
    assert len(stored) == 101
    for (submission, subpillar), h in zip(cells, range(101), strict=True):
        value = Decimal(h).scaleb(-2).quantize(Decimal("0.01"))
        assert stored[submission, subpillar] == (h // 10, 10, value, scoring.band(value=value).value)
    with pytest.raises(ValueError):
        rescoring._numeric_hundredths(np.array([101]))
