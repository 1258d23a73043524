"""Editors manage frameworks in the Wagtail admin and start a new edition by copying one."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from benchmarks.models import Edition, Indicator
from benchmarks.tests.utils import ucc_edition
from portal import roles
from portal.factories import UserFactory


@pytest.fixture
def editor(db):
    return UserFactory(email="editor-admin@example.org", groups=[Group.objects.get(name=roles.EDITORS)])


@pytest.mark.django_db
def test_editor_sees_frameworks_editions_and_indicators(client, editor):
    client.force_login(editor)
    for name in ("framework", "edition", "subpillar", "indicator", "submission", "authority"):
        response = client.get(reverse(f"wagtailsnippets_benchmarks_{name}:list"))
        assert response.status_code == 200, name
    listing = client.get(reverse("wagtailsnippets_benchmarks_edition:list")).content.decode()
    assert reverse("benchmarks_edition_copy", args=[ucc_edition().pk]) in listing


@pytest.mark.django_db
def test_editor_edits_an_indicator_question(client, editor):
    client.force_login(editor)
    indicator = Indicator.objects.get(edition=ucc_edition(), code="co_codesign")
    url = reverse("wagtailsnippets_benchmarks_indicator:edit", args=[indicator.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "subpillar": indicator.subpillar_id,
            "code": "co_codesign",
            "question": "Every new service is co-designed with its users before launch.",
            "guidance": "Answer Yes if a policy requires it.",
            "evidence_required": "on",
            "sort_order": indicator.sort_order,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    indicator.refresh_from_db()
    assert indicator.question.startswith("Every new service is co-designed")


@pytest.mark.django_db
def test_editor_starts_a_new_edition_by_copying_the_last(client, editor):
    client.force_login(editor)
    source = ucc_edition("2023")
    url = reverse("benchmarks_edition_copy", args=[source.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"revision": "2025", "title": ""})
    assert response.status_code == 302
    new = Edition.objects.get(framework=source.framework, revision="2025")
    assert new.title == "UserCentriCities Benchmarking Framework 2025"
    assert new.subpillars.count() == 12 and new.indicators.count() == 41 and new.pillars.count() == 3
    codes = set(source.indicators.values_list("code", flat=True))
    assert set(new.indicators.values_list("code", flat=True)) == codes
    assert new.indicators.get(code="inter_onceonly").subpillar.key == "2.6"
    assert ModelLogEntry.objects.filter(action="benchmarks.edition.copy", object_id=str(new.pk)).exists()
    # The source is untouched and a second copy with the same revision is refused.
    assert source.indicators.count() == 41
    response = client.post(url, {"revision": "2025"})
    assert response.status_code == 200
    assert "already has an edition 2025" in response.content.decode()
    assert Edition.objects.filter(revision="2025").count() == 1


@pytest.mark.django_db
def test_member_cannot_copy_an_edition(client):
    member = UserFactory(email="m-admin@example.org", groups=[Group.objects.get(name=roles.MEMBERS)])
    client.force_login(member)
    response = client.post(reverse("benchmarks_edition_copy", args=[ucc_edition().pk]), {"revision": "2030"})
    assert response.status_code in (302, 403)
    assert not Edition.objects.filter(revision="2030").exists()
