import pytest
from django.core.management import call_command


@pytest.fixture
def demo_site(db):
    """The demo community, loaded through the real command (quietly)."""
    call_command("load_demo", "--seed", "7", stdout=open("/dev/null", "w"))
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)
