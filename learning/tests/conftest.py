"""Fixtures of the learning app's tests: a small published benchmark with representatives, and members."""

import pytest
from django.core.cache import cache
from wagtail.models import Page, Site

from benchmarks.factories import RepresentativeFactory
from benchmarks.tests.utils import codes_of, make_authority, publish_answers, ucc_edition
from learning.factories import (
    MemberFactory,
    ModeratorFactory,
    PolicyBriefIndexPageFactory,
    RoomFactory,
    ToolkitIndexPageFactory,
)
from learning.models import Room
from portal.factories import HomePageFactory


@pytest.fixture
def home(db):
    """A bare site: a home page as the default site's root, no demo data."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="ucc-home", title="UserCentriCities")
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    return home


@pytest.fixture
def brief_index(home):
    return PolicyBriefIndexPageFactory(parent=home, slug="policy-briefs", title="Policy briefs")


@pytest.fixture
def toolkit_index(home):
    return ToolkitIndexPageFactory(parent=home, slug="toolkit", title="Toolkit")


@pytest.fixture
def published(db):
    """Five published authorities of 2023 with one representative each. On sub-pillar 1.1 Ghent and
    Helsinki answer everything Yes, Espoo nothing; Ghent is Espoo's closest context (similar city)."""
    cache.clear()
    edition = ucc_edition()
    authorities = {
        "espoo": make_authority("Espoo", slug="espoo", country="FI", population=305_000),
        "ghent": make_authority("Ghent", slug="ghent", country="BE", population=265_000),
        "helsinki": make_authority("Helsinki", slug="helsinki", country="FI", population=674_000),
        "catalonia": make_authority(
            "Catalonia", slug="catalonia", country="ES", kind="region", population=8_000_000
        ),
        "milan": make_authority("Milan", slug="milan", country="IT", population=1_371_000),
    }
    yes = {
        "espoo": codes_of(edition, "2.1"),
        "ghent": codes_of(edition, "1.1", "2.1"),
        "helsinki": codes_of(edition, "1.1", "1.2"),
        "catalonia": codes_of(edition, "1.1", "1.2", "2.1", "2.2"),
        "milan": codes_of(edition, "2.2"),
    }
    for slug, authority in authorities.items():
        publish_answers(authority=authority, edition=edition, yes_codes=yes[slug])
        RepresentativeFactory(
            email=f"rep@{slug}.example.org", first_name=slug.title(), last_name="Rep", authority=authority
        )
    return authorities


@pytest.fixture
def member(db):
    return MemberFactory(email="mia@example.org", first_name="Mia", last_name="Member")


@pytest.fixture
def other_member(db):
    return MemberFactory(email="oskar@example.org", first_name="Oskar", last_name="Other")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(email="mods@example.org", first_name="Mona", last_name="Moderator")


@pytest.fixture
def room(db):
    return RoomFactory(slug="inclusion", title="Digital inclusion", kind=Room.Kind.THEME)


@pytest.fixture
def private_room(db, member):
    room = RoomFactory(slug="match-x", title="Private match room", kind=Room.Kind.PRIVATE)
    room.participants.add(member)
    return room
