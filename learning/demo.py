"""Demo content of the learning app: the brief and toolkit sections, 3 policy briefs and 12 toolkit entries.

Illustrative content: the briefs' authors are invented people at the community's real founding partners, and
the briefs' figures come from live benchmark widgets (the demo's illustrative results), never from the text.
Idempotent: pages are found by slug and left alone when they exist.
"""

import datetime
import json
import random

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page

from benchmarks.models import Authority, Edition, SubPillar
from portal.demo import ensure_child_page
from portal.principles import Principle
from practices.models import PracticeCasePage

from .factories import (
    PolicyBriefIndexPageFactory,
    PolicyBriefPageFactory,
    ToolkitEntryPageFactory,
    ToolkitIndexPageFactory,
)
from .models import (
    PolicyBriefAuthor,
    PolicyBriefIndexPage,
    PolicyBriefPage,
    ToolkitEntryPage,
    ToolkitIndexPage,
    ToolkitTemplate,
)

EDITION = "2023"


def load_pages(*, home: Page, rng: random.Random) -> dict[str, Page]:
    del rng
    pages = {
        "briefs": ensure_child_page(
            home,
            PolicyBriefIndexPageFactory,
            slug="policy-briefs",
            title="Policy briefs",
            introduction="Short analyses of what the benchmark shows and what local leaders can do about it.",
        ),
        "toolkit": ensure_child_page(
            home,
            ToolkitIndexPageFactory,
            slug="toolkit",
            title="Toolkit",
            introduction="Methods, guides and templates for designing, testing and measuring services with "
            "their users.",
        ),
    }
    load_briefs(index=pages["briefs"])
    load_toolkit(index=pages["toolkit"])
    return pages


# --- Policy briefs ------------------------------------------------------------------------------------


def _p(*paragraphs: str) -> dict:
    return {"type": "paragraph_block", "value": "".join(f"<p>{text}</p>" for text in paragraphs)}


def _h(text: str, level: str = "h2") -> dict:
    return {"type": "heading_block", "value": {"text": text, "level": level}}


def _quote(text: str, attribution: str) -> dict:
    return {"type": "quote_block", "value": {"text": text, "attribution": attribution}}


def _table(caption: str, headings: list[str], rows: list[list[str]]) -> dict:
    return {
        "type": "table_block",
        "value": {
            "caption": caption,
            "columns": [{"type": "text", "heading": heading} for heading in headings],
            "rows": [{"values": row} for row in rows],
        },
    }


def _authority_ids(*names: str) -> list[int]:
    ids = dict(Authority.objects.filter(name__in=names).values_list("name", "pk"))
    return [ids[name] for name in names if name in ids]


