"""Demo content of the benchmarks app: the 26 founding authorities, the dashboard page and their results.

The results are illustrative, not the real answers of these authorities: every evidence text starts with
"Illustrative demo data:" and every evidence link points to the authority's website root.
"""

import random
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple, TextIO

from django.contrib.auth import get_user_model
from wagtail.models import Page

from portal.demo import ensure_child_page

from . import scoring, services
from .factories import AuthorityFactory, DashboardPageFactory
from .importing import AnswerSet, answers_publish_bulk
from .models import Authority, Edition, Submission


class FoundingAuthority(NamedTuple):
    name: str
    country: str
    kind: str
    population: int
    website: str


CITY, REGION = Authority.Kind.CITY, Authority.Kind.REGION

# The 26 founding cities and regions of the UserCentriCities community. Populations are rounded recent
# official figures (city proper for cities, whole territory for regions).
FOUNDING_AUTHORITIES: tuple[FoundingAuthority, ...] = (
    FoundingAuthority("Espoo", "FI", CITY, 305_000, "https://www.espoo.fi"),
    FoundingAuthority("Milan", "IT", CITY, 1_371_000, "https://www.comune.milano.it"),
    FoundingAuthority("Murcia", "ES", CITY, 471_000, "https://www.murcia.es"),
    FoundingAuthority("Rotterdam", "NL", CITY, 664_000, "https://www.rotterdam.nl"),
    FoundingAuthority("Tallinn", "EE", CITY, 457_000, "https://www.tallinn.ee"),
    FoundingAuthority("Emilia-Romagna", "IT", REGION, 4_430_000, "https://www.regione.emilia-romagna.it"),
    FoundingAuthority("Arezzo", "IT", CITY, 97_000, "https://www.comune.arezzo.it"),
    FoundingAuthority("Barcelona", "ES", CITY, 1_660_000, "https://www.barcelona.cat"),
    FoundingAuthority("Catalonia", "ES", REGION, 8_000_000, "https://web.gencat.cat"),
    FoundingAuthority("Brussels-Capital Region", "BE", REGION, 1_240_000, "https://be.brussels"),
    FoundingAuthority("Ghent", "BE", CITY, 265_000, "https://stad.gent"),
    FoundingAuthority("Glasgow", "GB", CITY, 635_000, "https://www.glasgow.gov.uk"),
    FoundingAuthority("Gothenburg", "SE", CITY, 600_000, "https://goteborg.se"),
    FoundingAuthority("Helsinki", "FI", CITY, 674_000, "https://www.hel.fi"),
    FoundingAuthority("Kronoberg Region", "SE", REGION, 203_000, "https://www.regionkronoberg.se"),
    FoundingAuthority("Kyiv", "UA", CITY, 2_950_000, "https://kyivcity.gov.ua"),
    FoundingAuthority("Lisbon", "PT", CITY, 548_000, "https://www.lisboa.pt"),
    FoundingAuthority("Ljubljana", "SI", CITY, 295_000, "https://www.ljubljana.si"),
    FoundingAuthority("Madrid", "ES", CITY, 3_330_000, "https://www.madrid.es"),
    FoundingAuthority("Mataró", "ES", CITY, 129_000, "https://www.mataro.cat"),
    FoundingAuthority("Olesa de Montserrat", "ES", CITY, 24_000, "https://www.olesademontserrat.cat"),
    FoundingAuthority("Paris", "FR", CITY, 2_100_000, "https://www.paris.fr"),
    FoundingAuthority("Porto", "PT", CITY, 232_000, "https://www.porto.pt"),
    FoundingAuthority("Riga", "LV", CITY, 605_000, "https://www.riga.lv"),
    FoundingAuthority("Terrassa", "ES", CITY, 225_000, "https://www.terrassa.cat"),
    FoundingAuthority("Utrecht", "NL", CITY, 367_000, "https://www.utrecht.nl"),
)

DEMO_REPRESENTATIVES = {"representative@espoo.example.org": "Espoo"}


