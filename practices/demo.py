"""Demo content of the practice library: the library page, 45 illustrative practice cases of the founding
authorities, and one case from the demo member awaiting the editors' review.

The cases are illustrative: inspired by the kind of services these authorities run, not an account of
them. Everything is deterministic for a seed, and idempotent (cases are found again by slug).
"""

from __future__ import annotations

import datetime
import random
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from benchmarks.models import Authority, SubPillar
from portal.demo import ensure_child_page
from portal.principles import Principle as P

from . import services
from .factories import PracticeCasePageFactory, PracticeIndexPageFactory
from .models import CaseStatus, LifeEvent, PracticeCasePage, PracticeIndexPage, ServiceArea

ILLUSTRATIVE = "Illustrative demo case."
DEMO_MEMBER = "member@example.org"
PENDING_TITLE = "Neighbourhood repair cafés booked online"


class DemoCase(NamedTuple):
    authorities: tuple[str, ...]
    title: str
    summary: str
    impact: str
    area: str
    life_event: str
    status: str
    year: int
    principles: tuple[str, ...]
    sub_pillars: tuple[str, ...]
    tags: tuple[str, ...]


A, L, S = ServiceArea, LifeEvent, CaseStatus

CASES: tuple[DemoCase, ...] = (
    DemoCase(
        ("Espoo",),
        "Proactive family benefits",
        "Parents of a newborn get a message listing the benefits and childcare places they are entitled to, "
        "with the forms already filled in from the population register.",
        "Steps to apply for childcare fell from 14 to 3; 78% of parents used the proactive offer in the "
        "first year.",
        A.SOCIAL,
        L.FAMILY,
        S.SCALED,
        2021,
        (P.BURDEN_REDUCTION, P.DIGITAL_DELIVERY, P.PRIVACY),
        ("3.2", "2.2", "2.6"),
        ("proactive services", "once-only", "life events", "childcare"),
    ),
    DemoCase(
        ("Espoo",),
        "Resident panel for service design",
        "A standing panel of 600 residents, recruited to mirror the city's population, tests new digital "
        "services before launch.",
        "Twelve services tested in two years; usability scores rose from 62 to 81 (System Usability Scale).",
        A.PARTICIPATION,
        L.CIVIC,
        S.LIVE,
        2020,
        (P.CITIZEN_ENGAGEMENT, P.ACCESSIBILITY),
        ("2.1", "2.3"),
        ("co-design", "usability testing", "user research"),
    ),
    DemoCase(
        ("Helsinki",),
        "Service advisor chatbot",
        "A chatbot answers residents' questions about city services in Finnish, Swedish and English, and "
        "hands "
        "over to a person when it cannot help.",
        "Answers 41,000 questions a month; phone queues at the service point fell by 23%.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2019,
        (P.DIGITAL_INTERACTION, P.ACCESSIBILITY),
        ("2.2", "3.1"),
        ("chatbot", "AI", "multilingual"),
    ),
    DemoCase(
        ("Helsinki",),
        "Accessible routes planner",
        "Wheelchair users, people with prams and people with low vision plan routes with step-free paths, "
        "ramps and lifts, from data the city keeps up to date.",
        "Used for 180,000 journeys a year; complaints about inaccessible routes halved.",
        A.MOBILITY,
        L.NONE,
        S.SCALED,
        2018,
        (P.ACCESSIBILITY, P.DIGITAL_DELIVERY),
        ("2.3", "3.3"),
        ("accessibility", "open data", "mobility"),
    ),
    DemoCase(
        ("Tallinn",),
        "Once-only change of address",
        "Residents who move declare their new address once; schools, tax, waste collection and parking "
        "permits "
        "are updated automatically.",
        "Takes 4 minutes instead of visits to 5 offices; 96% of moves are declared online.",
        A.GENERAL,
        L.MOVING,
        S.SCALED,
        2017,
        (P.BURDEN_REDUCTION, P.DIGITAL_DELIVERY),
        ("3.2", "2.6"),
        ("once-only", "interoperability", "life events"),
    ),
    DemoCase(
        ("Tallinn",),
        "Mobile parking with the national e-ID",
        "Drivers pay for parking by text message or app, identified with the national electronic identity; "
        "fines can be contested online.",
        "92% of parking paid by mobile; contested fines handled in 5 days instead of 30.",
        A.MOBILITY,
        L.CAR,
        S.SCALED,
        2016,
        (P.DIGITAL_INTERACTION, P.REDRESS),
        ("2.2", "2.5", "3.1"),
        ("parking", "digital identity", "mobile app"),
    ),
    DemoCase(
        ("Milan",),
        "One digital file for every resident",
        "Each resident sees their certificates, payments, appointments and requests with the city in one "
        "personal file, reached with the national login.",
        "1.1 million residents have opened their file; certificate requests at counters fell by 70%.",
        A.GENERAL,
        L.NONE,
        S.SCALED,
        2019,
        (P.DIGITAL_DELIVERY, P.BURDEN_REDUCTION, P.PRIVACY),
        ("2.2", "3.1", "2.4"),
        ("one-stop shop", "digital identity"),
    ),
    DemoCase(
        ("Milan",),
        "Co-designed school enrolment",
        "Parents, teachers and the city redesigned school enrolment in workshops; the new online form asks "
        "only what the city does not know yet.",
        "Form reduced from 38 to 11 questions; help-desk calls during enrolment down 45%.",
        A.EDUCATION,
        L.STUDYING,
        S.LIVE,
        2022,
        (P.CITIZEN_ENGAGEMENT, P.BURDEN_REDUCTION),
        ("2.1", "3.2"),
        ("co-design", "once-only", "plain language"),
    ),
    DemoCase(
        ("Milan",),
        "Accessibility audits with disabled residents",
        "Every new city website and app is audited by a paid panel of disabled residents as well as by "
        "automated tools before it goes live.",
        "43 services audited; WCAG AA conformance rose from 54% to 93% of checked pages.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2023,
        (P.ACCESSIBILITY, P.CITIZEN_ENGAGEMENT),
        ("2.3", "1.1"),
        ("accessibility", "usability testing", "digital inclusion"),
    ),
    DemoCase(
        ("Rotterdam",),
        "Plain-language letters",
        "The city rewrote its 300 most-sent letters and e-mails in plain language, tested with residents "
        "with "
        "low literacy.",
        "Calls asking what a letter means fell by 30%; on-time payments of local taxes rose 8 points.",
        A.GENERAL,
        L.NONE,
        S.SCALED,
        2019,
        (P.ACCESSIBILITY, P.BURDEN_REDUCTION),
        ("2.3", "3.3"),
        ("plain language", "user research"),
    ),
    DemoCase(
        ("Rotterdam",),
        "Debt help starting point",
        "Residents in financial trouble fill in one short online form and are called back within three days "
        "by a debt counsellor.",
        "Average time to first help fell from 6 weeks to 3 days; 4,200 households helped in 2023.",
        A.SOCIAL,
        L.NONE,
        S.LIVE,
        2021,
        (P.DIGITAL_INTERACTION, P.BURDEN_REDUCTION),
        ("2.2", "3.2"),
        ("social benefits", "proactive services"),
    ),
    DemoCase(
        ("Ghent",),
        "Digital inclusion hubs",
        "Libraries and community centres host digital helpers who assist residents with online public "
        "services, with free devices and Wi-Fi.",
        "21 hubs, 18,000 visits a year; 64% of visitors later used an online service on their own.",
        A.PARTICIPATION,
        L.NONE,
        S.SCALED,
        2020,
        (P.ACCESSIBILITY, P.INCENTIVES),
        ("3.1", "1.3"),
        ("digital inclusion", "accessibility"),
    ),
    DemoCase(
        ("Ghent",),
        "City usability lab",
        "A small in-house team runs usability tests with five residents for every major service change, and "
        "publishes what it learned.",
        "68 tests since 2019; task completion on the city website rose from 71% to 90%.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2019,
        (P.ACCESSIBILITY, P.CITIZEN_ENGAGEMENT),
        ("2.3", "1.1", "2.1"),
        ("usability testing", "user research", "co-design"),
    ),
    DemoCase(
        ("Ghent",),
        "Energy renovation coach",
        "Home owners get a free online energy scan, then a coach who guides them through permits, "
        "contractors "
        "and subsidies.",
        "5,600 homes renovated; subsidy applications complete on first submission went from 40% to 85%.",
        A.HOUSING,
        L.NONE,
        S.LIVE,
        2021,
        (P.INCENTIVES, P.BURDEN_REDUCTION),
        ("3.4", "3.2"),
        ("permits", "environment", "proactive services"),
    ),
    DemoCase(
        ("Barcelona",),
        "Participatory budgeting platform",
        "Residents propose and vote on projects for a part of the city's investment budget on an open-source "
        "participation platform.",
        "40,000 residents voted in the last round; 184 projects funded for 30 million euros.",
        A.PARTICIPATION,
        L.CIVIC,
        S.SCALED,
        2017,
        (P.CITIZEN_ENGAGEMENT, P.DIGITAL_INTERACTION),
        ("2.1", "3.1"),
        ("participatory budgeting", "co-design", "open source"),
    ),
    DemoCase(
        ("Barcelona",),
        "Single window for new businesses",
        "Entrepreneurs open a shop or restaurant with one online declaration instead of separate licences; "
        "checks happen after opening.",
        "Time to open fell from 90 days to 1 day for 80% of activities.",
        A.BUSINESS,
        L.BUSINESS_START,
        S.SCALED,
        2018,
        (P.BURDEN_REDUCTION, P.DIGITAL_DELIVERY),
        ("3.2", "2.2"),
        ("one-stop shop", "permits"),
    ),
    DemoCase(
        ("Barcelona",),
        "Low-emission zone permits online",
        "Owners of older vehicles check whether they may enter the low-emission zone and request exemptions "
        "online, with the decision by e-mail.",
        "110,000 requests handled online; average decision time 48 hours.",
        A.MOBILITY,
        L.CAR,
        S.LIVE,
        2020,
        (P.DIGITAL_DELIVERY, P.REDRESS),
        ("2.2", "3.4", "2.5"),
        ("mobility", "permits", "environment"),
    ),
    DemoCase(
        ("Catalonia",),
        "Personal health app",
        "Patients see their test results, prescriptions and appointments, and message their family doctor, "
        "in "
        "one regional app.",
        "3.4 million users; 20% fewer phone calls to primary care centres.",
        A.HEALTH,
        L.HEALTH,
        S.SCALED,
        2015,
        (P.DIGITAL_INTERACTION, P.PRIVACY, P.DIGITAL_DELIVERY),
        ("2.2", "2.4", "3.1"),
        ("mobile app", "health", "GDPR"),
    ),
    DemoCase(
        ("Catalonia",),
        "Regional identity wallet",
        "A mobile identity wallet lets residents prove who they are and share only the attributes a service "
        "needs, such as their age.",
        "Pilot with 12,000 residents and 9 services; 88% found it easier than the previous login.",
        A.IDENTITY,
        L.NONE,
        S.PILOT,
        2024,
        (P.PRIVACY, P.DIGITAL_INTERACTION),
        ("2.4", "2.6"),
        ("digital identity", "GDPR", "data sharing"),
    ),
    DemoCase(
        ("Madrid",),
        "Appointment booking redesign",
        "Booking an appointment at a citizen office was redesigned with users: fewer steps, reminders and "
        "cancellation by text message.",
        "No-shows fell from 24% to 9%; booking takes 2 minutes on a phone.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2021,
        (P.ACCESSIBILITY, P.DIGITAL_INTERACTION),
        ("2.3", "3.3"),
        ("usability testing", "mobile app"),
    ),
    DemoCase(
        ("Madrid",),
        "Feedback on every transaction",
        "After each online transaction residents rate it in one click and can explain; the results are "
        "published monthly per service.",
        "150,000 ratings a year; the 10 worst-rated services were redesigned, satisfaction up 14 points.",
        A.GENERAL,
        L.NONE,
        S.SCALED,
        2019,
        (P.REDRESS, P.CITIZEN_ENGAGEMENT),
        ("3.3", "2.5"),
        ("feedback", "open data"),
    ),
    DemoCase(
        ("Lisbon",),
        "Report a problem in the street",
        "Residents report potholes, broken lights or litter with a photo; they follow the repair and can "
        "reopen a report that was closed too soon.",
        "62,000 reports a year, 75% solved within 10 days.",
        A.ENVIRONMENT,
        L.CIVIC,
        S.SCALED,
        2016,
        (P.REDRESS, P.CITIZEN_ENGAGEMENT),
        ("2.5", "3.3"),
        ("feedback", "mobile app", "smart city"),
    ),
    DemoCase(
        ("Lisbon",),
        "Senior line, by phone and online",
        "Residents over 65 reach one number, or a simplified website, for help at home, health appointments "
        "and social activities.",
        "28,000 seniors registered; 35% of them now also use the simplified website.",
        A.SOCIAL,
        L.AGEING,
        S.LIVE,
        2020,
        (P.ACCESSIBILITY, P.INCENTIVES),
        ("2.3", "3.1"),
        ("digital inclusion", "accessibility"),
    ),
    DemoCase(
        ("Porto",),
        "Building permits with status tracking",
        "Architects and home owners file building permits online and see at each step who is handling the "
        "file "
        "and what is missing.",
        "Average decision time from 180 to 95 days; requests for missing documents down 40%.",
        A.HOUSING,
        L.NONE,
        S.LIVE,
        2022,
        (P.DIGITAL_DELIVERY, P.BURDEN_REDUCTION),
        ("2.2", "3.2"),
        ("permits", "service blueprint"),
    ),
    DemoCase(
        ("Paris",),
        "Street problem reporting app",
        "A city app for reporting anomalies in public space, with the teams' answers visible to everybody.",
        "500,000 reports a year; answer within 7 days for 80% of them.",
        A.ENVIRONMENT,
        L.CIVIC,
        S.SCALED,
        2013,
        (P.REDRESS, P.DIGITAL_INTERACTION),
        ("2.5", "3.1"),
        ("feedback", "mobile app", "smart city"),
    ),
    DemoCase(
        ("Paris",),
        "Participatory budget",
        "Parisians propose and vote on investment projects for 5% of the city's investment budget, online or "
        "at ballot boxes.",
        "Over 200,000 votes a year; 1,500 projects carried out.",
        A.PARTICIPATION,
        L.CIVIC,
        S.SCALED,
        2014,
        (P.CITIZEN_ENGAGEMENT,),
        ("2.1",),
        ("participatory budgeting", "co-design"),
    ),
    DemoCase(
        ("Kyiv",),
        "City super-app",
        "One app for parking, public transport tickets, air-raid alerts, utility readings and e-petitions, "
        "with a single login.",
        "2.2 million users; 80% of parking and 60% of transport tickets paid in the app.",
        A.GENERAL,
        L.NONE,
        S.SCALED,
        2020,
        (P.DIGITAL_DELIVERY, P.DIGITAL_INTERACTION, P.INCENTIVES),
        ("2.2", "3.1", "2.6"),
        ("mobile app", "parking", "one-stop shop", "digital identity"),
    ),
    DemoCase(
        ("Kyiv",),
        "Bereavement one-stop service",
        "Relatives declare a death once; pensions, utilities, parking permits and benefits are stopped or "
        "transferred without further forms.",
        "Visits to offices after a death fell from 7 to 1 on average.",
        A.SOCIAL,
        L.BEREAVEMENT,
        S.LIVE,
        2023,
        (P.BURDEN_REDUCTION, P.DIGITAL_DELIVERY),
        ("3.2", "2.6"),
        ("once-only", "life events", "proactive services"),
    ),
    DemoCase(
        ("Riga",),
        "Multilingual service portal",
        "The city's services portal answers in Latvian, English and Ukrainian, with translations checked by "
        "native speakers rather than only machine translation.",
        "Non-Latvian speakers' task completion rose from 48% to 84%.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2022,
        (P.ACCESSIBILITY, P.DIGITAL_DELIVERY),
        ("2.3", "2.2"),
        ("multilingual", "plain language", "accessibility"),
    ),
    DemoCase(
        ("Riga",),
        "School meals payment app",
        "Parents top up their children's school meal accounts and see what was eaten; low-income families "
        "get "
        "free meals without applying.",
        "Free meals reached 2,300 more children once applications were no longer needed.",
        A.EDUCATION,
        L.STUDYING,
        S.LIVE,
        2021,
        (P.BURDEN_REDUCTION, P.INCENTIVES),
        ("3.2", "2.2"),
        ("proactive services", "mobile app", "childcare"),
    ),
    DemoCase(
        ("Ljubljana",),
        "Accessible city website",
        "The city website was rebuilt to WCAG 2.1 AA with sign-language videos and easy-read versions of the "
        "most used pages.",
        "Accessibility complaints from 40 a year to 4; easy-read pages are among the 20 most visited.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2021,
        (P.ACCESSIBILITY,),
        ("2.3",),
        ("accessibility", "plain language", "digital inclusion"),
    ),
    DemoCase(
        ("Gothenburg",),
        "Social assistance e-application",
        "Applying for financial assistance moved online with automatic checks against tax and benefits data, "
        "with consent.",
        "Decision time from 10 days to 2; 70% of applications online in year one.",
        A.SOCIAL,
        L.JOB,
        S.SCALED,
        2019,
        (P.BURDEN_REDUCTION, P.PRIVACY, P.DIGITAL_DELIVERY),
        ("3.2", "2.4", "2.6"),
        ("social benefits", "once-only", "data sharing"),
    ),
    DemoCase(
        ("Gothenburg",),
        "Privacy dashboard",
        "Residents log in to see which city departments used their personal data, for what, and can ask "
        "questions or object online.",
        "Pilot with 3 departments; 1,900 residents consulted it, 45 objections handled within the legal "
        "time.",
        A.IDENTITY,
        L.NONE,
        S.PILOT,
        2024,
        (P.PRIVACY, P.REDRESS),
        ("2.4", "2.5"),
        ("GDPR", "data sharing"),
    ),
    DemoCase(
        ("Kronoberg Region",),
        "Digital health visits",
        "Patients in rural areas meet nurses and doctors by video, with test results sent to their "
        "personal health account.",
        "31% of primary-care visits are digital; patients save 45 km of travel per visit on average.",
        A.HEALTH,
        L.HEALTH,
        S.SCALED,
        2020,
        (P.DIGITAL_DELIVERY, P.ACCESSIBILITY),
        ("2.2", "3.4"),
        ("health", "digital inclusion"),
    ),
    DemoCase(
        ("Glasgow",),
        "Council tax online account",
        "Residents see their council tax, set up direct debits, apply for discounts and report a change of "
        "circumstances in one account.",
        "Online transactions up from 35% to 72%; cost per transaction from £8.60 to £0.40.",
        A.TAXES,
        L.NONE,
        S.LIVE,
        2018,
        (P.DIGITAL_DELIVERY, P.INCENTIVES),
        ("2.2", "3.1"),
        ("payments", "one-stop shop"),
    ),
    DemoCase(
        ("Brussels-Capital Region",),
        "Regional one-stop e-counter",
        "One e-counter for the documents of the region and its 19 municipalities, in French, Dutch and "
        "English.",
        "2.5 million documents delivered online a year; 19 municipalities on one platform.",
        A.GENERAL,
        L.NONE,
        S.SCALED,
        2012,
        (P.DIGITAL_DELIVERY, P.ACCESSIBILITY),
        ("2.2", "2.6", "1.3"),
        ("one-stop shop", "multilingual", "interoperability"),
    ),
    DemoCase(
        ("Emilia-Romagna",),
        "Regional login and payments for every municipality",
        "The region offers its 330 municipalities the national login and payment platform ready to use, so "
        "small towns offer online services too.",
        "300 municipalities connected; 4.1 million online payments in 2023.",
        A.IDENTITY,
        L.NONE,
        S.SCALED,
        2019,
        (P.DIGITAL_DELIVERY, P.INCENTIVES),
        ("2.6", "1.3", "3.1"),
        ("digital identity", "payments", "interoperability"),
    ),
    DemoCase(
        ("Arezzo",),
        "Waste collection calendar app",
        "Residents get reminders of collection days for their street and can book bulky-waste pickup.",
        "Bulky waste left in the street fell by 38%; 22,000 downloads in a city of 97,000.",
        A.ENVIRONMENT,
        L.NONE,
        S.LIVE,
        2021,
        (P.DIGITAL_INTERACTION, P.INCENTIVES),
        ("3.4", "3.1"),
        ("mobile app", "environment"),
    ),
    DemoCase(
        ("Murcia",),
        "Citizen folder",
        "Residents follow every request they made to the city, download certificates and receive "
        "notifications in one folder.",
        "190,000 folders opened; paper notifications down 55%.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2020,
        (P.DIGITAL_DELIVERY, P.BURDEN_REDUCTION),
        ("2.2", "3.2"),
        ("one-stop shop",),
    ),
    DemoCase(
        ("Mataró",),
        "Online booking of sports facilities",
        "Courts, pools and rooms are booked and paid online, with the same account as other city services.",
        "85% of bookings online; empty booked slots fell from 18% to 6% with reminders.",
        A.CULTURE,
        L.NONE,
        S.LIVE,
        2022,
        (P.DIGITAL_INTERACTION, P.INCENTIVES),
        ("2.2", "3.1"),
        ("payments", "mobile app"),
    ),
    DemoCase(
        ("Olesa de Montserrat",),
        "Small-town digital help desk",
        "A town of 24,000 trained its front-desk staff to help residents do any online procedure, municipal "
        "or "
        "not, on the spot.",
        "1,400 residents helped a year; 60% of them came back to do a procedure online alone.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2021,
        (P.ACCESSIBILITY, P.INCENTIVES),
        ("1.1", "3.1"),
        ("digital inclusion", "skills"),
    ),
    DemoCase(
        ("Terrassa",),
        "Open data portal with a user panel",
        "The open data portal publishes what its users ask for: a panel of journalists, students and "
        "companies sets the priorities.",
        "240 data sets, 35 chosen by the panel; downloads tripled.",
        A.IDENTITY,
        L.NONE,
        S.LIVE,
        2019,
        (P.CITIZEN_ENGAGEMENT, P.DIGITAL_DELIVERY),
        ("1.3", "2.1"),
        ("open data", "co-design"),
    ),
    DemoCase(
        ("Utrecht",),
        "Moving to Utrecht guide",
        "Newcomers follow a guide built around their move: register, find a doctor, school and parking "
        "permit, "
        "in the order they need them.",
        "Guide used by 60% of newcomers; registration errors halved.",
        A.GENERAL,
        L.MOVING,
        S.LIVE,
        2022,
        (P.BURDEN_REDUCTION, P.ACCESSIBILITY),
        ("3.2", "2.3"),
        ("life events", "plain language", "multilingual"),
    ),
    DemoCase(
        ("Utrecht", "Rotterdam"),
        "Shared eligibility check for income support",
        "Two cities built one anonymous online check that tells residents which income support they can get, "
        "before they apply.",
        "Used 95,000 times; applications with no chance of success fell by a third.",
        A.SOCIAL,
        L.JOB,
        S.SCALED,
        2020,
        (P.BURDEN_REDUCTION, P.PRIVACY, P.INCENTIVES),
        ("3.2", "2.4", "1.3"),
        ("social benefits", "proactive services", "open source"),
    ),
    DemoCase(
        ("Helsinki", "Tallinn", "Espoo"),
        "Cross-border commuter services",
        "People who live in one city and work across the Gulf of Finland find tax, health and school "
        "information from both countries in one place.",
        "32,000 visits a year; cross-border enquiries to each city's desk down 25%.",
        A.GENERAL,
        L.JOB,
        S.PILOT,
        2023,
        (P.DIGITAL_DELIVERY, P.ACCESSIBILITY),
        ("2.6", "1.3"),
        ("interoperability", "multilingual", "data sharing"),
    ),
    DemoCase(
        ("Porto", "Lisbon"),
        "Common service design training for civil servants",
        "Two cities train their staff together in service design, each team redesigning one real service "
        "during the course.",
        "180 civil servants trained; 14 services redesigned.",
        A.GENERAL,
        L.NONE,
        S.LIVE,
        2022,
        (P.CITIZEN_ENGAGEMENT, P.ACCESSIBILITY),
        ("1.1", "1.2"),
        ("skills", "service blueprint", "co-design"),
    ),
)