def _brief_specs() -> list[dict]:
    espoo, tallinn, ghent, milan = (_authority_ids(n) for n in ("Espoo", "Tallinn", "Ghent", "Milan"))
    comparison = espoo + tallinn + ghent + milan
    return [
        {
            "slug": "state-of-local-user-centricity-2023",
            "title": "The state of local user-centricity in 2023",
            "date": datetime.date(2023, 11, 15),
            "introduction": "Twenty-six cities and regions answered 41 yes/no questions with evidence. Most "
            "have the strategies; far fewer test their services with users or measure what citizens save.",
            "authors": [
                ("Marta Ferreira", "The Lisbon Council"),
                ("Jonas Vermeulen", "Eurocities"),
                ("Aino Lehtonen", "VTT Technical Research Centre of Finland"),
            ],
            "tags": ["benchmark", "usability", "user research"],
            "case_subpillars": ["2.1", "2.3"],
            "body": [
                _p(
                    "The 2023 edition of the UserCentriCities benchmark asked every authority the same "
                    "questions, from whether it employs service designers to whether it measures the time "
                    "citizens save online. Each Yes had to come with evidence, checked by the editors.",
                    "The top of the ranking below is read live from the published results.",
                ),
                {"type": "ranking_excerpt_block", "value": {"edition": EDITION, "top": 5}},
                _h("Strategies are in place; practice lags behind"),
                _p(
                    "Almost every authority has a recent digital strategy and a chief digital officer. The "
                    "gap opens in the User-Centricity Performance pillar: fewer authorities do user research "
                    "before every launch, and fewer still repeat it once the service is live.",
                ),
                _table(
                    "Where authorities stand, and where to start",
                    ["Sub-pillar", "What the leaders do", "A first step"],
                    [
                        [
                            "2.1 Co-creation",
                            "Research with users before every new service, including disadvantaged groups",
                            "Run one co-design workshop on the next service you launch",
                        ],
                        [
                            "2.3 Useability",
                            "Measure usability with a standard scale and publish the results",
                            "Add the System Usability Scale to your next release",
                        ],
                        [
                            "3.2 Reduction of burden",
                            "Measure the time and money saved by each digital service",
                            "Time one paper and one online application end to end",
                        ],
                    ],
                ),
                _quote(
                    "We stopped asking which channel was cheapest and started asking which one people "
                    "finished. The answer changed our budget.",
                    "Head of digital services of a founding city (interview, 2023)",
                ),
                _h("What local leaders can do"),
                {
                    "type": "paragraph_block",
                    "value": "<ol><li>Make user research a condition of funding a new service.</li>"
                    "<li>Adopt a service standard and check services against it.</li>"
                    "<li>Measure outcomes, not only supply: take-up, time saved, satisfaction.</li></ol>",
                },
            ],
        },
        {
            "slug": "proactive-services",
            "title": "Proactive services: delivering before citizens ask",
            "date": datetime.date(2024, 3, 12),
            "introduction": "A proactive service uses data the administration already holds to grant a "
            "benefit or a right without an application. Few authorities run one yet; those that do save "
            "their residents hours.",
            "authors": [("Aino Lehtonen", "VTT Technical Research Centre of Finland")],
            "tags": ["proactive services", "life events", "once-only"],
            "case_subpillars": ["2.2", "3.2"],
            "body": [
                _p(
                    "The benchmark's question is simple: does at least one service enrol people "
                    "automatically, from data already held? Behind it lies a change of mindset, from "
                    "services that wait for an application to services organised around life events: "
                    "a birth, a move, starting school, retiring.",
                ),
                _h("How the leaders compare"),
                _p("Four founding authorities side by side, live from the benchmark."),
                {"type": "comparison_widget_block", "value": {"edition": EDITION, "authorities": comparison}},
                _h("Three conditions for going proactive"),
                _table(
                    "Conditions and how to meet them",
                    ["Condition", "Why it matters", "How authorities meet it"],
                    [
                        [
                            "Legal basis",
                            "Data may only be reused for a defined purpose",
                            "A by-law that names the service",
                        ],
                        [
                            "Data quality",
                            "A wrong address means a benefit sent to the wrong home",
                            "A single register checked yearly",
                        ],
                        [
                            "A way to opt out",
                            "People keep control over decisions about them",
                            "A notification with a one-click refusal",
                        ],
                    ],
                ),
                _quote(
                    "The best application form is the one nobody has to fill in.",
                    "A common saying among proactive-service teams",
                ),
            ],
        },
        {
            "slug": "interoperability-once-only",
            "title": "Interoperability: applying the once-only principle locally",
            "date": datetime.date(2024, 9, 24),
            "introduction": "Interoperability entered the benchmark in 2023. Open standards, open source "
            "and the once-only principle are where cities and regions can act without waiting.",
            "authors": [("Jonas Vermeulen", "Eurocities"), ("Marta Ferreira", "The Lisbon Council")],
            "tags": ["interoperability", "once-only", "open source"],
            "case_subpillars": ["2.6"],
            "body": [
                _p(
                    "Citizens should not have to give the administration information it already has. The "
                    "2023 edition measures this with three questions: is the once-only principle applied, "
                    "are open standards required in procurement, and do policies encourage open source?",
                ),
                {
                    "type": "profile_widget_block",
                    "value": {"authority": (tallinn or [None])[0], "edition": EDITION},
                },
                _h("Start with procurement"),
                _p(
                    "The cheapest interoperability is bought in: requiring open standards and APIs in "
                    "every tender avoids the lock-in that makes data sharing expensive later.",
                ),
                _table(
                    "Open standards worth requiring",
                    ["Need", "Standard"],
                    [
                        ["Sharing data between systems", "Documented REST APIs (OpenAPI)"],
                        ["Identifying people", "The national eID, eIDAS-notified"],
                        ["Publishing open data", "DCAT-AP metadata, CSV and JSON"],
                    ],
                ),
            ],
        },
    ]


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and lines of text (Helvetica): the demo brief's printable version."""

    def escape(text: str) -> str:
        return (
            text.encode("latin-1", "replace")
            .decode("latin-1")
            .replace("\\", "\\\\")
            .replace("(", "\\(")
            .replace(")", "\\)")
        )

    content = ["BT /F1 18 Tf 56 780 Td (" + escape(title) + ") Tj ET"]
    y = 744
    for line in lines:
        content.append(f"BT /F1 11 Tf 56 {y} Td ({escape(line)}) Tj ET")
        y -= 16
    stream = "\n".join(content).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _document(title: str, filename: str, data: bytes):
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return existing
    document = Document(title=title)
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    return document


