"""Demo community: 30 members across the founding authorities with every role, their interests, follows,
notifications, a pending and an approved request to join with a new authority.

Idempotent (members are found by e-mail, follows and notifications are added only once) and deterministic
for a given random generator. Every demo login's password is portal.demo.DEMO_PASSWORD.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from benchmarks.models import Authority

from . import roles
from .accounts.models import AuthorityJoinRequest
from .factories import UserFactory
from .notifications.models import Follow, Notification
from .notifications.services import follow_add

FIRST_NAMES = (
    "Aino",
    "Giulia",
    "Lucía",
    "Daan",
    "Kertu",
    "Marco",
    "Elena",
    "Jordi",
    "Inès",
    "Pieter",
    "Fiona",
    "Erik",
    "Mikko",
    "Olena",
    "João",
    "Nika",
    "Pablo",
    "Camille",
    "Sofía",
    "Linnea",
    "Tomás",
    "Agnese",
    "Sara",
    "Luca",
    "Maarten",
    "Anna",
    "Chiara",
    "Bruno",
    "Eva",
    "Hugo",
)
LAST_NAMES = (
    "Korhonen",
    "Rossi",
    "García",
    "de Vries",
    "Tamm",
    "Bianchi",
    "Martínez",
    "Puig",
    "Dubois",
    "Peeters",
    "MacLeod",
    "Lindqvist",
    "Nieminen",
    "Kovalenko",
    "Silva",
    "Novak",
    "Fernández",
    "Laurent",
    "López",
    "Johansson",
    "Costa",
    "Ozola",
    "Ferrer",
    "Conti",
    "Jansen",
    "Berzina",
    "Ricci",
    "Santos",
    "Horvat",
    "Moreau",
)
JOB_TITLES = (
    "Chief digital officer",
    "Service designer",
    "Head of customer service",
    "Open data lead",
    "Digital transformation manager",
    "UX researcher",
    "Policy officer",
    "Product owner, e-services",
    "Accessibility specialist",
    "Innovation advisor",
)
INTERESTS = (
    "digital identity",
    "accessibility",
    "one-stop shop",
    "open data",
    "co-design",
    "chatbots",
    "e-participation",
    "service design",
    "proactive services",
    "digital inclusion",
)
# (role, how many): representatives and the verified are verified; "unverified" are plain members.
ROLE_PLAN = (
    ("representative", 8),
    ("verified", 11),
    ("unverified", 6),
    ("editor", 2),
    ("moderator", 2),
    ("admin", 1),
)
NOTIFICATION_TEXTS = (
    (
        "membership",
        "Welcome to the UserCentriCities community. Complete your profile so peers can find you.",
        "/members/me/edit/",
    ),
    ("match", "{authority} could learn from you on proactive services: would you talk to them?", "/members/"),
    ("event", "The next UserCentriCafé is open for registration.", "/events/"),
    ("mention", "{name} mentioned you in a discussion.", "/community/"),
    ("benchmark", "The 2023 results of {authority} are published.", "/dashboard/"),
)


def _domain(authority: Authority) -> str:
    return authority.email_domain or f"{slugify(authority.name)}.example.org"


def ensure_members(*, rng: random.Random) -> list:
    """30 members, deterministic for the generator, with every role."""
    from benchmarks.demo import DEMO_REPRESENTATIVES

    # The benchmark demo's own representatives keep their authorities to themselves.
    taken = set(DEMO_REPRESENTATIVES.values())
    authorities = [a for a in Authority.objects.order_by("name") if a.name not in taken]
    groups = {
        name: Group.objects.get(name=name)
        for name in (roles.MEMBERS, roles.REPRESENTATIVES, roles.EDITORS, roles.MODERATORS)
    }
    tags = [
        Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name) for name in INTERESTS
    ]
    now = timezone.now()
    members = []
    index = 0
    for role, count in ROLE_PLAN:
        for _n in range(count):
            first, last = FIRST_NAMES[index], LAST_NAMES[index]
            authority = authorities[index % len(authorities)] if authorities else None
            email = f"{slugify(first)}.{slugify(last)}@{_domain(authority) if authority else 'example.org'}"
            member = UserFactory(
                email=email,
                first_name=first,
                last_name=last,
                job_title=rng.choice(JOB_TITLES),
                authority=authority if role != "unverified" or index % 2 else None,
                organisation="" if authority else "Partner organisation",
                country=authority.country if authority else "",
                is_verified=role != "unverified",
                is_staff=role == "admin",
                is_superuser=role == "admin",
                email_confirmed_at=now - timedelta(days=index + 1),
                email_frequency=rng.choice(["immediate", "daily", "weekly", "weekly", "never"]),
            )
            member.groups.add(groups[roles.MEMBERS])
            if role == "representative" and authority is not None:
                member.groups.add(groups[roles.REPRESENTATIVES])
                authority.representatives.add(member)
            elif role == "editor":
                member.groups.add(groups[roles.EDITORS])
            elif role == "moderator":
                member.groups.add(groups[roles.MODERATORS])
            if not member.interests.exists():
                member.interests.set(rng.sample(tags, k=rng.randint(1, 3)))
            members.append(member)
            index += 1
    return members


def ensure_follows(*, members: list, rng: random.Random) -> None:
    authorities = list(Authority.objects.order_by("name"))
    for member in members:
        if Follow.objects.filter(user=member).exists():
            continue
        for tag in member.interests.all():
            follow_add(user=member, target=tag)
        for authority in rng.sample(authorities, k=min(2, len(authorities))):
            follow_add(user=member, target=authority)


def ensure_notifications(*, members: list, rng: random.Random) -> None:
    authorities = list(Authority.objects.order_by("name")) or [None]
    now = timezone.now()
    for member in members:
        if Notification.objects.filter(recipient=member).exists():
            continue
        for i, (kind, text, url) in enumerate(rng.sample(NOTIFICATION_TEXTS, k=3)):
            authority = rng.choice(authorities)
            other = rng.choice(members)
            Notification.objects.create(
                recipient=member,
                kind=kind,
                text=text.format(authority=authority, name=other),
                url=url,
                created_at=now - timedelta(hours=rng.randint(1, 240)),
                read_at=now if i == 2 else None,
                by_email=False,
            )


def ensure_authority_requests(*, members: list) -> None:
    unverified = [m for m in members if not m.is_verified]
    editor = next((m for m in members if m.groups.filter(name=roles.EDITORS).exists()), None)
    if not unverified or AuthorityJoinRequest.objects.exists():
        return
    newcomer = UserFactory(
        email="kertu.tamm@tartu.ee",
        first_name="Kertu",
        last_name="Tamm",
        job_title="Head of e-services",
        organisation="City of Tartu",
        country="EE",
        email_confirmed_at=timezone.now(),
    )
    newcomer.groups.add(Group.objects.get(name=roles.MEMBERS))
    AuthorityJoinRequest.objects.create(
        requested_by=newcomer,
        name="Tartu",
        country="EE",
        kind=AuthorityJoinRequest.Kind.CITY,
        website="https://www.tartu.ee",
        email_domain="tartu.ee",
        message="Illustrative demo request: we would like to answer the 2023 questionnaire.",
    )
    AuthorityJoinRequest.objects.create(
        requested_by=unverified[-1],
        name="Tampere Region",
        country="FI",
        kind=AuthorityJoinRequest.Kind.REGION,
        website="https://www.pirkanmaa.fi",
        email_domain="pirkanmaa.fi",
        status=AuthorityJoinRequest.Status.DECLINED,
        decided_by=editor,
        decided_at=timezone.now(),
        decision_note="Illustrative demo decision: please ask with an address at the region's domain.",
    )


def load_community(*, rng: random.Random) -> list:
    """The whole demo community; also gives the per-role demo logins follows and notifications."""
    members = ensure_members(rng=rng)
    User = get_user_model()
    logins = list(
        User.objects.filter(email__endswith="example.org", email_confirmed_at__isnull=True, is_active=True)
    )
    for login in logins:
        login.email_confirmed_at = login.date_joined
        # Community managers and moderators are people the community knows: verified.
        login.is_verified = (
            login.is_verified or login.groups.filter(name__in=[roles.EDITORS, roles.MODERATORS]).exists()
        )
        login.save(update_fields=["email_confirmed_at", "is_verified"])
    everyone = members + list(User.objects.filter(email__in=[u.email for u in logins]))
    ensure_follows(members=everyone, rng=rng)
    ensure_notifications(members=everyone, rng=rng)
    ensure_authority_requests(members=members)
    return members
