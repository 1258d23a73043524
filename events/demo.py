"""Demo events: monthly UserCentriCafés, peer-learning workshops and the annual summit, past and upcoming,
one of them full with a waitlist. Idempotent: events are found by slug, registrations by e-mail."""

import datetime as dt
import random
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from portal.demo import ensure_child_page

from .factories import EventIndexPageFactory, EventPageFactory, RegistrationFactory
from .models import EventPage, Registration

Kind, Mode = EventPage.Kind, EventPage.AttendanceMode


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    kind: str
    days: int  # from today
    start: tuple[int, int]  # local time
    end: tuple[int, int]
    time_zone: str
    mode: str
    summary: str
    capacity: int | None = None
    venue: str = ""  # "name|address"


# fmt: off
EVENTS = [
    DemoEvent(
        "usercentricafe-espoo-chatbot", "UserCentriCafé: Espoo's multilingual service chatbot", Kind.CAFE,
        -62, (10, 0), (11, 30), "Europe/Helsinki", Mode.ONLINE,
        "Espoo shows how residents reach city services in their own language, and asks for feedback.",
    ),
    DemoEvent(
        "workshop-co-design-with-residents", "Peer-learning workshop: co-designing services with residents",
        Kind.WORKSHOP, -33, (9, 30), (16, 0), "Europe/Amsterdam", Mode.IN_PERSON,
        "Cities that co-design with residents compare methods, recruiting and what changed afterwards.",
        capacity=40, venue="Rotterdam City Hall|Coolsingel 40, 3011 AD Rotterdam, Netherlands",
    ),
    DemoEvent(
        "usercentricafe-ghent-one-stop-shop", "UserCentriCafé: Ghent's one-stop shop for families", Kind.CAFE,
        -12, (14, 0), (15, 30), "Europe/Brussels", Mode.ONLINE,
        "Ghent presents the life-event portal for new parents and discusses take-up with its peers.",
    ),
    DemoEvent(
        "usercentricafe-milan-digital-identity",
        "UserCentriCafé: Milan and the digital identity for every service",
        Kind.CAFE, 9, (11, 0), (12, 30), "Europe/Rome", Mode.ONLINE,
        "Milan explains how one login opened every municipal service, and what it learned about support.",
        capacity=100,
    ),
    DemoEvent(
        "workshop-accessibility-testing", "Peer-learning workshop: accessibility testing with real users",
        Kind.WORKSHOP, 16, (14, 0), (17, 0), "Europe/Tallinn", Mode.HYBRID,
        "A hands-on session on testing services with disabled users, hosted by Tallinn, online as well.",
        capacity=30, venue="Tallinn Creative Hub|Põhja puiestee 27a, 10415 Tallinn, Estonia",
    ),
    DemoEvent(
        "usercentricafe-lisbon-citizen-feedback", "UserCentriCafé: Lisbon's citizen feedback loop", Kind.CAFE,
        23, (10, 0), (11, 0), "Europe/Lisbon", Mode.ONLINE,
        "Lisbon shows how complaints and suggestions reach the service teams, and what they change.",
        capacity=6,
    ),
    DemoEvent(
        "workshop-permits-service-design", "Peer-learning workshop: service design for building permits",
        Kind.WORKSHOP, 44, (13, 0), (16, 0), "Europe/Helsinki", Mode.ONLINE,
        "Espoo, Kyiv and Rotterdam redesigned permit applications; bring your own process to map.",
        capacity=50,
    ),
    DemoEvent(
        "usercentricities-summit", "UserCentriCities annual summit", Kind.SUMMIT,
        75, (9, 0), (17, 30), "Europe/Brussels", Mode.HYBRID,
        "The yearly meeting of the community: the new benchmark results, the best practices and the awards.",
        capacity=250, venue="Square Brussels Meeting Centre|Mont des Arts, 1000 Brussels, Belgium",
    ),
]
# fmt: on

