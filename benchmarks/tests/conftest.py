import pytest
from wagtail.models import Page, Site

from benchmarks.factories import DashboardPageFactory
from portal.factories import HomePageFactory


@pytest.fixture
def dashboard_page(db):
    """A bare site: a home page with a dashboard page, no demo data."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="ucc-home", title="UserCentriCities")
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    return DashboardPageFactory(parent=home, slug="dashboard", title="Benchmark dashboard")
