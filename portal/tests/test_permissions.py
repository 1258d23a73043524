"""The role helpers every app uses (portal/permissions.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from benchmarks.factories import AuthorityFactory, EditorFactory, RepresentativeFactory
from portal import permissions, roles
from portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_roles_from_visitor_to_admin():
    visitor = AnonymousUser()
    member = UserFactory()
    inactive = UserFactory(is_active=False)
    verified = UserFactory(is_verified=True)
    espoo = AuthorityFactory(name="Espoo")
    representative = RepresentativeFactory(authority=espoo)
    editor = EditorFactory()
    moderator = UserFactory(groups=[Group.objects.get(name=roles.MODERATORS)])
    admin = UserFactory(is_superuser=True)

    assert [permissions.is_member(u) for u in (visitor, inactive, member)] == [False, False, True]
    assert [permissions.is_verified_member(u) for u in (member, verified, admin)] == [False, True, True]
    assert [permissions.represents(u, espoo) for u in (member, representative, visitor)] == [
        False,
        True,
        False,
    ]
    assert permissions.is_representative(representative) and not permissions.is_representative(member)
    assert [permissions.is_editor(u) for u in (moderator, editor, admin)] == [False, True, True]
    assert [permissions.is_moderator(u) for u in (member, moderator, editor)] == [False, True, True]
    assert [permissions.is_admin(u) for u in (editor, admin)] == [False, True]


def test_decorator_and_mixin():
    factory = RequestFactory()

    @permissions.verified_member_required
    def view(request):
        return HttpResponse("ok")

    class EditorsOnly(permissions.EditorRequiredMixin, View):
        def get(self, request):
            return HttpResponse("ok")

    request = factory.get("/secret/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    assert EditorsOnly.as_view()(request).status_code == 302
    request.user = UserFactory()
    with pytest.raises(PermissionDenied):
        view(request)
    with pytest.raises(PermissionDenied):
        EditorsOnly.as_view()(request)
    request.user = UserFactory(is_verified=True)
    assert view(request).status_code == 200
    request.user = EditorFactory()
    assert EditorsOnly.as_view()(request).status_code == 200
