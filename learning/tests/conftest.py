import pytest
from wagtail.models import Page, Site

from learning.factories import PolicyBriefIndexPageFactory, ToolkitIndexPageFactory
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
