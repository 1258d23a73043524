"""Sign-up with e-mail confirmation, profiles, the directory, verification, representatives, requests to join
with a new authority, data export and account deletion."""

import json
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from benchmarks.factories import AuthorityFactory, EditorFactory
from benchmarks.models import Authority
from portal import roles
from portal.accounts import services
from portal.accounts.models import AuthorityJoinRequest
from portal.accounts.personal_data import register_personal_data_provider
from portal.accounts.selectors import domain_matches
from portal.factories import UserFactory
from portal.models import User
from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Ana.Ruiz@Murcia.es",
    "first_name": "Ana",
    "last_name": "Ruiz",
    "job_title": "Service designer",
    "organisation": "",
    "country": "ES",
    "password1": "a-Long-passw0rd-2026",
    "password2": "a-Long-passw0rd-2026",
    "accept": "on",
    "homepage": "",
}


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm/[^/\s]+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def member(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=roles.MEMBERS))
    return user


class TestSignUp:
    def test_sign_up_confirm_and_log_in(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("signup"), SIGNUP)
        assert response.status_code == 302 and response.url == reverse("signup_done")
        user = User.objects.get(email="ana.ruiz@murcia.es")
        assert not user.is_active and user.email_confirmed_at is None
        # Not usable before confirmation.
        assert not client.login(username="ana.ruiz@murcia.es", password=SIGNUP["password1"])
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana.ruiz@murcia.es"]
        assert mail.outbox[0].alternatives  # HTML version too
        link = path_of(confirmation_link(mail.outbox[0]))
        # Opening the link changes nothing (mail scanners); the button confirms.
        page = client.get(link)
        assert page.status_code == 200 and b"Confirm my address" in page.content
        user.refresh_from_db()
        assert not user.is_active
        response = client.post(link)
        assert response.status_code == 302 and response.url == reverse("members:profile_edit")
        user.refresh_from_db()
        assert user.is_active and user.email_confirmed_at is not None
        assert user.groups.filter(name=roles.MEMBERS).exists()
        assert client.get(reverse("members:me")).status_code == 200  # logged in by the confirmation

    def test_existing_address_is_not_revealed(self, client, django_capture_on_commit_callbacks):
        member(email="taken@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("signup"), {**SIGNUP, "email": "Taken@example.org"})
        assert response.status_code == 302 and response.url == reverse("signup_done")
        assert User.objects.filter(email__iexact="taken@example.org").count() == 1
        assert "already has an account" in mail.outbox[0].body

    def test_bad_input_re_renders_with_errors_and_creates_nothing(self, client):
        response = client.post(
            reverse("signup"), {**SIGNUP, "password2": "different", "email": "not-an-address"}
        )
        assert response.status_code == 400
        assert b'aria-invalid="true"' in response.content
        assert b"id_email_error" in response.content
        assert not User.objects.filter(first_name="Ana").exists()

    def test_honeypot(self, client):
        response = client.post(reverse("signup"), {**SIGNUP, "homepage": "http://spam.example"})
        assert response.status_code == 400
        assert not User.objects.filter(first_name="Ana").exists()

    @override_settings(PORTAL_RATE_LIMITS={"signup": ("100/h", "2/h")})
    def test_rate_limited_by_address(self, client):
        for _i in range(2):
            client.post(reverse("signup"), {**SIGNUP, "password2": "x"})
        response = client.post(reverse("signup"), SIGNUP)
        assert response.status_code == 429
        assert b"Too many attempts" in response.content
        assert not User.objects.filter(first_name="Ana").exists()

    def test_expired_and_forged_links(self, client):
        user = services.member_sign_up(
            email="late@example.org", password="x" * 12, first_name="L", last_name="T"
        )
        from portal.accounts.tokens import make_confirmation_token

        token = make_confirmation_token(user)
        with override_settings(MEMBER_CONFIRMATION_MAX_AGE=-1):
            response = client.get(reverse("signup_confirm", args=[token]))
        assert response.status_code == 400 and b"expired" in response.content
        response = client.post(reverse("signup_confirm", args=[token[:-2] + "xx"]))
        assert response.status_code == 400
        user.refresh_from_db()
        assert not user.is_active

    def test_resend_confirmation(self, client):
        services.member_sign_up(email="again@example.org", password="x" * 12, first_name="A", last_name="G")
        mail.outbox.clear()
        client.post(reverse("resend_confirmation"), {"email": "again@example.org"})
        client.post(reverse("resend_confirmation"), {"email": "nobody@example.org"})
        assert [m.to for m in mail.outbox] == [["again@example.org"]]

    @override_settings(PORTAL_RATE_LIMITS={"login": ("100/h", "2/h")})
    def test_login_rate_limited(self, client):
        member(email="someone@example.org", password="right-passw0rd")
        for _i in range(2):
            client.post(reverse("login"), {"username": "someone@example.org", "password": "wrong"})
        response = client.post(
            reverse("login"), {"username": "someone@example.org", "password": "right-passw0rd"}
        )
        assert response.status_code == 429 and b"Too many attempts" in response.content

    def test_domain_match_is_offered_to_community_managers(self, django_capture_on_commit_callbacks):
        espoo = AuthorityFactory(name="Espoo", email_domain="espoo.fi")
        editor = EditorFactory()
        user = services.member_sign_up(
            email="aino@espoo.fi", password="x" * 12, first_name="A", last_name="K"
        )
        from portal.accounts.tokens import make_confirmation_token

        services.member_confirm_email(token=make_confirmation_token(user))
        assert [(m.member, m.authority) for m in domain_matches()] == [(user, espoo)]
        assert Notification.objects.filter(recipient=editor, kind="membership").exists()
        services.member_verify(member=user, by=editor, authority=espoo)
        user.refresh_from_db()
        assert user.is_verified and user.authority == espoo
        assert domain_matches() == []


class TestProfile:
    def test_edit_profile_with_interests_and_photo(self, client, tmp_path, settings):
        settings.MEDIA_ROOT = tmp_path
        user = member(email="me@example.org")
        client.force_login(user)
        from io import BytesIO

        from PIL import Image

        buffer = BytesIO()
        Image.new("RGB", (40, 40), "blue").save(buffer, "PNG")
        photo = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
        response = client.post(
            reverse("members:profile_edit"),
            {
                "first_name": "Maria",
                "last_name": "Rossi",
                "job_title": "Open data lead",
                "country": "IT",
                "interests": "open data, Accessibility",
                "follow_interests": "on",
                "show_in_directory": "on",
                "email_frequency": "daily",
                "photo": photo,
            },
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.first_name, user.country.code, user.email_frequency) == ("Maria", "IT", "daily")
        assert sorted(user.interests.names()) == ["Accessibility", "open data"]
        assert user.follows.count() == 2
        assert user.photo.name.startswith("members/photos/")
        assert client.get(reverse("members:photo", args=[user.pk])).status_code == 200

    def test_photo_type_and_size_are_checked(self, client):
        user = member(email="me@example.org")
        client.force_login(user)
        fake = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
        response = client.post(
            reverse("members:profile_edit"),
            {"first_name": "M", "last_name": "R", "email_frequency": "weekly", "photo": fake},
        )
        assert response.status_code == 400
        user.refresh_from_db()
        assert not user.photo and user.first_name != "M"

    def test_only_the_member_changes_their_profile(self):
        user, other = member(email="a@example.org"), member(email="b@example.org")
        with pytest.raises(PermissionDenied):
            services.member_update_profile(member=user, by=other, data={"first_name": "X"})


class TestDirectory:
    def test_visitors_are_sent_to_log_in(self, client):
        response = client.get(reverse("members:directory"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert client.get(reverse("members:detail", args=[member().pk])).status_code == 302

    def test_search_and_filters(self, client):
        espoo = AuthorityFactory(name="Espoo", country="FI")
        milan = AuthorityFactory(name="Milan", country="IT")
        aino = member(
            first_name="Aino", last_name="Korhonen", authority=espoo, country="FI", is_verified=True
        )
        aino.interests.add("accessibility")
        giulia = member(first_name="Giulia", last_name="Rossi", authority=milan, country="IT")
        giulia.interests.add("open data")
        member(first_name="Hidden", last_name="Person", show_in_directory=False)
        client.force_login(giulia)

        def names(**query):
            response = client.get(reverse("members:directory"), query)
            assert response.status_code == 200
            return [str(m) for m in response.context["members"]]

        assert names() == ["Aino Korhonen", "Giulia Rossi"]
        assert names(authority="espoo") == ["Aino Korhonen"]
        assert names(country="IT") == ["Giulia Rossi"]
        assert names(interest="accessibility") == ["Aino Korhonen"]
        assert names(q="rossi") == ["Giulia Rossi"]
        assert b"Verified" in client.get(reverse("members:directory")).content

    def test_paginated(self, client):
        for i in range(30):
            member(first_name=f"P{i:02d}", last_name="Member")
        client.force_login(User.objects.first())
        first = client.get(reverse("members:directory"))
        assert len(first.context["members"]) == 24
        assert len(client.get(reverse("members:directory"), {"page": 2}).context["members"]) == 6


class TestCommunityManagers:
    def test_members_cannot_manage(self, client):
        user = member()
        client.force_login(user)
        assert client.get(reverse("members:manage")).status_code == 403
        assert client.post(reverse("members:verify", args=[user.pk])).status_code == 403
        user.refresh_from_db()
        assert not user.is_verified

    def test_editor_verifies_and_appoints(self, client):
        editor, user = EditorFactory(), member(email="m@example.org")
        ghent = AuthorityFactory(name="Ghent")
        client.force_login(editor)
        assert client.get(reverse("members:manage")).status_code == 200
        client.post(reverse("members:verify", args=[user.pk]), {"verified": "1"})
        client.post(reverse("members:appoint", args=[user.pk]), {"authority": ghent.pk})
        user.refresh_from_db()
        assert user.is_verified
        assert ghent.representatives.filter(pk=user.pk).exists()
        assert user.groups.filter(name=roles.REPRESENTATIVES).exists()
        assert user.notifications.filter(kind="membership").count() == 2
        client.post(reverse("members:remove_representative", args=[user.pk, ghent.pk]))
        assert not ghent.representatives.filter(pk=user.pk).exists()
        assert not user.groups.filter(name=roles.REPRESENTATIVES).exists()

    def test_request_to_join_with_a_new_authority(self, client):
        editor, user = EditorFactory(), member(email="kertu@tartu.ee")
        client.force_login(user)
        data = {
            "name": "Tartu",
            "country": "EE",
            "kind": "city",
            "website": "https://www.tartu.ee",
            "email_domain": "@Tartu.ee",
            "message": "",
        }
        assert (
            client.post(
                reverse("members:authority_request"), {**data, "email_domain": "not a domain"}
            ).status_code
            == 400
        )
        assert client.post(reverse("members:authority_request"), data).status_code == 302
        join_request = AuthorityJoinRequest.objects.get()
        assert join_request.email_domain == "tartu.ee"
        assert editor.notifications.exists()
        # A member cannot approve; the editor can.
        assert (
            client.post(
                reverse("members:manage_request", args=[join_request.pk]), {"decision": "approve"}
            ).status_code
            == 403
        )
        client.force_login(editor)
        client.post(reverse("members:manage_request", args=[join_request.pk]), {"decision": "approve"})
        tartu = Authority.objects.get(name="Tartu")
        assert (tartu.slug, tartu.country, tartu.email_domain) == ("tartu", "EE", "tartu.ee")
        assert tartu.representatives.filter(pk=user.pk).exists()
        user.refresh_from_db()
        assert user.authority == tartu and user.is_verified
        with pytest.raises(ValidationError):
            services.authority_request_approve(join_request=join_request, by=editor)

    def test_existing_authority_cannot_be_requested(self):
        AuthorityFactory(name="Porto")
        with pytest.raises(ValidationError):
            services.authority_request_create(
                by=member(),
                name="porto",
                country="PT",
                kind="city",
                website="https://porto.pt",
                email_domain="porto.pt",
            )


@pytest.fixture
def isolated_providers():
    with mock.patch.dict("portal.accounts.personal_data._providers"):
        yield


@pytest.mark.usefixtures("isolated_providers")
class TestYourData:
    def test_export_has_every_provider(self, client):
        user = member(email="me@example.org", job_title="Designer")
        user.interests.add("co-design")
        register_personal_data_provider(
            "tests.extra", label="Extra", export=lambda u: {"when": u.date_joined}
        )
        client.force_login(user)
        response = client.get(reverse("members:data_export"))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        data = json.loads(response.content)
        assert data["profile"]["data"]["job_title"] == "Designer"
        assert data["profile"]["data"]["interests"] == ["co-design"]
        assert "when" in data["tests.extra"]["data"]
        assert client.get(reverse("members:data_export")).status_code == 200
        client.logout()
        assert client.get(reverse("members:data_export")).status_code == 302

    def test_delete_needs_the_password_and_calls_providers(self, client):
        user = member(email="leaving@example.org", password="my-passw0rd-1")
        calls = []
        register_personal_data_provider(
            "tests.posts",
            label="Posts",
            delete=lambda u, *, delete_content: calls.append((u.pk, delete_content)),
        )
        client.force_login(user)
        response = client.post(reverse("members:delete_account"), {"password": "wrong"})
        assert response.status_code == 400 and User.objects.filter(pk=user.pk).exists()
        response = client.post(
            reverse("members:delete_account"), {"password": "my-passw0rd-1", "delete_content": "on"}
        )
        assert response.status_code == 302
        assert not User.objects.filter(pk=user.pk).exists()
        assert calls == [(user.pk, True)]

    def test_a_failing_provider_keeps_the_account(self):
        user = member(email="stays@example.org", password="my-passw0rd-1")

        def broken(u, *, delete_content):
            raise RuntimeError("boom")

        register_personal_data_provider("tests.broken", label="Broken", delete=broken)
        with pytest.raises(RuntimeError):
            services.member_delete(member=user, by=user, password="my-passw0rd-1")
        assert User.objects.filter(pk=user.pk).exists()


def test_unconfirmed_tokens_expire_after_three_days():
    from django.core import signing

    from portal.accounts.tokens import make_confirmation_token, read_confirmation_token

    user = member()
    token = make_confirmation_token(user)
    with mock.patch("django.core.signing.time.time", return_value=__import__("time").time() + 3 * 86400 + 5):
        with pytest.raises(signing.SignatureExpired):
            read_confirmation_token(token)
    assert read_confirmation_token(token)["id"] == user.pk


def test_admin_menu_links_community_managers_to_the_members_page(client):
    client.force_login(EditorFactory())
    assert reverse("members:manage").encode() in client.get("/admin/").content


@pytest.mark.parametrize("delete_content", [False, True])
def test_discussion_messages_stay_as_former_member_unless_deleted_too(delete_content):
    from learning.factories import MessageFactory
    from learning.models import Message

    user = member(email="writer@example.org", password="my-passw0rd-1")
    message = MessageFactory(author=user, body="What I think")
    data = services.member_export(member=user)
    assert [m["body"] for m in data["learning.discussions"]["data"]] == ["What I think"]
    services.member_delete(member=user, by=user, password="my-passw0rd-1", delete_content=delete_content)
    kept = Message.objects.filter(pk=message.pk).select_related("author").first()
    if delete_content:
        assert kept is None
    else:
        assert str(kept.author) == "Former member" and not kept.author.is_active