CASES_PER_BRIEF = 3


def _link_cases(brief: PolicyBriefPage, subpillar_keys: list[str]) -> None:
    """Relate the brief to the newest live practice cases on its sub-pillars, once (editors' choices stay)."""
    if brief.related_cases.exists():
        return
    cases = list(
        PracticeCasePage.objects.live()
        .filter(sub_pillars__key__in=subpillar_keys)
        .distinct()
        .order_by("-year_launched", "title")[:CASES_PER_BRIEF]
    )
    if cases:
        brief.related_cases.set(cases)
        brief.save_revision().publish()


def load_briefs(*, index: PolicyBriefIndexPage) -> None:
    for spec in _brief_specs():
        existing = index.get_children().filter(slug=spec["slug"]).first()
        if existing is not None:
            _link_cases(existing.specific, spec["case_subpillars"])
            continue
        pdf = _document(
            f"{spec['title']} (PDF)",
            f"{spec['slug']}.pdf",
            _pdf(
                spec["title"],
                [spec["introduction"][i : i + 90] for i in range(0, len(spec["introduction"]), 90)],
            ),
        )
        brief = PolicyBriefPageFactory.build(
            slug=spec["slug"],
            title=spec["title"],
            date=spec["date"],
            introduction=spec["introduction"],
            body=json.dumps(spec["body"]),
            pdf=pdf,
        )
        index.add_child(instance=brief)
        for order, (name, affiliation) in enumerate(spec["authors"]):
            brief.authors.add(PolicyBriefAuthor(name=name, affiliation=affiliation, sort_order=order))
        brief.tags.add(*spec["tags"])
        brief.save()
        brief.save_revision().publish()
        _link_cases(brief, spec["case_subpillars"])


# --- Toolkit ------------------------------------------------------------------------------------------

K, C, D = ToolkitEntryPage.Kind, ToolkitEntryPage.Category, ToolkitEntryPage.Difficulty
P = Principle

