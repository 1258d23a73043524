import re

import pytest
from taggit.models import Tag

from benchmarks.factories import AuthorityFactory
from portal.tagging import register_tagged_page_type, tagged_page_types
from practices.factories import PracticeCasePageFactory
from practices.models import PracticeCasePage


def form_data(ghent, **overrides):
    data = {
        "title": "Repair cafés booked online",
        "authorities": [str(ghent.pk)],
        "summary": "Residents book a repair café slot.",
        "description": "Run by **volunteers**.",
        "user_centricity": "Designed with visitors.",
        "impact": "3,100 repairs booked.",
        "principles": ["citizen-engagement"],
        "service_area": "environment",
        "life_event": "",
        "status": "pilot",
        "year_launched": "2025",
        "tags": "co design, repair",
        "link_1_title": "Booking page",
        "link_1_url": "https://example.org/repair",
        "contact_name": "Milo",
        "contact_email": "milo@example.org",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestLibraryPage:
    def test_filters_from_the_address_and_counts(self, client, library):
        ghent = AuthorityFactory(name="Ghent", country="BE")
        PracticeCasePageFactory(
            parent=library, title="Usability lab", authorities=[ghent], tags=["co-design"]
        )
        PracticeCasePageFactory(parent=library, title="Parking app", authorities=[ghent], tags=["parking"])
        html = client.get(library.url, {"tag": "co-design", "country": "BE"}).content.decode()
        assert "Usability lab" in html and "Parking app" not in html
        assert "1 practice case" in html
        assert 'name="tag" value="co-design" checked' in html
        assert 'data-count="1"' in html

    def test_bad_filter_values_are_reported_and_ignored(self, client, library):
        PracticeCasePageFactory(parent=library, title="Usability lab")
        response = client.get(library.url, {"year": "<b>x</b>", "status": "nope", "sort": "x"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "not understood" in html and "Usability lab" in html
        assert "<b>x</b>" not in html and "&lt;b&gt;x" in html

    def test_pagination_keeps_the_filters(self, client, library):
        for n in range(14):
            PracticeCasePageFactory(parent=library, title=f"Case {n}", tags=["many"])
        html = client.get(library.url, {"tag": "many"}).content.decode()
        assert "?tag=many&amp;page=2" in html
        assert "Case 0" in client.get(library.url, {"tag": "many", "page": 2}).content.decode()

    def test_a_long_facet_shows_the_most_used_values_and_a_show_all_button(self, client, library):
        for n in range(18):  # 18 authorities; city-00 has 3 cases, city-01 2, the others 1
            authority = AuthorityFactory(name=f"City {n:02d}", slug=f"city-{n:02d}", country="BE")
            for _ in range(max(1, 3 - n)):
                PracticeCasePageFactory(parent=library, authorities=[authority])
        html = client.get(library.url, {"authority": "city-17"}).content.decode()
        shown = re.findall(r'name="authority" value="(city-\d+)"', html)
        assert len(shown) == 16 and shown[:2] == ["city-00", "city-01"]  # 15 most used, and the ticked one
        assert "city-17" in shown and 'value="city-17" checked' in html
        assert '<button type="submit" class="link-button" name="show" value="authority">Show all 18' in html
        assert 'name="show" value="authority">' in html and "Show fewer" not in html

        html = client.get(library.url, {"authority": "city-17", "show": "authority"}).content.decode()
        shown = re.findall(r'name="authority" value="(city-\d+)"', html)
        assert shown == [f"city-{n:02d}" for n in range(18)]  # all, by name
        assert '<input type="hidden" name="show" value="authority">' in html
        assert 'href="?authority=city-17">Show fewer' in html
        assert 'value="authority">Show all' not in html

    def test_no_draft_is_listed(self, client, library):
        PracticeCasePageFactory(parent=library, title="Published lab")
        draft = PracticeCasePageFactory(parent=library, title="Draft lab")
        draft.unpublish()
        html = client.get(library.url).content.decode()
        assert "Published lab" in html and "Draft lab" not in html and "1 practice case" in html


@pytest.mark.django_db
class TestTagPage:
    def test_lists_cases_and_every_registered_type(self, client, library):
        PracticeCasePageFactory(parent=library, title="Usability lab", tags=["co-design"])
        html = client.get(library.url + "tag/co-design/").content.decode()
        assert "Usability lab" in html and "Practice cases" in html
        assert tagged_page_types()[0].model is PracticeCasePage

    def test_briefs_and_toolkit_entries_with_the_tag_are_listed(self, client, library):
        from django.apps import apps

        if not apps.is_installed("learning") or not any(
            entry.model_label == "learning.PolicyBriefPage" for entry in tagged_page_types()
        ):
            pytest.skip("the learning app has no tagged policy briefs")
        from learning.factories import PolicyBriefIndexPageFactory, PolicyBriefPageFactory

        briefs = PolicyBriefIndexPageFactory(parent=library.get_parent(), slug="briefs")
        brief = PolicyBriefPageFactory(parent=briefs, title="Co-design in practice")
        brief.tags.add("co-design")
        brief.save()
        PracticeCasePageFactory(parent=library, title="Usability lab", tags=["Co-design"])
        html = client.get(library.url + "tag/co-design/").content.decode()
        assert "Co-design in practice" in html and "Usability lab" in html and "Policy briefs" in html

    def test_registry_is_idempotent(self):
        before = len(tagged_page_types())
        register_tagged_page_type("practices.PracticeCasePage", label="Practice cases", order=0)
        assert len(tagged_page_types()) == before

    def test_suggestions(self, client, library):
        PracticeCasePageFactory(parent=library, tags=["co-design", "codesign sprint", "parking"])
        data = client.get(library.url + "tags/suggest/", {"q": "co"}).json()
        assert [t["name"] for t in data["tags"]] == ["co-design", "codesign sprint"]


@pytest.mark.django_db
class TestSubmissionViews:
    def test_visitors_are_sent_to_log_in(self, client, library):
        response = client.get(library.url + "submit/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_member_submits_and_sees_it_in_my_submissions(self, client, library, member, ghent):
        client.force_login(member)
        response = client.post(library.url + "submit/", form_data(ghent))
        assert response.status_code == 302
        case = PracticeCasePage.objects.get()
        assert not case.live and case.submitted_by == member
        html = client.get(response["Location"]).content.decode()
        assert "Repair cafés booked online" in html and "Awaiting the editors" in html

    def test_invalid_form_rerenders_with_errors_and_creates_nothing(self, client, library, member, ghent):
        client.force_login(member)
        data = form_data(ghent, title="", link_1_url="javascript:alert(1)", year_launched="1800")
        response = client.post(library.url + "submit/", data)
        html = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in html
        assert 'aria-invalid="true"' in html
        assert not PracticeCasePage.objects.exists()

    def test_rejected_case_is_revised_from_my_submissions(self, client, library, member, editor, ghent):
        client.force_login(member)
        client.post(library.url + "submit/", form_data(ghent))
        case = PracticeCasePage.objects.get()
        task_state = case.current_workflow_state.current_task_state.specific
        task_state.task.specific.on_action(task_state, editor, "reject", comment="Add figures please.")
        html = client.get(library.url + "my-submissions/").content.decode()
        assert "Sent back for changes" in html and "Add figures please." in html
        revise_url = f"{library.url}my-submissions/{case.pk}/revise/"
        form_html = client.get(revise_url).content.decode()
        assert "Run by **volunteers**." in form_html  # the Markdown they wrote, not the HTML
        response = client.post(revise_url, form_data(ghent, impact="3,100 repairs, 9 tonnes saved."))
        assert response.status_code == 302
        assert "Awaiting the editors" in client.get(library.url + "my-submissions/").content.decode()
        assert client.get(revise_url).status_code == 403

    def test_other_members_cannot_open_the_revise_form(self, client, library, member, ghent):
        from portal.factories import UserFactory

        client.force_login(member)
        client.post(library.url + "submit/", form_data(ghent))
        case = PracticeCasePage.objects.get()
        client.force_login(UserFactory())
        assert client.get(f"{library.url}my-submissions/{case.pk}/revise/").status_code == 404


@pytest.mark.django_db
class TestCasePage:
    def test_members_tag_a_case_and_contact_is_for_members(self, client, library, member):
        case = PracticeCasePageFactory(parent=library, contact_name="Jan Peeters", tags=["Co-design"])
        case.save_revision().publish()
        assert "Jan Peeters" not in client.get(case.url).content.decode()
        assert client.post(case.url + "tags/", {"tags": "x"}).status_code == 302
        assert list(case.tags.names()) == ["Co-design"]
        client.force_login(member)
        html = client.get(case.url).content.decode()
        assert "Jan Peeters" in html and 'list="tag-suggestions"' in html
        response = client.post(case.url + "tags/", {"tags": "co design, Open data"})
        assert response.status_code == 302
        assert sorted(PracticeCasePage.objects.get(pk=case.pk).tags.names()) == ["Co-design", "Open data"]
        assert Tag.objects.count() == 2
        bad = client.post(case.url + "tags/", {"tags": "!!!"})
        assert bad.status_code == 200 and "letters or digits" in bad.content.decode()

    def test_indicators_the_case_helps_with_and_scores(self, client, demo_site):
        case = PracticeCasePage.objects.live().get(slug="city-usability-lab")
        html = client.get(case.url).content.decode()
        assert "In the benchmark" in html
        assert "user-centric, rank" in html
        assert "This case helps Ghent answer Yes" in html