USER_CENTRIC = (
    "Residents were involved from the start: interviews and observation first, then prototypes tested with "
    "people who use the service, including people who find digital services hard.",
    "The team mapped the whole journey from the resident's side, removed every step that asked for something "
    "the administration already knows, and kept a person reachable at every step.",
    "It was designed with the people it serves: a panel of users tested each version, and the service keeps "
    "asking for feedback after every use.",
    "It starts from a life event rather than from the organisation chart: residents see one service, "
    "whatever "
    "the number of departments behind it.",
)
HOW_IT_WORKS = (
    "A small multidisciplinary team (service designer, developer, case handlers) owns the service and "
    "releases "
    "improvements every few weeks.",
    "It reuses national building blocks (identity, payments, notifications) so the city's effort goes into "
    "the "
    "parts residents see.",
    "Data are exchanged between departments through documented interfaces, with the resident's consent "
    "where the "
    "law requires it.",
)


def load_pages(*, home: Page, rng: random.Random) -> Page:
    del rng
    library = ensure_child_page(
        home,
        PracticeIndexPageFactory,
        slug="practices",
        title="Good practices",
        introduction="How cities and regions made their services user-centric: cases you can learn from, "
        "with their impact in figures and a contact person.",
    )
    services.library_attach_review_workflow(library=library)
    return library