# slug, title, kind, category, difficulty, time, sub-pillar keys, principles, tags, introduction, steps,
# template (filename, content) or None
TOOLKIT: tuple[tuple, ...] = (
    (
        "personas-from-service-data",
        "Personas from real service data",
        K.METHOD,
        C.DESIGN_THINKING,
        D.INTRODUCTORY,
        "One day with 4-6 people",
        ["2.1", "1.1"],
        [P.CITIZEN_ENGAGEMENT, P.ACCESSIBILITY],
        ["user research", "personas"],
        "Build three to five personas from contact-centre logs, web analytics and interviews, so every team "
        "designs for the same people.",
        [
            "Collect six months of contact reasons and the top search terms.",
            "Interview eight residents who used the service last month.",
            "Cluster needs, not demographics, into personas.",
            "Test each persona with front-line staff.",
        ],
        None,
    ),
    (
        "life-event-journey-map",
        "Journey mapping a life event",
        K.METHOD,
        C.SERVICE_DESIGN,
        D.INTERMEDIATE,
        "Two half-day workshops",
        ["2.2", "3.2"],
        [P.BURDEN_REDUCTION, P.DIGITAL_DELIVERY],
        ["life events", "journey mapping"],
        "Map what a resident goes through when moving house or having a child, across every department and "
        "channel, to find the steps that can be removed.",
        [
            "Pick one life event and one resident profile.",
            "List every contact with the administration, online and offline.",
            "Mark the steps where the resident re-enters data the city already has.",
            "Agree on two steps to remove this year.",
        ],
        ("journey-map-template.csv", "stage,action,channel,department,pain point,data re-entered\n"),
    ),
    (
        "co-design-workshop-guide",
        "Running a co-design workshop",
        K.GUIDE,
        C.DESIGN_THINKING,
        D.INTRODUCTORY,
        "Half a day with 8-12 residents",
        ["2.1"],
        [P.CITIZEN_ENGAGEMENT],
        ["co-design", "user research"],
        "A step-by-step guide to inviting residents, including those who rarely take part, and turning their "
        "ideas into service changes.",
        [
            "Recruit through libraries, community centres and social workers, not only online.",
            "Pay or thank participants.",
            "Start from a real task, not from opinions.",
            "Report back what changed.",
        ],
        (
            "co-design-invitation.txt",
            "Invitation to a co-design workshop\nDate:\nPlace:\nWhat we will work on:\n",
        ),
    ),
    (
        "how-might-we-cards",
        "How-might-we framing cards",
        K.TEMPLATE,
        C.DESIGN_THINKING,
        D.INTRODUCTORY,
        "One hour",
        ["2.1", "1.2"],
        [P.CITIZEN_ENGAGEMENT, P.DIGITAL_INTERACTION],
        ["co-design", "service design"],
        "Printable cards that turn user problems into design questions a team can work on.",
        [
            "Write one user problem per card.",
            "Rephrase it as 'How might we...'.",
            "Vote on three questions to prototype.",
        ],
        ("how-might-we-cards.csv", "problem,how might we,owner\n"),
    ),
    (
        "rapid-prototyping",
        "Rapid prototyping with paper and clickable mock-ups",
        K.METHOD,
        C.DESIGN_THINKING,
        D.INTERMEDIATE,
        "Two to five days",
        ["2.3", "2.1"],
        [P.ACCESSIBILITY, P.DIGITAL_INTERACTION],
        ["prototyping", "usability"],
        "Test a service idea with five users before writing any code: paper first, then a clickable mock-up.",
        [
            "Sketch the three key screens on paper.",
            "Test with five users and note where they hesitate.",
            "Build a clickable mock-up of the revised flow.",
            "Test again and keep a log of changes.",
        ],
        None,
    ),
    (
        "service-blueprint",
        "Service blueprint template",
        K.TEMPLATE,
        C.SERVICE_DESIGN,
        D.INTERMEDIATE,
        "One day",
        ["2.2", "2.6"],
        [P.DIGITAL_DELIVERY, P.BURDEN_REDUCTION],
        ["service design", "interoperability"],
        "A blueprint links what the user sees with the back-office processes and systems behind it, so "
        "digitisation does not stop at the front door.",
        [
            "Write the user's steps along the top.",
            "Add front-stage and back-stage actions.",
            "Add the systems and data exchanged at each step.",
            "Mark hand-offs where data is typed in again.",
        ],
        ("service-blueprint.csv", "user step,front stage,back stage,system,data exchanged\n"),
    ),
    (
        "once-only-checklist",
        "Once-only data-sharing checklist",
        K.GUIDE,
        C.SERVICE_DESIGN,
        D.ADVANCED,
        "Several weeks (legal and technical)",
        ["2.6", "3.2"],
        [P.BURDEN_REDUCTION, P.PRIVACY],
        ["once-only", "interoperability"],
        "What to check before reusing data another department or the state already holds: legal basis, data "
        "quality, consent and the API.",
        [
            "Identify the data the form asks for that another register holds.",
            "Check the legal basis for reuse.",
            "Agree on an API and a data-quality owner.",
            "Tell users what was pre-filled and from where.",
        ],
        (
            "once-only-checklist.txt",
            "Once-only checklist\n[ ] legal basis\n[ ] data owner\n[ ] API\n[ ] user notice\n",
        ),
    ),
    (
        "plain-language-guide",
        "Plain-language content guide",
        K.GUIDE,
        C.SERVICE_DESIGN,
        D.INTRODUCTORY,
        "Two hours to learn, then ongoing",
        ["2.3", "1.2"],
        [P.ACCESSIBILITY],
        ["plain language", "accessibility"],
        "Rules and examples for writing service pages everyone understands, with a before-and-after test.",
        [
            "Lead with what the user can do.",
            "One idea per sentence, under 20 words.",
            "Replace legal terms with everyday words.",
            "Test the page with five readers.",
        ],
        None,
    ),
    (
        "sus-survey-kit",
        "System Usability Scale survey kit",
        K.TEMPLATE,
        C.EVALUATION,
        D.INTRODUCTORY,
        "One hour to set up",
        ["2.3", "3.3"],
        [P.ACCESSIBILITY],
        ["usability", "measurement"],
        "The ten-question System Usability Scale, ready to add at the end of an online service, "
        "with a sheet that computes the score.",
        [
            "Add the ten questions after the service's last step.",
            "Collect at least 30 answers.",
            "Compute the score (0-100) with the sheet.",
            "Publish the score and repeat after each release.",
        ],
        (
            "sus-questionnaire.csv",
            "question,strongly disagree,disagree,neutral,agree,strongly agree\n"
            "I think that I would like to use this service frequently,1,2,3,4,5\n",
        ),
    ),
    (
        "feedback-loop",
        "Closing the feedback loop",
        K.GUIDE,
        C.EVALUATION,
        D.INTERMEDIATE,
        "Set up in a month",
        ["2.5", "3.3"],
        [P.REDRESS, P.CITIZEN_ENGAGEMENT],
        ["feedback", "satisfaction"],
        "Collect structured feedback on every service, answer complaints online and show residents what "
        "changed because of them.",
        [
            "Add a two-question feedback form to every service.",
            "Route complaints to the owning team within a day.",
            "Publish a 'you said, we did' page each quarter.",
        ],
        None,
    ),
    (
        "measuring-take-up",
        "Measuring digital take-up",
        K.METHOD,
        C.EVALUATION,
        D.INTERMEDIATE,
        "Two weeks",
        ["3.1", "3.2"],
        [P.INCENTIVES, P.DIGITAL_DELIVERY],
        ["measurement", "open data"],
        "Count the share of transactions done online per service, and the time and money saved, and publish "
        "them on a dashboard.",
        [
            "List the services available online.",
            "Count transactions per channel for a year.",
            "Estimate the time saved per transaction.",
            "Publish the figures as open data.",
        ],
        (
            "take-up-dashboard.csv",
            "service,online transactions,offline transactions,minutes saved per transaction\n",
        ),
    ),
    (
        "accessibility-audit",
        "Accessibility audit against WCAG 2.2",
        K.METHOD,
        C.EVALUATION,
        D.ADVANCED,
        "One to two weeks per site",
        ["2.3", "1.1"],
        [P.ACCESSIBILITY],
        ["accessibility", "usability"],
        "Audit a site against WCAG 2.2 AA with automated and manual checks, and train the team to keep it "
        "compliant.",
        [
            "Run an automated checker on the 20 most used pages.",
            "Check keyboard use and screen readers by hand.",
            "Fix by severity and publish an accessibility statement.",
            "Train editors and developers.",
        ],
        None,
    ),
)


