"""Fixtures shared by every test folder (tests/ and <app>/tests/)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_site(db):
    """The demo community, loaded through the real command (quietly)."""
    call_command("load_demo", "--seed", "7", stdout=StringIO())
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached fragments must not leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
