"""The questionnaire's life cycle (benchmarks.services): who may do what, publishing, superseding, ranking."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from benchmarks import services
from benchmarks.factories import (
    AuthorityFactory,
    EditorFactory,
    RepresentativeFactory,
    SubmissionFactory,
    ucc_edition,
)
from benchmarks.models import Answer, Edition, Indicator, Pillar, Submission, SubPillar, SubPillarResult
from benchmarks.services import AnswerInput
from portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition() -> Edition:
    return ucc_edition("2023")


@pytest.fixture
def espoo():
    return AuthorityFactory(name="Espoo", population=305_000)


@pytest.fixture
def representative(espoo):
    return RepresentativeFactory(authority=espoo)


@pytest.fixture
def editor():
    return EditorFactory()


def yes(code: str) -> AnswerInput:
    return AnswerInput("yes", f"Evidence for {code}", f"https://example.org/{code}")


def codes(edition: Edition, *subpillar_keys: str) -> list[str]:
    return list(
        edition.indicators.filter(subpillar__key__in=subpillar_keys)
        .order_by("subpillar__sort_order", "sort_order")
        .values_list("code", flat=True)
    )


def submitted(*, authority, edition, by, yes_codes=(), background=None) -> Submission:
    """A submission awaiting validation: Yes (with evidence) for yes_codes, No for the rest."""
    submission = services.submission_start(authority=authority, edition=edition, by=by)
    answers = {code: AnswerInput("no") for code in edition.indicators.values_list("code", flat=True)}
    answers.update({code: yes(code) for code in yes_codes})
    services.submission_save(submission=submission, by=by, answers=answers, background=background)
    return services.submission_submit(submission=submission, by=by)


def published(*, authority, edition, by, editor, yes_codes=(), background=None) -> Submission:
    submission = submitted(
        authority=authority, edition=edition, by=by, yes_codes=yes_codes, background=background
    )
    return services.submission_publish(submission=submission, by=editor)


# --- Permissions -------------------------------------------------------------------------------------


def test_publish_requires_an_editor(edition, espoo, representative, editor):
    submission = submitted(
        authority=espoo, edition=edition, by=representative, yes_codes=codes(edition, "1.1")
    )
    for user in (representative, UserFactory(), AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            services.submission_publish(submission=submission, by=user)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.percent is None
    assert not SubPillarResult.objects.exists()
    services.submission_publish(submission=submission, by=editor)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED
    assert submission.published_by == editor and submission.published_at is not None
    # 1.1 all Yes: 1.00 / 12 = 0.083 -> 8 %
    assert (submission.overall, submission.percent, submission.rank) == (Decimal("0.083"), 8, 1)


def test_only_representatives_answer_and_submit(edition, espoo, representative, editor):
    other = AuthorityFactory(name="Ghent")
    with pytest.raises(PermissionDenied):
        services.submission_start(authority=other, edition=edition, by=representative)
    with pytest.raises(PermissionDenied):
        services.submission_start(authority=espoo, edition=edition, by=editor)
    draft = services.submission_start(authority=espoo, edition=edition, by=representative)
    with pytest.raises(PermissionDenied):
        services.submission_save(submission=draft, by=editor, answers={})
    with pytest.raises(PermissionDenied):
        services.submission_submit(submission=draft, by=UserFactory())


def test_returning_and_copying_editions_require_an_editor(edition, espoo, representative):
    submission = submitted(authority=espoo, edition=edition, by=representative)
    with pytest.raises(PermissionDenied):
        services.submission_return(submission=submission, by=representative, comments={"eco_api": "Why?"})
    with pytest.raises(PermissionDenied):
        services.edition_copy(source=edition, revision="2025", by=representative)
    assert not Edition.objects.filter(revision="2025").exists()


# --- Life cycle --------------------------------------------------------------------------------------


def test_full_cycle_and_audit_log(edition, espoo, representative, editor):
    submission = services.submission_start(authority=espoo, edition=edition, by=representative)
    assert (submission.version, submission.status, submission.population) == (1, "draft", 305_000)
    assert submission.answers.count() == 41 and not submission.answers.exclude(value="na").exists()
    changed = services.submission_save(
        submission=submission,
        by=representative,
        answers={"eco_api": yes("eco_api"), "eco_eid": AnswerInput("no")},
        background={"employees": 4_200},
    )
    assert changed == ["eco_api", "eco_eid"]
    with pytest.raises(ValidationError, match="Unknown indicators: env_co2"):
        services.submission_save(submission=submission, by=representative, answers={"env_co2": yes("x")})
    services.submission_submit(submission=submission, by=representative)
    with pytest.raises(ValidationError):
        services.submission_save(
            submission=submission, by=representative, answers={"eco_eid": yes("eco_eid")}
        )
    services.submission_return(submission=submission, by=editor, comments={"eco_api": "Link is broken"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.answers.get(indicator__code="eco_api").review_comment == "Link is broken"
    services.submission_submit(submission=submission, by=representative)
    services.submission_publish(submission=submission, by=editor)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED and submission.employees == 4_200
    assert not submission.answers.exclude(review_comment="").exists()
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(submission.pk))
        .order_by("timestamp", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "benchmarks.submission.start",
        "benchmarks.submission.save",
        "benchmarks.submission.submit",
        "benchmarks.submission.return",
        "benchmarks.submission.submit",
        "benchmarks.submission.publish",
    ]


def test_yes_needs_evidence_to_submit(edition, espoo, representative, editor):
    draft = services.submission_start(authority=espoo, edition=edition, by=representative)
    services.submission_save(submission=draft, by=representative, answers={"eco_api": AnswerInput("yes")})
    with pytest.raises(ValidationError, match="eco_api"):
        services.submission_submit(submission=draft, by=representative)
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT


def test_only_submitted_submissions_are_published_or_returned(edition, espoo, representative, editor):
    draft = services.submission_start(authority=espoo, edition=edition, by=representative)
    with pytest.raises(ValidationError):
        services.submission_publish(submission=draft, by=editor)
    with pytest.raises(ValidationError):
        services.submission_return(submission=draft, by=editor, comments={"eco_api": "?"})
    services.submission_submit(submission=draft, by=representative)
    with pytest.raises(ValidationError, match="comment"):
        services.submission_return(submission=draft, by=editor, comments={"eco_api": "  "})


# --- Superseding and starting a correction ----------------------------------------------------------


def test_supersede_keeps_the_old_version_unchanged(edition, espoo, representative, editor):
    v1 = published(
        authority=espoo,
        edition=edition,
        by=representative,
        editor=editor,
        yes_codes=codes(edition, "1.1", "2.1"),
        background={"annual_budget_eur": 900_000_000},
    )
    v1.refresh_from_db()
    v1_answers = list(
        v1.answers.order_by("indicator_id").values_list("indicator_id", "value", "evidence_text")
    )
    v1_results = list(
        v1.results.order_by("subpillar_id").values_list("subpillar_id", "yes", "total", "value")
    )
    v1_state = (v1.version, v1.overall, v1.percent, v1.published_at, v1.published_by_id, v1.annual_budget_eur)
    assert (v1.percent, v1.rank) == (17, 1)  # (1 + 1) / 12 = 0.167

    v2 = submitted(
        authority=espoo, edition=edition, by=representative, yes_codes=codes(edition, "1.1", "2.1", "3.1")
    )
    assert v2.version == 2
    services.submission_publish(submission=v2, by=editor)

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v1.rank) == (Submission.Status.SUPERSEDED, None)
    assert (
        v1.version,
        v1.overall,
        v1.percent,
        v1.published_at,
        v1.published_by_id,
        v1.annual_budget_eur,
    ) == v1_state
    assert list(
        v1.answers.order_by("indicator_id").values_list("indicator_id", "value", "evidence_text")
    ) == (v1_answers)
    assert list(v1.results.order_by("subpillar_id").values_list("subpillar_id", "yes", "total", "value")) == (
        v1_results
    )
    assert (v2.status, v2.percent, v2.rank) == (Submission.Status.PUBLISHED, 25, 1)
    assert Submission.objects.filter(authority=espoo, status="published").get() == v2
    entry = ModelLogEntry.objects.get(action="benchmarks.submission.supersede")
    assert entry.object_id == str(v1.pk) and entry.data == {"superseded_by_version": 2}


def test_submission_start_copies_the_published_answers_into_a_new_draft(
    edition, espoo, representative, editor
):
    v1 = published(
        authority=espoo,
        edition=edition,
        by=representative,
        editor=editor,
        yes_codes=codes(edition, "1.3"),
        background={"employees": 3_100, "api_users_per_month": 12_000},
    )
    draft = services.submission_start(authority=espoo, edition=edition, by=representative)
    assert (draft.version, draft.status, draft.created_by) == (2, Submission.Status.DRAFT, representative)
    assert (draft.employees, draft.api_users_per_month, draft.population) == (3_100, 12_000, 305_000)
    fields = ("indicator__code", "value", "evidence_text", "evidence_url")
    assert sorted(draft.answers.values_list(*fields)) == sorted(v1.answers.values_list(*fields))
    assert draft.answers.get(indicator__code="eco_api").evidence_url == "https://example.org/eco_api"
    assert services.submission_start(authority=espoo, edition=edition, by=representative) == draft  # one open
    services.submission_save(submission=draft, by=representative, answers={"eco_api": AnswerInput("no")})
    assert v1.answers.get(indicator__code="eco_api").value == Answer.Value.YES  # the copy is independent


def test_submission_start_refuses_a_closed_edition(edition, espoo, representative):
    edition.is_open = False
    edition.save()
    with pytest.raises(ValidationError, match="closed"):
        services.submission_start(authority=espoo, edition=edition, by=representative)
    assert not Submission.objects.exists()


# --- Scoring and ranking -----------------------------------------------------------------------------

WORKED = {
    "1.1": (3, 4), "1.2": (2, 6), "1.3": (1, 3), "2.1": (5, 5), "2.2": (2, 5), "2.3": (1, 4),
    "2.4": (3, 3), "2.5": (1, 2), "2.6": (0, 3), "3.1": (2, 2), "3.2": (1, 2), "3.3": (0, 2),
}  # fmt: skip


def published_points(authority, edition, points) -> Submission:
    submission = SubmissionFactory(
        authority=authority, edition=edition, status=Submission.Status.PUBLISHED, source="import_points"
    )
    services.store_points(submission=submission, points=points)
    return submission


def test_rerank_ties_on_displayed_percent_1_1_3(edition):
    ghent = published_points(AuthorityFactory(name="Ghent"), edition, {**WORKED, "2.6": (1, 3)})  # 0.533 53%
    espoo = published_points(AuthorityFactory(name="Espoo"), edition, {**WORKED, "2.2": (3, 5)})  # 0.522 52%
    lisbon = published_points(
        AuthorityFactory(name="Lisbon"), edition, {**WORKED, "2.3": (2, 4)}
    )  # 0.526 53%
    porto = published_points(AuthorityFactory(name="Porto"), edition, WORKED)  # 0.505 51%
    services.edition_rerank(edition=edition)
    stored = {
        s.authority.name: (s.overall, s.percent, s.rank)
        for s in Submission.objects.filter(edition=edition).select_related("authority")
    }
    assert stored == {
        "Ghent": (Decimal("0.533"), 53, 1),
        "Lisbon": (Decimal("0.526"), 53, 1),
        "Espoo": (Decimal("0.522"), 52, 3),
        "Porto": (Decimal("0.505"), 51, 4),
    }
    # A correction moves Porto to the top; the others follow.
    porto.status = Submission.Status.SUPERSEDED
    porto.rank = None
    porto.save()
    published_points(porto.authority, edition, {k: (n, n) for k, (_y, n) in WORKED.items()})
    services.edition_rerank(edition=edition)
    assert dict(
        Submission.objects.filter(edition=edition, status="published").values_list("authority__name", "rank")
    ) == {"Porto": 1, "Ghent": 2, "Lisbon": 2, "Espoo": 4}
    assert espoo.pk and ghent.pk and lisbon.pk


def test_submission_score_counts_na_and_no_in_the_denominator(edition, espoo, representative, editor):
    submission = services.submission_start(authority=espoo, edition=edition, by=representative)
    services.submission_save(
        submission=submission,
        by=representative,
        answers={"eco_api": yes("eco_api"), "eco_eid": AnswerInput("no")},  # eco_collaboration stays NA
    )
    score = services.submission_score(submission=submission)
    result = submission.results.get(subpillar__key="1.3")
    assert (result.yes, result.total, result.value, result.band) == (1, 3, Decimal("0.33"), "low")
    assert (score.overall, score.percent) == (Decimal("0.028"), 3)  # 0.33 / 12 = 0.0275 -> 0.028


# --- Editions ----------------------------------------------------------------------------------------


def test_edition_copy_copies_the_framework_and_rejects_a_duplicate_revision(edition, editor):
    copy = services.edition_copy(source=edition, revision=" 2025 ", by=editor)
    assert (copy.revision, copy.title, copy.is_open, copy.framework) == (
        "2025",
        f"{edition.framework.name} 2025",
        True,
        edition.framework,
    )
    assert Pillar.objects.filter(edition=copy).count() == 3
    assert SubPillar.objects.filter(edition=copy).count() == 12
    assert Indicator.objects.filter(edition=copy).count() == 41
    original = list(edition.indicators.values_list("subpillar__key", "code", "question", "sort_order"))
    assert list(copy.indicators.values_list("subpillar__key", "code", "question", "sort_order")) == original
    assert all(sp.pillar.edition_id == copy.pk for sp in copy.subpillars.select_related("pillar"))
    assert ModelLogEntry.objects.filter(action="benchmarks.edition.copy", object_id=str(copy.pk)).exists()
    for revision in ("2025", "2023", "  "):
        with pytest.raises(ValidationError):
            services.edition_copy(source=edition, revision=revision, by=editor)
    assert Edition.objects.filter(framework=edition.framework).count() == 3
    assert Indicator.objects.filter(edition__revision="2025").count() == 41