def _steps_body(steps: list[str]) -> str:
    items = "".join(f"<li>{step}</li>" for step in steps)
    return json.dumps(
        [
            {"type": "heading_block", "value": {"text": "How to do it", "level": "h2"}},
            {"type": "paragraph_block", "value": f"<ol>{items}</ol>"},
        ]
    )


def load_toolkit(*, index: ToolkitIndexPage) -> None:
    edition = Edition.objects.filter(framework__key="ucc", revision=EDITION).first()
    subpillars = {sp.key: sp for sp in SubPillar.objects.filter(edition=edition)} if edition else {}
    for (
        slug,
        title,
        kind,
        category,
        difficulty,
        time,
        keys,
        principles,
        tags,
        intro,
        steps,
        template,
    ) in TOOLKIT:
        if index.get_children().filter(slug=slug).exists():
            continue
        entry = ToolkitEntryPageFactory.build(
            slug=slug,
            title=title,
            kind=kind,
            category=category,
            difficulty=difficulty,
            time_needed=time,
            introduction=intro,
            body=_steps_body(steps),
        )
        index.add_child(instance=entry)
        entry.subpillars.set([subpillars[key] for key in keys if key in subpillars])
        for order, code in enumerate(principles):
            entry.principle_links.add(entry.principle_links.model(principle=code, sort_order=order))
        entry.tags.add(*tags)
        if template is not None:
            filename, text = template
            document = _document(f"{title}: template", filename, text.encode())
            entry.templates.add(ToolkitTemplate(document=document, sort_order=0))
        entry.save()
        entry.save_revision().publish()
