import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page

from portal import roles
from portal.factories import UserFactory


@pytest.mark.django_db
def test_migrations_create_the_role_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {roles.MEMBERS, roles.REPRESENTATIVES, roles.EDITORS, roles.MODERATORS} <= names


@pytest.mark.django_db
def test_editors_can_publish_and_edit_navigation():
    editors = Group.objects.get(name=roles.EDITORS)
    root = Page.get_first_root_node()
    codenames = set(
        GroupPagePermission.objects.filter(group=editors, page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames
    editor = UserFactory(groups=[editors])
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("portal.change_navigationsettings")
    assert editor.has_perm("benchmarks.change_authority")


@pytest.mark.django_db
def test_members_have_no_admin_access(client):
    member = UserFactory(groups=[Group.objects.get(name=roles.MEMBERS)])
    assert not member.has_perm("wagtailadmin.access_admin")
    assert roles.user_has_role(member, roles.MEMBERS)
    assert not roles.user_has_role(member, roles.EDITORS)
    client.force_login(member)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_email_is_the_login_and_case_insensitive(client):
    UserFactory(email="Someone@Example.org", password="a-Long-passw0rd")
    assert client.login(username="someone@example.org", password="a-Long-passw0rd")
