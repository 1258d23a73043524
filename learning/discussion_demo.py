"""Demo content of discussions and bench-learning: rooms with conversations, page threads, five matches.

Idempotent (rooms by slug, people by e-mail, matches by their authority and topic) and deterministic:
timestamps are computed from a fixed offset before now, never drawn at random.
"""

import random
from datetime import timedelta
from typing import TextIO

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from benchmarks import selectors as benchmark_selectors
from benchmarks.models import Authority
from portal import roles
from portal.factories import UserFactory
from portal.sanitising import render_markdown

from . import discussion_text
from .models import MatchInvitation, MatchRequest, Message, Room

THEMES = (
    (
        "getting-started",
        "Getting started with user research",
        "Where to begin when nobody in the team has done user research before.",
    ),
    (
        "inclusion",
        "Digital inclusion and accessibility",
        "Services that work for everyone: assisted digital, plain language, WCAG.",
    ),
    ("measuring", "Measuring satisfaction", "Surveys, analytics and the figures councils ask for."),
    (
        "suppliers",
        "Suppliers, procurement and open source",
        "Writing user-centricity into contracts and sharing code between cities.",
    ),
)

# Demo representatives (one per authority) and members: name, e-mail, authority or None.
PEOPLE = (
    ("Lotte", "Claes", "lotte.claes@gent.example.org", "Ghent"),
    ("Mikko", "Laine", "mikko.laine@hel.example.org", "Helsinki"),
    ("Inês", "Carvalho", "ines.carvalho@lisboa.example.org", "Lisbon"),
    ("Kristjan", "Tamm", "kristjan.tamm@tallinn.example.org", "Tallinn"),
    ("Sanne", "de Vries", "sanne.devries@rotterdam.example.org", "Rotterdam"),
    ("Jordi", "Puig", "jordi.puig@barcelona.example.org", "Barcelona"),
    ("Femke", "Bakker", "femke.bakker@utrecht.example.org", "Utrecht"),
    ("Rui", "Sousa", "rui.sousa@porto.example.org", "Porto"),
    ("Giulia", "Rossi", "giulia.rossi@milano.example.org", "Milan"),
    ("Elin", "Lindqvist", "elin.lindqvist@goteborg.example.org", "Gothenburg"),
    ("Anna", "Kowalska", "anna.kowalska@partner.example.org", None),
    ("Tom", "Murphy", "tom.murphy@partner.example.org", None),
)

CONVERSATIONS = {
    "getting-started": [
        (
            "anna.kowalska",
            "We have no researchers in the team. Where did you start? Budget for this year is close to zero.",
        ),
        (
            "mikko.laine",
            "Start with **five interviews** with people who just used the service. No lab, no agency:"
            " a meeting room and a notebook. We found more in a week than in a year of complaint "
            "forms.",
        ),
        (
            "lotte.claes",
            "Same in Ghent. We also sat next to the counter staff for two mornings: they know exactly"
            " where people get stuck.",
            1,
        ),
        ("anna.kowalska", "Thank you @mikko-laine, do you have an interview guide you could share?"),
        (
            "mikko.laine",
            "Yes: our guide is in the toolkit, *Interview guide for service users* (Finnish and English).",
        ),
    ],
    "inclusion": [
        (
            "ines.carvalho",
            "How do you handle assisted digital? Our libraries help people fill forms but nobody "
            "measures it.",
        ),
        (
            "sanne.devries",
            "Rotterdam counts every assisted session in the library with a two-question form. It "
            "showed that 30 % of parking permit requests were assisted, so we simplified that form "
            "first.",
        ),
        (
            "femke.bakker",
            "We tested our forms with screen reader users from the local association. Paying them for"
            " their time mattered: people came back.",
            1,
        ),
    ],
    "measuring": [
        (
            "kristjan.tamm",
            "Tallinn asks one question after each transaction: *did you get what you needed?* Yes/no "
            "plus an optional comment.",
        ),
        (
            "giulia.rossi",
            "Do you publish the results? Our council wants a dashboard but the service owners are nervous.",
        ),
        (
            "kristjan.tamm",
            "We publish monthly per service. The first months were uncomfortable, then teams started "
            "competing to improve.",
            1,
        ),
        (
            "elin.lindqvist",
            "Gothenburg does the same and adds the time to complete, from analytics. Watch out for "
            "cookie consent rates: the sample is biased.",
        ),
    ],
    "suppliers": [
        (
            "jordi.puig",
            "Barcelona now requires usability testing with residents in every digital contract above "
            "100,000 EUR. Happy to share the clause.",
        ),
        ("rui.sousa", "Please do! @jordi-puig did suppliers push back?"),
        (
            "jordi.puig",
            "A little on cost. We let them include it in the price and we score the test plan in the "
            "award criteria.",
            1,
        ),
    ],
}


