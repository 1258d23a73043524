import pytest
from wagtail.models import Page, Site

from events.factories import EventIndexPageFactory
from portal.factories import HomePageFactory


@pytest.fixture
def event_index(db):
    """A bare site: a home page with an event index, no demo data."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="ucc-home", title="UserCentriCities")
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    return EventIndexPageFactory(parent=home, slug="events", title="Events")