FULL_EVENT = "usercentricafe-lisbon-citizen-feedback"
# People who hold the full event's seats and waitlist places, in order: demo logins first (looked up by
# e-mail when they exist), then visitors. member@example.org stays free to register for anything.
FULL_EVENT_PEOPLE = [
    "verified@example.org",
    "representative@espoo.example.org",
    "editor@example.org",
    "moderator@example.org",
    "ana.silva@example.org",
    "joao.costa@example.org",
    "marta.lehtinen@example.org",  # waitlist from here on
    "pieter.devries@example.org",
    "elena.rossi@example.org",
]


def _related_pages() -> list[Page]:
    """A practice case and a policy brief when those apps have published some, else their index pages."""
    found = []
    for app_label, model_names in (
        ("practices", ("PracticeCasePage", "PracticeIndexPage")),
        ("learning", ("PolicyBriefPage", "PolicyBriefIndexPage")),
    ):
        for model_name in model_names:
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            page = model.objects.live().order_by("path").first()
            if page is not None:
                found.append(page)
                break
    return found


def _demo_person(email: str):
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None:
        return user, user.get_full_name() or user.email
    local = email.split("@", 1)[0]
    return None, " ".join(part.capitalize() for part in local.split("."))


def _fill_full_event(event: EventPage, *, now: dt.datetime) -> None:
    if event.registrations.exists():
        return
    for position, email in enumerate(FULL_EVENT_PEOPLE):
        user, name = _demo_person(email)
        joined = now - dt.timedelta(days=10) + dt.timedelta(minutes=7 * position)
        confirmed = position < event.capacity
        RegistrationFactory(
            event=event,
            user=user,
            name=name,
            email=email,
            created_at=joined,
            status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED,
            confirmed_at=joined if confirmed else None,
            waitlisted_at=None if confirmed else joined,
        )


def _register_past_attendees(event: EventPage, *, rng: random.Random, now: dt.datetime) -> None:
    if event.registrations.exists():
        return
    for number in range(rng.randint(8, 20)):
        RegistrationFactory(
            event=event,
            name=f"Past attendee {number + 1}",
            email=f"{event.slug[:30]}-{number + 1}@example.org",
            created_at=event.start - dt.timedelta(days=rng.randint(2, 20)),
        )


def load_pages(*, home: Page, rng: random.Random) -> Page:
    index = ensure_child_page(
        home,
        EventIndexPageFactory,
        slug="events",
        title="Events",
        introduction="The monthly UserCentriCafé, peer-learning workshops and the annual summit.",
    )
    now = timezone.now()
    today = timezone.localdate()
    organiser = get_user_model().objects.filter(email__iexact="editor@example.org").first()
    related = [("page", page) for page in _related_pages()]
    for spec in EVENTS:
        venue_name, _sep, venue_address = spec.venue.partition("|")
        event = ensure_child_page(
            index,
            EventPageFactory,
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            kind=spec.kind,
            time_zone=spec.time_zone,
            start_date=today + dt.timedelta(days=spec.days),
            start_time=dt.time(*spec.start),
            end_time=dt.time(*spec.end),
            attendance_mode=spec.mode,
            venue_name=venue_name,
            venue_address=venue_address,
            online_url="" if spec.mode == Mode.IN_PERSON else f"https://meet.example.org/{spec.slug}",
            capacity=spec.capacity,
            organiser="Eurocities" if spec.kind == Kind.WORKSHOP else "UserCentriCities community team",
            organiser_user=organiser,
            related_pages=related,
            body=[
                (
                    "paragraph_block",
                    "<p>Each session starts with a short presentation, then peers ask questions and share "
                    "what they tried. Bring a colleague from your service team.</p>",
                )
            ],
        )
        if spec.slug == FULL_EVENT:
            _fill_full_event(event, now=now)
        elif event.end < now:
            _register_past_attendees(event, rng=rng, now=now)
    return index