def _contact(authority: Authority, rng: random.Random) -> dict:
    first = rng.choice(
        ["Anna", "Marco", "Laura", "Jan", "Elena", "Pieter", "Sofia", "Mikko", "Inês", "Jordi"]
    )
    last = rng.choice(
        ["Rossi", "Peeters", "García", "Virtanen", "Silva", "Jansen", "Kalniņa", "Novak", "Berg"]
    )
    domain = authority.email_domain or "example.org"
    return {
        "contact_name": f"{first} {last}",
        "contact_role": rng.choice(
            ["Service designer", "Head of digital services", "Product owner", "Project lead"]
        ),
        "contact_email": f"{slugify(first)}.{slugify(last)}@{domain}",
        "contact_phone": f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
    }


def load_cases(*, library: PracticeIndexPage, rng: random.Random) -> list[PracticeCasePage]:
    """The demo cases, created once (found again by slug), published with a revision each."""
    subpillars = {
        sp.key: sp for sp in SubPillar.objects.filter(edition__framework__key="ucc", edition__revision="2023")
    }
    authorities = {a.name: a for a in Authority.objects.all()}
    existing = {page.slug: page for page in PracticeCasePage.objects.child_of(library)}
    start = timezone.make_aware(datetime.datetime(2024, 1, 8, 9, 0))
    cases = []
    for number, spec in enumerate(CASES):
        slug = slugify(spec.title)
        contact = _contact(authorities[spec.authorities[0]], rng)
        texts = (rng.choice(USER_CENTRIC), rng.choice(HOW_IT_WORKS))
        if slug in existing:
            cases.append(existing[slug])
            continue
        case = PracticeCasePageFactory(
            parent=library,
            slug=slug,
            title=spec.title,
            summary=spec.summary,
            description=f"<p>{texts[1]}</p><p>{ILLUSTRATIVE}</p>",
            user_centricity=f"<p>{texts[0]}</p>",
            impact=f"<p>{spec.impact}</p>",
            service_area=spec.area,
            life_event=spec.life_event,
            status=spec.status,
            year_launched=spec.year,
            principles=[code.value for code in spec.principles],
            authorities=[authorities[name] for name in spec.authorities],
            sub_pillars=[subpillars[key] for key in spec.sub_pillars if key in subpillars],
            tags=list(spec.tags),
            resources=[
                (
                    "link_block",
                    {
                        "title": f"{spec.authorities[0]} website",
                        "url": authorities[spec.authorities[0]].website or "https://example.org/",
                    },
                )
            ],
            first_published_at=start + datetime.timedelta(days=7 * number),
            **contact,
        )
        case.save_revision().publish()
        cases.append(case)
    return cases