def load_authorities(*, rng: random.Random) -> list[Authority]:
    del rng  # the founding authorities are facts, not random
    authorities = []
    for founding in FOUNDING_AUTHORITIES:
        authority = AuthorityFactory(
            name=founding.name,
            country=founding.country,
            kind=founding.kind,
            population=founding.population,
            website=founding.website,
            email_domain=founding.website.split("//", 1)[1].removeprefix("www.").removeprefix("web."),
        )
        authorities.append(authority)
    User = get_user_model()
    for email, name in DEMO_REPRESENTATIVES.items():
        user = User.objects.filter(email=email).first()
        if user is not None:
            Authority.objects.get(name=name).representatives.add(user)
    return authorities


def load_pages(*, home: Page, rng: random.Random) -> Page:
    del rng
    return ensure_child_page(
        home,
        DashboardPageFactory,
        slug="dashboard",
        title="Benchmark dashboard",
        introduction="How user-centric are the digital public services of Europe's cities and regions? "
        "The ranking, pillar by pillar, from the answers authorities gave with evidence.",
    )


# --- Benchmark results ---------------------------------------------------------------------------------

ILLUSTRATIVE = "Illustrative demo data:"
DEMO_EDITIONS = ("2022", "2023")
DEMO_EDITOR = "editor@example.org"
DRAFT_AUTHORITY = ("Espoo", "representative@espoo.example.org")  # a correction draft in 2023
SUBMITTED_AUTHORITY = "Ghent"  # a 2023 correction awaiting validation


class _Indicator(NamedTuple):
    code: str
    subpillar: str
    question: str


def load_submissions(*, rng: random.Random, stdout: TextIO | None = None) -> dict[str, int]:
    """Publish illustrative results of the founding authorities for the 2022 and 2023 editions.

    Each authority has a latent maturity plus strong and weak sub-pillars; 2023 builds on 2022 and is a
    little better. Authority/edition pairs that already have a published result are left alone, so a
    second run adds nothing. Also starts Espoo's 2023 correction draft and a Ghent correction awaiting
    validation. The shared ``rng`` is not advanced: the other apps' demo data does not depend on this.
    """
    local = random.Random()
    local.setstate(rng.getstate())
    local.seed(local.getrandbits(64))
    editions = {
        e.revision: e for e in Edition.objects.filter(framework__key="ucc", revision__in=DEMO_EDITIONS)
    }
    authorities = {
        a.name: a for a in Authority.objects.filter(name__in=[f.name for f in FOUNDING_AUTHORITIES])
    }
    founding = [f for f in FOUNDING_AUTHORITIES if f.name in authorities]
    editor = get_user_model().objects.filter(email=DEMO_EDITOR).first()
    counts = {"published": 0, "draft": 0, "submitted": 0}
    if len(editions) != len(DEMO_EDITIONS):
        return counts

    indicators = {
        revision: [
            _Indicator(i.code, i.subpillar.key, i.question)
            for i in edition.indicators.select_related("subpillar").order_by(
                "subpillar__sort_order", "sort_order"
            )
        ]
        for revision, edition in editions.items()
    }
    # Every draw happens, in a fixed order, whether or not a result is created: deterministic per seed.
    answers = _draw_answers(local, founding=founding, indicators=indicators)
    _force_a_tie(answers["2023"], indicators=indicators["2023"])
    background = _draw_background(local, founding=founding)

    for revision, edition in editions.items():
        done = set(
            Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED).values_list(
                "authority__name", flat=True
            )
        )
        answer_sets = [
            AnswerSet(
                authority=authorities[f.name],
                answers=_answer_inputs(authorities[f.name], answers[revision][f.name], indicators[revision]),
                background=background[revision][f.name],
            )
            for f in founding
            if f.name not in done
        ]
        if answer_sets:
            answers_publish_bulk(edition=edition, answer_sets=answer_sets, by=editor)
            counts["published"] += len(answer_sets)
    counts["draft"] = _start_correction_draft(edition=editions["2023"])
    counts["submitted"] = _submit_correction(edition=editions["2023"])
    if stdout is not None:
        stdout.write(
            f"  benchmark results: {counts['published']} published, {counts['draft']} draft, "
            f"{counts['submitted']} awaiting validation"
        )
    return counts


