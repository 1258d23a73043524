import pytest

from benchmarks.factories import AuthorityFactory
from portal.factories import UserFactory
from practices.factories import PracticeCasePageFactory, PracticeIndexPageFactory


@pytest.fixture
def library(db):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    return PracticeIndexPageFactory(parent=site.root_page, slug="practices")


class TestCasePage:
    def test_contact_only_for_logged_in_members(self, client, library):
        case = PracticeCasePageFactory(
            parent=library, authorities=[AuthorityFactory(name="Ghent")], contact_name="Jan Peeters"
        )
        assert "Jan Peeters" not in client.get(case.url).content.decode()
        client.force_login(UserFactory())
        assert "Jan Peeters" in client.get(case.url).content.decode()


class TestLibrary:
    def test_lists_live_cases_and_tag_page(self, client, library):
        PracticeCasePageFactory(parent=library, title="Parking permit in one step", tags=["parking"])
        hidden = PracticeCasePageFactory(parent=library, title="Unpublished", tags=["parking"])
        hidden.unpublish()
        html = client.get(library.url).content.decode()
        assert "Parking permit in one step" in html and "Unpublished" not in html
        tag_html = client.get(library.url + "tag/parking/").content.decode()
        assert "Parking permit in one step" in tag_html and "Unpublished" not in tag_html
        assert client.get(library.url + "tag/nope/").status_code == 404
