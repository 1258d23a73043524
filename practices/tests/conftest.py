import pytest
from django.contrib.auth.models import Group
from wagtail.models import Site

from benchmarks.factories import AuthorityFactory, EditorFactory
from portal import roles
from portal.factories import UserFactory
from practices.factories import PracticeIndexPageFactory


@pytest.fixture
def library(db):
    site = Site.objects.get(is_default_site=True)
    return PracticeIndexPageFactory(parent=site.root_page, slug="practices")


@pytest.fixture
def member(db):
    user = UserFactory(email="milo@example.org", first_name="Milo")
    user.groups.add(Group.objects.get(name=roles.MEMBERS))
    return user


@pytest.fixture
def editor(db):
    return EditorFactory(email="eero@example.org")


@pytest.fixture
def ghent(db):
    return AuthorityFactory(name="Ghent", country="BE")


@pytest.fixture
def submission_data(ghent):
    from benchmarks.factories import ucc_edition

    return {
        "title": "Repair cafés booked online",
        "authorities": [ghent],
        "summary": "Residents book a repair café slot.",
        "description": "Run by **volunteers**.",
        "user_centricity": "Designed with visitors.",
        "impact": "- 3,100 repairs\n- 9 tonnes of waste avoided",
        "principles": ["citizen-engagement"],
        "sub_pillars": list(ucc_edition("2023").subpillars.filter(key="3.4")),
        "service_area": "environment",
        "life_event": "",
        "status": "pilot",
        "year_launched": 2025,
        "tags": ["co design", "Repair"],
        "contact_name": "Milo",
        "contact_role": "Coordinator",
        "contact_email": "milo@example.org",
        "contact_phone": "+32 9 123 45 67",
    }
