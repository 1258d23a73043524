"""The benchmark demo data: illustrative results of the 26 founding authorities (benchmarks.demo)."""

import io
import random
import statistics
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from benchmarks import demo, services
from benchmarks.demo import FOUNDING_AUTHORITIES, ILLUSTRATIVE
from benchmarks.models import Answer, Authority, Submission, SubPillarResult
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "submissions": Submission.objects.count(),
        "answers": Answer.objects.count(),
        "results": SubPillarResult.objects.count(),
        "log": ModelLogEntry.objects.count(),
        "authorities": Authority.objects.count(),
    }


def published(revision: str):
    return Submission.objects.filter(edition__revision=revision, status=Submission.Status.PUBLISHED)


def test_load_demo_publishes_both_editions_with_a_draft_and_a_pending_correction():
    out = io.StringIO()
    call_command("load_demo", "--seed", "7", stdout=out)
    assert "benchmark results: 52 published, 1 draft, 1 awaiting validation" in out.getvalue()
    for revision, indicators in (("2022", 39), ("2023", 41)):
        submissions = published(revision).select_related("authority")
        assert submissions.count() == 26
        assert {s.authority.name for s in submissions} == {f.name for f in FOUNDING_AUTHORITIES}
        assert all(s.answers.count() == indicators for s in submissions)
        assert all(s.results.count() == 12 and s.rank is not None for s in submissions)
        for s in submissions:
            per_inhabitant = s.annual_budget_eur / s.population
            assert 1_990 <= per_inhabitant <= 4_510, s
            assert s.population == s.authority.population
            assert s.employees > 0 and s.ict_specialists_in_house_fte > 0 and s.api_users_per_month > 0
            assert s.published_by.email == "editor@example.org"

    # Illustrative evidence on every Yes, linking to the authority's own website.
    yes = Answer.objects.filter(value=Answer.Value.YES).select_related("submission__authority")
    assert yes.count() > 500
    for answer in yes:
        assert answer.evidence_text.startswith(ILLUSTRATIVE)
        assert answer.evidence_url == answer.submission.authority.website.rstrip("/") + "/"
    assert (
        not Answer.objects.exclude(evidence_text="").exclude(evidence_text__startswith=ILLUSTRATIVE).exists()
    )

    # Real variety: strong and weak sub-pillars, a wide spread, 2023 a little better, a tie in 2023.
    for revision in ("2022", "2023"):
        percents = list(published(revision).values_list("percent", flat=True))
        assert max(percents) - min(percents) >= 30
        spreads = []
        for s in published(revision):
            values = list(s.results.values_list("value", flat=True))
            spreads.append(max(values) - min(values))
        assert statistics.median(spreads) >= 0.5
    assert statistics.mean(published("2023").values_list("percent", flat=True)) > statistics.mean(
        published("2022").values_list("percent", flat=True)
    )
    ranks = Counter(published("2023").values_list("rank", flat=True))
    assert any(n > 1 for n in ranks.values())

    # Espoo's correction draft, started by its representative with a few answers changed.
    espoo_draft = Submission.objects.get(authority__name="Espoo", edition__revision="2023", status="draft")
    espoo_published = published("2023").get(authority__name="Espoo")
    assert (espoo_draft.version, espoo_published.version) == (2, 1)
    assert espoo_draft.created_by.email == "representative@espoo.example.org"
    draft_answers = dict(espoo_draft.answers.values_list("indicator__code", "value"))
    published_answers = dict(espoo_published.answers.values_list("indicator__code", "value"))
    changed = {code for code in draft_answers if draft_answers[code] != published_answers[code]}
    assert len(changed) == 3 and all(draft_answers[code] == "yes" for code in changed)

    # Ghent's correction awaits validation, complete with evidence: an editor can approve it.
    ghent = Submission.objects.get(authority__name="Ghent", edition__revision="2023", status="submitted")
    assert (ghent.version, ghent.created_by, ghent.submitted_at is not None) == (2, None, True)
    assert services.missing_evidence(submission=ghent) == []

    # A second run adds nothing and changes nothing.
    before = counts()
    scores = sorted(Submission.objects.values_list("pk", "status", "percent", "rank"))
    out = io.StringIO()
    call_command("load_demo", "--seed", "7", stdout=out)
    assert "benchmark results: 0 published, 0 draft, 0 awaiting validation" in out.getvalue()
    assert counts() == before
    assert sorted(Submission.objects.values_list("pk", "status", "percent", "rank")) == scores

    editor = get_user_model().objects.get(email="editor@example.org")
    services.submission_publish(submission=ghent, by=editor)
    assert published("2023").get(authority__name="Ghent").version == 2


def _authorities_and_logins():
    portal_demo.ensure_demo_users(rng=random.Random(0))
    demo.load_authorities(rng=random.Random(0))


def _percents():
    return sorted(Submission.objects.values_list("authority__name", "edition__revision", "status", "percent"))


def test_results_are_deterministic_per_seed_and_leave_the_shared_rng_alone():
    _authorities_and_logins()
    rng = random.Random(11)
    state = rng.getstate()
    demo.load_submissions(rng=rng)
    assert rng.getstate() == state
    first = _percents()
    Submission.objects.all().delete()
    demo.load_submissions(rng=random.Random(11))
    assert _percents() == first
    Submission.objects.all().delete()
    demo.load_submissions(rng=random.Random(12))
    assert _percents() != first


def test_a_tie_is_forced_when_the_draw_has_none():
    indicators = [demo._Indicator(code=f"q{i}", subpillar=f"1.{i % 3}", question="Q?") for i in range(9)]
    answers = {
        "A": {f"q{i}": "yes" for i in range(9)},
        "B": {f"q{i}": "yes" if i < 5 else "no" for i in range(9)},
        "C": {f"q{i}": "yes" if i < 2 else "no" for i in range(9)},
    }
    percents = {name: demo._score(a, indicators).percent for name, a in answers.items()}
    assert len(set(percents.values())) == 3
    demo._force_a_tie(answers, indicators=indicators)
    percents = [demo._score(a, indicators).percent for a in answers.values()]
    assert len(set(percents)) == 2