def load_pending_case(*, library: PracticeIndexPage) -> PracticeCasePage | None:
    """The demo member's case awaiting the editors' review (submitted through the real service)."""
    member = get_user_model().objects.filter(email=DEMO_MEMBER).first()
    if member is None:
        return None
    existing = PracticeCasePage.objects.child_of(library).filter(title=PENDING_TITLE).first()
    if existing is not None:
        return existing
    data = {
        "title": PENDING_TITLE,
        "summary": "Residents book a slot at a volunteer repair café in their neighbourhood, and say what "
        "they bring.",
        "description": "A booking page shared by **14 repair cafés**, run with volunteers.",
        "user_centricity": "Designed with volunteers and visitors in two workshops; works on any phone.",
        "impact": "- 3,100 repairs booked in the first year\n- 9 tonnes of waste avoided",
        "principles": [P.CITIZEN_ENGAGEMENT.value, P.DIGITAL_INTERACTION.value],
        "sub_pillars": list(
            SubPillar.objects.filter(edition__framework__key="ucc", edition__revision="2023", key="3.4")
        ),
        "service_area": ServiceArea.ENVIRONMENT.value,
        "life_event": "",
        "status": CaseStatus.PILOT.value,
        "year_launched": 2025,
        "authorities": list(Authority.objects.filter(name="Utrecht")),
        "tags": ["environment", "co-design"],
        "contact_name": "Milo Member",
        "contact_role": "Volunteer coordinator",
        "contact_email": DEMO_MEMBER,
        "contact_phone": "",
    }
    # Wagtail e-mails the editors about every submission; the demo's own case needs no e-mail.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return services.case_submit(library=library, by=member, data=data, links=[])


def load(*, library: PracticeIndexPage, rng: random.Random) -> list[PracticeCasePage]:
    cases = load_cases(library=library, rng=rng)
    load_pending_case(library=library)
    return cases
