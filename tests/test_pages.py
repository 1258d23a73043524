"""Every page type of the demo site renders, with the site chrome and the editable navigation."""

import pytest
from wagtail.models import Page

from portal.models import NavigationSettings


@pytest.mark.django_db
def test_every_demo_page_renders(client, demo_site):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    page_types = {type(page).__name__ for page in pages}
    assert {
        "HomePage",
        "StandardPage",
        "CommunityIndexPage",
        "DashboardPage",
        "PracticeIndexPage",
        "PolicyBriefIndexPage",
        "ToolkitIndexPage",
        "EventIndexPage",
    } <= page_types
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert "<h1" in html and page.title.split()[0] in html
        assert 'href="#main-content"' in html, "skip link missing"
        assert '<main id="main-content"' in html


@pytest.mark.django_db
def test_home_page_explains_the_portal(client, demo_site):
    html = client.get("/").content.decode()
    assert "UserCentriCities" in html
    assert "Tallinn Declaration" in html
    assert "cities and regions" in html


@pytest.mark.django_db
def test_navigation_comes_from_the_cms(client, demo_site):
    nav = NavigationSettings.load()
    labels = [block.value["label"] for block in nav.main_navigation]
    assert labels == ["Dashboard", "Good practices", "Policy briefs", "Toolkit", "Events", "Community"]
    nav.main_navigation = [("link", {"label": "Only this", "page": None, "url": "https://eurocities.eu/"})]
    nav.save()
    html = client.get("/").content.decode()
    assert "Only this" in html and "https://eurocities.eu/" in html
    assert ">Toolkit</a>" not in html.split('class="main-nav"')[1].split("</nav>")[0]


@pytest.mark.django_db
def test_current_section_is_marked_in_navigation(client, demo_site):
    html = client.get("/toolkit/").content.decode()
    nav = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/toolkit/" aria-current="page"' in nav
    assert nav.count('aria-current="page"') == 1


@pytest.mark.django_db
def test_unknown_page_is_a_real_404(client, demo_site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_search_finds_demo_pages(client, demo_site):
    response = client.get("/search/", {"q": "toolkit"})
    assert response.status_code == 200
    assert 'href="/toolkit/"' in response.content.decode()
    assert client.get("/search/", {"q": "toolkit", "page": "999"}).status_code == 200
