from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from benchmarks.demo import FOUNDING_AUTHORITIES
from benchmarks.models import Authority
from portal.models import HomePage


def run_load_demo(seed: int = 3) -> str:
    out = StringIO()
    call_command("load_demo", "--seed", str(seed), stdout=out)
    return out.getvalue()


def snapshot():
    return (
        Page.objects.count(),
        Authority.objects.count(),
        get_user_model().objects.count(),
        sorted(Page.objects.values_list("url_path", flat=True)),
    )


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_prints_logins():
    output = run_load_demo()
    first = snapshot()
    assert "Demo logins" in output
    for email in (
        "admin@example.org",
        "editor@example.org",
        "moderator@example.org",
        "representative@espoo.example.org",
        "verified@example.org",
        "member@example.org",
    ):
        assert email in output
    run_load_demo()
    assert snapshot() == first


@pytest.mark.django_db
def test_demo_home_page_is_the_site_root_and_welcome_page_is_gone():
    run_load_demo()
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


@pytest.mark.django_db
def test_the_26_founding_authorities():
    run_load_demo()
    assert Authority.objects.count() == 26 == len(FOUNDING_AUTHORITIES)
    assert Authority.objects.get(name="Emilia-Romagna").kind == Authority.Kind.REGION
    assert Authority.objects.get(name="Kyiv").country == "UA"
    assert Authority.objects.filter(kind=Authority.Kind.REGION).count() == 4
    assert all(a.population and a.population > 10_000 for a in Authority.objects.all())
    espoo = Authority.objects.get(name="Espoo")
    assert list(espoo.representatives.values_list("email", flat=True)) == ["representative@espoo.example.org"]


@pytest.mark.django_db
def test_demo_keeps_editor_changes():
    run_load_demo()
    about = Page.objects.get(slug="about").specific
    about.title = "About us (edited)"
    about.save_revision().publish()
    run_load_demo()
    assert Page.objects.get(slug="about").title == "About us (edited)"
