"""Recommendations read from the database: who leads, their cases and the toolkit entries, shown on the
authority's profile and on a representative's "My recommendations" page."""

import pytest
from django.contrib.auth.models import Group

from benchmarks.factories import DashboardPageFactory
from benchmarks.models import SubPillar
from benchmarks.tests.utils import codes_of, make_authority, publish_answers, ucc_edition
from learning import selectors
from learning.factories import ToolkitEntryPageFactory
from portal import roles
from portal.factories import UserFactory
from practices.factories import PracticeCasePageFactory, PracticeIndexPageFactory

ALL_BUT = ("2.3", "3.2", "3.3")


@pytest.fixture
def community(home, toolkit_index):
    edition = ucc_edition("2023")
    every = set(edition.indicators.values_list("code", flat=True))
    weak = set(codes_of(edition, *ALL_BUT))
    espoo = make_authority("Espoo", country="FI", population=305_000)
    ghent = make_authority("Ghent", country="BE", population=265_000)
    milan = make_authority("Milan", country="IT", population=1_371_000)
    arezzo = make_authority("Arezzo", country="IT", population=97_000)
    publish_answers(authority=espoo, edition=edition, yes_codes=(every - weak) | {"sati_servprovision"})
    publish_answers(authority=ghent, edition=edition, yes_codes=every)
    publish_answers(authority=milan, edition=edition, yes_codes=every - {"usa_web_wcag"})
    publish_answers(authority=arezzo, edition=edition, yes_codes=set())
    make_authority("Kyiv")  # no published result
    library = PracticeIndexPageFactory(parent=home, slug="practices")
    usability = SubPillar.objects.get(edition=edition, key="2.3")
    case = PracticeCasePageFactory(
        parent=library, title="Ghent measures usability", authorities=[ghent], sub_pillars=[usability]
    )
    PracticeCasePageFactory(
        parent=library, title="Arezzo case", authorities=[arezzo], sub_pillars=[usability]
    )
    sus = ToolkitEntryPageFactory(
        parent=toolkit_index,
        title="SUS survey kit",
        subpillars=[SubPillar.objects.get(edition__revision="2022", key="2.3")],  # same area, older edition
    )
    dashboard = DashboardPageFactory(parent=home, slug="dashboard", title="Benchmark dashboard")
    return {
        "espoo": espoo,
        "ghent": ghent,
        "case": case,
        "sus": sus,
        "dashboard": dashboard,
        "edition": edition,
    }


@pytest.mark.django_db
def test_weakest_areas_leaders_cases_toolkit_and_reasons(community):
    found = selectors.authority_recommendations(authority=community["espoo"])
    assert found.edition == community["edition"]
    assert [area.key for area in found.areas] == ["2.3", "3.2", "3.3"]
    usability = found.areas[0]
    assert usability.summary == "2.3 Useability is your weakest sub-pillar: 0 of 4 Yes (0 %)."
    assert [item.leader.name for item in usability.leaders] == [
        "Ghent",
        "Milan",
    ]  # 4/4, then 3/4; never Arezzo
    assert usability.leaders[0].cases == [community["case"]]
    assert usability.leaders[0].leader.case_count == 1 and usability.leaders[1].cases == []
    assert usability.toolkit == [community["sus"]]
    reasons = [reason for _gap, reason in usability.gaps]
    assert reasons[0] == (
        "You answer No to “usability is assessed with standard tools (for example the System Usability "
        "Scale)”; Ghent and Milan answer Yes and describe how in 1 case."
    )
    assert (
        "You answer No to “websites comply with WCAG”; Ghent answers Yes and describes how in 1 case."
        in reasons
    )
    satisfaction = found.areas[2]
    assert satisfaction.summary == "3.3 Satisfaction is your third weakest sub-pillar: 1 of 2 Yes (50 %)."
    assert [reason for _gap, reason in satisfaction.gaps] == [
        "You answer No to “more than 80% of users are satisfied”; Ghent and Milan answer Yes."
    ]


@pytest.mark.django_db
def test_no_published_result_no_recommendations(community):
    from benchmarks.models import Authority

    assert selectors.authority_recommendations(authority=Authority.objects.get(name="Kyiv")) is None
    ghent = selectors.authority_recommendations(authority=community["ghent"])
    assert ghent.areas == []  # full marks everywhere


@pytest.mark.django_db
def test_profile_shows_recommendations_naming_the_authority(client, community):
    html = client.get(community["dashboard"].url + "authority/espoo/").content.decode()
    section = html.split('<section class="recommendations"')[1].split("</section>")[0]
    assert "2.3 Useability" in section and "3.2 Reduction of burden" in section
    assert "Espoo answers No to “usability is assessed" in section
    assert 'href="/dashboard/authority/ghent/"' in section
    assert "Ghent measures usability</a>" in section and "SUS survey kit</a>" in section


@pytest.mark.django_db
def test_my_recommendations_for_representatives_only(client, community):
    response = client.get("/learning/my-recommendations/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    member = UserFactory(email="someone@example.org")
    client.force_login(member)
    html = client.get("/learning/my-recommendations/").content.decode()
    assert "You do not represent an authority yet." in html
    assert 'href="/learning/my-recommendations/"' not in html  # no menu link for non-representatives

    representative = UserFactory(email="rep@espoo.example.org")
    representative.groups.add(Group.objects.get(name=roles.REPRESENTATIVES))
    community["espoo"].representatives.add(representative)
    client.force_login(representative)
    html = client.get("/learning/my-recommendations/").content.decode()
    assert 'href="/learning/my-recommendations/"' in html  # account menu
    assert "Espoo: learn from those who do it well" in html
    assert "2.3 Useability is your weakest sub-pillar" in html
    assert "You answer No to “usability is assessed" in html