def _draw_answers(
    rng: random.Random, *, founding: list[FoundingAuthority], indicators: dict[str, list[_Indicator]]
) -> dict[str, dict[str, dict[str, str]]]:
    """revision -> authority name -> indicator code -> yes/no/na."""
    subpillar_keys = sorted({i.subpillar for items in indicators.values() for i in items})
    codes = sorted({i.code for items in indicators.values() for i in items})
    # Some indicators are hard for everyone (measuring money saved), some easy (eID reuse).
    difficulty = {code: rng.gauss(0, 0.15) for code in codes}
    result: dict[str, dict[str, dict[str, str]]] = {revision: {} for revision in indicators}
    for authority in founding:
        maturity = min(0.88, max(0.18, rng.gauss(0.52, 0.16)))
        strength = {key: rng.gauss(0, 0.15) for key in subpillar_keys}
        strong, weak = rng.sample(subpillar_keys, 2)
        strength[strong] += 0.3
        strength[weak] -= 0.35
        draws = {code: (rng.random(), rng.random(), rng.random()) for code in codes}
        previous: dict[str, str] = {}
        for revision in sorted(indicators):
            gain = 0.0 if not previous else 0.07
            answers = {}
            for indicator in indicators[revision]:
                keep, chance, na = draws[indicator.code]
                if previous.get(indicator.code) == "yes" and keep < 0.94:
                    answers[indicator.code] = "yes"
                    continue
                p = maturity + strength[indicator.subpillar] - difficulty[indicator.code] + gain
                if chance < min(0.97, max(0.03, p)):
                    answers[indicator.code] = "yes"
                else:
                    answers[indicator.code] = "na" if na < 0.04 else "no"
            result[revision][authority.name] = answers
            previous = answers
    return result


def _score(answers: dict[str, str], indicators: list[_Indicator]) -> scoring.Score:
    by_subpillar: dict[str, list[str]] = defaultdict(list)
    for indicator in indicators:
        by_subpillar[indicator.subpillar].append(answers[indicator.code])
    return scoring.score_answers(answers_by_subpillar=by_subpillar)


def _force_a_tie(answers: dict[str, dict[str, str]], *, indicators: list[_Indicator]) -> None:
    """Make sure the ranking shows shared ranks: if no two authorities show the same percentage, the
    closest pair gets identical answers."""
    scored = sorted(((_score(a, indicators).overall, name) for name, a in answers.items()), reverse=True)
    percents = [scoring.displayed_percent(overall=overall) for overall, _name in scored]
    if len(set(percents)) < len(percents) or len(scored) < 2:
        return
    gaps = [(scored[i][0] - scored[i + 1][0], i) for i in range(len(scored) - 1)]
    _gap, i = min(gaps)
    answers[scored[i + 1][1]] = dict(answers[scored[i][1]])


def _answer_inputs(
    authority: Authority, answers: dict[str, str], indicators: list[_Indicator]
) -> dict[str, services.AnswerInput]:
    url = authority.website.rstrip("/") + "/" if authority.website else ""
    return {
        i.code: services.AnswerInput(
            value=answers[i.code],
            evidence_text=_evidence(authority, i) if answers[i.code] == "yes" else "",
            evidence_url=url if answers[i.code] == "yes" else "",
        )
        for i in indicators
    }


def _evidence(authority: Authority, indicator: _Indicator) -> str:
    question = indicator.question.rstrip(".")
    return f"{ILLUSTRATIVE} for {authority.name}, {question[:1].lower()}{question[1:]}."