def _ensure_people() -> dict[str, object]:
    members = Group.objects.get(name=roles.MEMBERS)
    representatives = Group.objects.get(name=roles.REPRESENTATIVES)
    people = {}
    for first, last, email, authority_name in PEOPLE:
        user = UserFactory(email=email, first_name=first, last_name=last, is_verified=True)
        user.groups.add(members)
        if authority_name:
            user.groups.add(representatives)
            authority = Authority.objects.filter(name=authority_name).first()
            if authority is not None:
                authority.representatives.add(user)
        people[email.split("@", 1)[0]] = user
    return people


def _ensure_rooms() -> list[Room]:
    rooms = []
    edition = benchmark_selectors.default_edition()
    if edition is not None:
        for order, subpillar in enumerate(benchmark_selectors.subpillars_of(edition)):
            room, _created = Room.objects.get_or_create(
                slug=f"topic-{subpillar.key.replace('.', '-')}",
                defaults={
                    "kind": Room.Kind.TOPIC,
                    "title": f"{subpillar.key} {subpillar.name}",
                    "description": subpillar.description[:500]
                    or f"Everything about sub-pillar {subpillar.key} of the benchmark.",
                    "subpillar": subpillar,
                    "sort_order": order,
                },
            )
            rooms.append(room)
    for order, (slug, title, description) in enumerate(THEMES):
        room, _created = Room.objects.get_or_create(
            slug=slug,
            defaults={
                "kind": Room.Kind.THEME,
                "title": title,
                "description": description,
                "sort_order": order,
            },
        )
        rooms.append(room)
    return rooms


def _say(room: Room, lines: list[tuple], people: dict, *, start) -> None:
    """Post a scripted conversation once (a room that has messages keeps them)."""
    if room.messages.exists():
        return
    posted: list[Message] = []
    for i, line in enumerate(lines):
        handle, body = line[0], line[1]
        reply_to = posted[line[2] - 1] if len(line) > 2 else None
        author = people[handle]
        mentioned = [
            u
            for u in people.values()
            if discussion_text.handle_for(first_name=u.first_name, last_name=u.last_name, email=u.email)
            in discussion_text.extract_handles(body)
        ]
        handles = {
            discussion_text.handle_for(first_name=u.first_name, last_name=u.last_name, email=u.email)
            for u in mentioned
        }
        message = Message.objects.create(
            room=room,
            author=author,
            body=body,
            body_html=render_markdown(discussion_text.emphasise_mentions(body, handles)),
            reply_to=reply_to,
            created_at=start + timedelta(minutes=47 * i),
        )
        message.mentions.set(mentioned)
        posted.append(message)


