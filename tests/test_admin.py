"""An editor works in the Wagtail admin the way a person would: log in, add a page, publish it."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.demo import DEMO_PASSWORD
from portal.models import StandardPage


@pytest.mark.django_db
def test_editor_logs_in_creates_and_publishes_a_standard_page(client, demo_site):
    response = client.post("/admin/login/", {"username": "editor@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302, "editor could not log in"
    assert client.get("/admin/").status_code == 200

    home = demo_site.root_page
    add_url = f"/admin/pages/add/portal/standardpage/{home.pk}/"
    assert client.get(add_url).status_code == 200
    data = nested_form_data(
        {
            "title": "Cookie policy",
            "slug": "cookie-policy",
            "introduction": "Which cookies the portal sets, and why.",
            "body": streamfield([("heading_block", {"text": "Strictly necessary cookies", "level": "h2"})]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    page = StandardPage.objects.get(slug="cookie-policy")
    assert page.live and page.get_parent().pk == home.pk
    assert page.owner.email == "editor@example.org"
    public = client.get(page.url)
    assert public.status_code == 200
    assert "Strictly necessary cookies" in public.content.decode()


@pytest.mark.django_db
def test_editor_cannot_create_a_page_where_the_tree_forbids_it(client, demo_site):
    client.post("/admin/login/", {"username": "editor@example.org", "password": DEMO_PASSWORD})
    dashboard = Page.objects.get(slug="dashboard")
    before = Page.objects.count()
    response = client.get(f"/admin/pages/add/portal/homepage/{dashboard.pk}/")
    # Wagtail refuses a page type its parent does not allow, sending the editor back with a message.
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response.url == "/admin/"
    assert Page.objects.count() == before


@pytest.mark.django_db
def test_member_cannot_log_into_the_admin(client, demo_site):
    response = client.post("/admin/login/", {"username": "member@example.org", "password": DEMO_PASSWORD})
    assert client.get("/admin/").status_code != 200
    assert response.status_code in (200, 302)