def _draw_background(rng: random.Random, *, founding: list[FoundingAuthority]) -> dict[str, dict[str, dict]]:
    """revision -> authority name -> background figures, 2023 a little above 2022."""
    result: dict[str, dict[str, dict]] = {revision: {} for revision in DEMO_EDITIONS}
    for authority in founding:
        population = authority.population
        per_inhabitant = rng.uniform(2_000, 4_200)
        staff_ratio = rng.uniform(0.008, 0.025) if authority.kind == CITY else rng.uniform(0.002, 0.006)
        ict_share = rng.uniform(0.008, 0.025)
        outsourced = rng.uniform(0.3, 1.5)
        api_share = rng.uniform(0.002, 0.05)
        growth = rng.uniform(1.01, 1.06)
        for year, factor in (("2022", 1.0), ("2023", growth)):
            employees = round(population * staff_ratio * factor, -1)
            in_house = employees * ict_share
            result[year][authority.name] = {
                "population": population,
                "annual_budget_eur": int(round(population * per_inhabitant * factor, -5)),
                "employees": int(employees),
                "ict_specialists_in_house_fte": Decimal(f"{in_house:.1f}"),
                "ict_specialists_subcontracted_fte": Decimal(f"{in_house * outsourced:.1f}"),
                "api_users_per_month": int(round(population * api_share * factor, -2)),
            }
    return result


def _open_submission(*, authority: Authority, edition: Edition) -> Submission | None:
    return Submission.objects.filter(
        authority=authority, edition=edition, status__in=Submission.OPEN_STATUSES
    ).first()


def _corrections(submission: Submission, *, count: int, note: str) -> dict[str, services.AnswerInput]:
    """The first `count` No/NA answers of a published submission turned into Yes, with evidence."""
    url = submission.authority.website.rstrip("/") + "/" if submission.authority.website else ""
    changes = {}
    for answer in submission.answers.select_related("indicator", "indicator__subpillar").order_by(
        "indicator__subpillar__sort_order", "indicator__sort_order"
    ):
        if answer.value != "yes" and len(changes) < count:
            indicator = _Indicator(
                answer.indicator.code, answer.indicator.subpillar.key, answer.indicator.question
            )
            changes[indicator.code] = services.AnswerInput(
                value="yes",
                evidence_text=f"{_evidence(submission.authority, indicator)} {note}",
                evidence_url=url,
            )
    return changes


def _start_correction_draft(*, edition: Edition) -> int:
    """Espoo's representative has started a 2023 correction: a draft with a few answers changed."""
    name, email = DRAFT_AUTHORITY
    authority = Authority.objects.filter(name=name).first()
    user = get_user_model().objects.filter(email=email).first()
    if authority is None or user is None or not edition.is_open:
        return 0
    if _open_submission(authority=authority, edition=edition) is not None:
        return 0
    published = Submission.objects.filter(
        authority=authority, edition=edition, status=Submission.Status.PUBLISHED
    ).first()
    if published is None or not authority.representatives.filter(pk=user.pk).exists():
        return 0
    draft = services.submission_start(authority=authority, edition=edition, by=user)
    changes = _corrections(published, count=3, note="New since the published version (draft).")
    services.submission_save(submission=draft, by=user, answers=changes)
    return 1


def _submit_correction(*, edition: Edition) -> int:
    """Ghent sent a 2023 correction that awaits an editor's validation."""
    authority = Authority.objects.filter(name=SUBMITTED_AUTHORITY).first()
    if authority is None or _open_submission(authority=authority, edition=edition) is not None:
        return 0
    published = Submission.objects.filter(
        authority=authority, edition=edition, status=Submission.Status.PUBLISHED
    ).first()
    if published is None:
        return 0
    current = {
        a.indicator.code: services.AnswerInput(a.value, a.evidence_text, a.evidence_url)
        for a in published.answers.select_related("indicator")
    }
    current.update(_corrections(published, count=2, note="Corrected after the 2023 publication."))
    answers_publish_bulk(
        edition=edition,
        answer_sets=[
            AnswerSet(
                authority=authority,
                answers=current,
                background={name: getattr(published, name) for name in Submission.BACKGROUND_FIELDS},
            )
        ],
        status=Submission.Status.SUBMITTED,
        action="benchmarks.submission.submit",
    )
    return 1