def _page_threads(people: dict, *, start) -> int:
    """Threads on the first practice cases and events, when those page types exist."""
    from .discussion_services import room_for_page

    count = 0
    for label, text in (
        ("practices.PracticeCasePage", "How long did the first version take, and who was in the team?"),
        ("events.EventPage", "Will the slides be shared afterwards? Two colleagues cannot attend."),
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for page in model.objects.live().order_by("pk")[:2]:
            room = room_for_page(page=page)
            _say(
                room,
                [("anna.kowalska", text), ("lotte.claes", "Good question. We would also like to know.", 1)],
                people,
                start=start,
            )
            count += 1
    return count


MATCHES = (
    # (authority, representative handle, subject: sub-pillar index or topic, mode, status, invited)
    ("Espoo", "representative", 0, MatchRequest.Mode.COMPLEMENTARY, MatchRequest.Status.REQUESTED, ()),
    (
        "Ghent",
        "lotte.claes",
        "Plain language in council letters",
        MatchRequest.Mode.SIMILAR,
        MatchRequest.Status.INVITED,
        ("Utrecht", "Porto"),
    ),
    (
        "Lisbon",
        "ines.carvalho",
        1,
        MatchRequest.Mode.COMPLEMENTARY,
        MatchRequest.Status.ACCEPTED,
        ("Helsinki", "Tallinn"),
    ),
    (
        "Milan",
        "giulia.rossi",
        "Publishing satisfaction figures",
        MatchRequest.Mode.SIMILAR,
        MatchRequest.Status.DECLINED,
        ("Barcelona",),
    ),
    (
        "Rotterdam",
        "sanne.devries",
        "Usability testing in procurement",
        MatchRequest.Mode.COMPLEMENTARY,
        MatchRequest.Status.CLOSED,
        ("Barcelona",),
    ),
)

GOALS = {
    MatchRequest.Status.REQUESTED: (
        "We score low here and want to see how a city of our size organises it, step by step."
    ),
    MatchRequest.Status.INVITED: (
        "Our letters are long and legalistic. We want to learn how others rewrote theirs with residents."
    ),
    MatchRequest.Status.ACCEPTED: (
        "We want to learn how to involve residents before we build, not after launch."
    ),
    MatchRequest.Status.DECLINED: (
        "Our council asks for a public dashboard of satisfaction; we want to learn from a city that has one."
    ),
    MatchRequest.Status.CLOSED: (
        "We want contract clauses that make suppliers test with residents, and to know what it costs."
    ),
}


def _ensure_matches(people: dict, *, now) -> int:
    edition = benchmark_selectors.default_edition()
    subpillars = benchmark_selectors.subpillars_of(edition) if edition else []
    created = 0
    for i, (authority_name, handle, subject, mode, status, invited) in enumerate(MATCHES):
        authority = Authority.objects.filter(name=authority_name).first()
        requester = people.get(handle)
        if authority is None or requester is None:
            continue
        subpillar = subpillars[subject] if isinstance(subject, int) and len(subpillars) > subject else None
        topic = subject if isinstance(subject, str) else ("" if subpillar else "Co-design with residents")
        if MatchRequest.objects.filter(authority=authority, subpillar=subpillar, topic=topic).exists():
            continue
        created_at = now - timedelta(days=30 - i * 5)
        match = MatchRequest.objects.create(
            authority=authority,
            requested_by=requester,
            subpillar=subpillar,
            topic=topic,
            goal=GOALS[status],
            mode=mode,
            status=status,
            created_at=created_at,
            invited_at=created_at + timedelta(hours=2) if invited else None,
        )
        created += 1
        answer = {
            MatchRequest.Status.INVITED: MatchInvitation.Status.PENDING,
            MatchRequest.Status.ACCEPTED: MatchInvitation.Status.ACCEPTED,
            MatchRequest.Status.DECLINED: MatchInvitation.Status.DECLINED,
            MatchRequest.Status.CLOSED: MatchInvitation.Status.ACCEPTED,
        }.get(status)
        for j, name in enumerate(invited):
            other = Authority.objects.get(name=name)
            # The second invitation of the accepted match is still open: first acceptance is what counts.
            state = (
                MatchInvitation.Status.PENDING if (status == MatchRequest.Status.ACCEPTED and j) else answer
            )
            MatchInvitation.objects.create(
                match=match,
                authority=other,
                reason=f"{other.name} scores well on this subject; similar kind of authority.",
                status=state,
                created_at=created_at + timedelta(hours=2),
                expires_at=created_at + timedelta(days=21),
                responded_at=None
                if state == MatchInvitation.Status.PENDING
                else created_at + timedelta(days=2),
                responded_by=None
                if state == MatchInvitation.Status.PENDING
                else other.representatives.first(),
            )
        if status in (MatchRequest.Status.ACCEPTED, MatchRequest.Status.CLOSED):
            accepted = [Authority.objects.get(name=invited[0])]
            room = Room.objects.create(
                kind=Room.Kind.PRIVATE,
                slug=f"match-{match.pk}",
                title=f"Bench-learning: {match.subject}",
                description=match.goal,
            )
            room.participants.add(*authority.representatives.all(), *accepted[0].representatives.all())
            match.room = room
            match.accepted_at = created_at + timedelta(days=2)
            if status == MatchRequest.Status.CLOSED:
                match.closed_at = created_at + timedelta(days=20)
                match.outcome = (
                    "Barcelona's clause asks for three rounds of testing with residents and scores "
                    "the test plan "
                    "at 15 % of the award. We adopted it for the new permits portal; suppliers priced"
                    " it at about "
                    "4 % of the contract."
                )
            match.save()
            other_handle = {"Helsinki": "mikko.laine", "Barcelona": "jordi.puig"}[invited[0]]
            _say(
                room,
                [
                    (handle, "Thank you for accepting! Could we start with a call next week?"),
                    (other_handle, "Gladly. I will bring the colleague who ran our first sessions."),
                    (handle, "Perfect, Tuesday 10:00 CET works for us.", 2),
                ],
                people,
                start=created_at + timedelta(days=3),
            )
    return created


def load_discussions(*, rng: random.Random, stdout: TextIO | None = None) -> dict[str, int]:
    del rng  # scripted content: the same on every run
    now = timezone.now()
    people = _ensure_people()
    espoo = Authority.objects.filter(name="Espoo").first()
    if espoo is not None:
        representative = espoo.representatives.order_by("pk").first()
        if representative is not None:
            people["representative"] = representative
    rooms = _ensure_rooms()
    by_slug = {room.slug: room for room in rooms}
    for slug, lines in CONVERSATIONS.items():
        _say(by_slug[slug], lines, people, start=now - timedelta(days=6))
    topic_rooms = [room for room in rooms if room.kind == Room.Kind.TOPIC]
    if topic_rooms:
        _say(
            topic_rooms[0],
            [
                (
                    "femke.bakker",
                    "Which indicator here do most of you answer *no* to? For us it is the published "
                    "service standard.",
                ),
                (
                    "kristjan.tamm",
                    "Same. We have one in draft; the hard part is getting every department to sign it.",
                    1,
                ),
            ],
            people,
            start=now - timedelta(days=3),
        )
    threads = _page_threads(people, start=now - timedelta(days=1))
    matches = _ensure_matches(people, now=now)
    summary = {"rooms": len(rooms), "threads": threads, "matches": matches}
    if stdout is not None:
        stdout.write(f"  {summary['rooms']} rooms, {threads} page threads, {matches} new matches")
    return summary
