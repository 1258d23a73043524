"""Writes of membership: sign-up and e-mail confirmation, profiles, verification, representatives,
requests to join with a new authority, export and deletion of a member's data.

Sign-up rule: a new account is inactive (it cannot log in) until its owner opens the confirmation link
e-mailed to them and confirms; then it is active, in the Members group, with `email_confirmed_at` set.
Signing up with an address that already has an account sends that address a notice instead, and the
person sees the same "check your e-mail" page: sign-up never tells who is a member.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benchmarks.models import Authority
from portal import roles
from portal.notifications.services import notification_send
from portal.permissions import is_editor, is_member

from .mail import absolute_url, send_templated_mail
from .models import AuthorityJoinRequest
from .personal_data import personal_data_providers
from .selectors import domain_matches, email_domain
from .tokens import make_confirmation_token, read_confirmation_token

User = get_user_model()

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "authority",
    "organisation",
    "country",
    "show_in_directory",
    "email_frequency",
)


def _send_confirmation(user) -> None:
    link = absolute_url(reverse("signup_confirm", kwargs={"token": make_confirmation_token(user)}))
    send_templated_mail(
        to=user.email, template="portal/email/confirm_email", context={"member": user, "link": link}
    )


def _send_already_member(email: str) -> None:
    send_templated_mail(
        to=email,
        template="portal/email/already_member",
        context={
            "login_url": absolute_url(reverse("login")),
            "reset_url": absolute_url(reverse("password_reset")),
        },
    )


def member_sign_up(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    organisation: str = "",
    authority: Authority | None = None,
    country: str = "",
):
    """Create an inactive account and e-mail its confirmation link. Returns the new member, or None when the
    address already had an account (that address then gets a notice; the caller shows the same page)."""
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.is_active or existing.email_confirmed_at:
            transaction.on_commit(lambda: _send_already_member(email))
        else:  # never confirmed: send a fresh link
            transaction.on_commit(lambda: _send_confirmation(existing))
        return None
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
        organisation=organisation.strip(),
        authority=authority,
        country=country,
        is_active=False,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        transaction.on_commit(lambda: _send_confirmation(user))
    return user


def member_resend_confirmation(*, email: str) -> None:
    """E-mail a new confirmation link if this address has an unconfirmed account (else, silently nothing)."""
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=False, email_confirmed_at__isnull=True
    ).first()
    if user is not None:
        _send_confirmation(user)


def member_for_token(*, token: str):
    """The account a confirmation token belongs to; ValidationError when expired, forged or outdated."""
    try:
        payload = read_confirmation_token(token)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This confirmation link has expired. Ask for a new one below."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("This confirmation link is not valid. Ask for a new one below."), code="invalid"
        ) from None
    user = User.objects.filter(pk=payload.get("id"), email__iexact=payload.get("email", "")).first()
    if user is None:
        raise ValidationError(
            _("This confirmation link is not valid. Ask for a new one below."), code="invalid"
        )
    return user


@transaction.atomic
def member_confirm_email(*, token: str):
    """Activate the account of a valid token (idempotent). Community managers hear of domain matches."""
    user = member_for_token(token=token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is not None:  # confirmed before (a deactivated account stays inactive)
        return user
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    user.groups.add(Group.objects.get(name=roles.MEMBERS))
    match = next((m for m in domain_matches(limit=1000) if m.member.pk == user.pk), None)
    if match is not None:
        for editor in User.objects.filter(groups__name=roles.EDITORS, is_active=True).distinct():
            notification_send(
                recipient=editor,
                kind="membership",
                text=_("%(member)s signed up with an address at %(domain)s (%(authority)s): verify them?")
                % {"member": user, "domain": email_domain(user.email), "authority": match.authority},
                url=reverse("members:manage"),
            )
    return user


@transaction.atomic
def member_update_profile(
    *,
    member,
    by,
    data: dict,
    interests: list[str] | None = None,
    photo=None,
    remove_photo: bool = False,
    follow_interests: bool = False,
):
    """Change a member's profile. Only the member themself (or an admin) may."""
    if not is_member(by) or (by.pk != member.pk and not by.is_superuser):
        raise PermissionDenied(_("You can only change your own profile."))
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(member, name, data[name])
    old_photo = member.photo.name if member.photo else ""
    if remove_photo:
        member.photo = None
    if photo:
        member.photo = photo
    member.full_clean(exclude=["password"])
    member.save()
    if old_photo and old_photo != (member.photo.name if member.photo else ""):
        storage = member.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    if interests is not None:
        member.interests.set(interests, clear=False)
        if follow_interests:
            from portal.notifications.services import follow_add

            for tag in member.interests.all():
                follow_add(user=member, target=tag)
    return member


def _require_editor(by) -> None:
    if not is_editor(by):
        raise PermissionDenied(_("Only community managers can do this."))


@transaction.atomic
def member_verify(*, member, by, verified: bool = True, authority: Authority | None = None):
    """Set or clear the "verified" mark of a member (community managers only). `authority` (a quick
    verification from an e-mail domain match) becomes the member's authority if they named none."""
    _require_editor(by)
    if authority is not None and member.authority_id is None:
        member.authority = authority
        member.save(update_fields=["authority"])
    if member.is_verified == verified:
        return member
    member.is_verified = verified
    member.save(update_fields=["is_verified"])
    if verified:
        notification_send(
            recipient=member,
            kind="membership",
            text=_("A community manager verified your membership."),
            url=reverse("members:me"),
            email=True,
        )
    return member


@transaction.atomic
def representative_appoint(*, member, authority: Authority, by):
    """Make a member a representative of an authority (community managers only); they are verified too."""
    _require_editor(by)
    if not member.is_active:
        raise ValidationError(_("Only members who confirmed their e-mail address can be representatives."))
    authority.representatives.add(member)
    member.groups.add(Group.objects.get(name=roles.REPRESENTATIVES), Group.objects.get(name=roles.MEMBERS))
    changed = []
    if member.authority_id is None:
        member.authority = authority
        changed.append("authority")
    if not member.is_verified:
        member.is_verified = True
        changed.append("is_verified")
    if changed:
        member.save(update_fields=changed)
    notification_send(
        recipient=member,
        kind="membership",
        text=_("You are now a representative of %(authority)s: you can answer its benchmark questionnaire.")
        % {"authority": authority.name},
        url=reverse("benchmarks:questionnaire_list"),
        email=True,
    )
    return member


@transaction.atomic
def representative_remove(*, member, authority: Authority, by):
    _require_editor(by)
    authority.representatives.remove(member)
    if not member.represented_authorities.exists():
        member.groups.remove(Group.objects.get(name=roles.REPRESENTATIVES))
    return member


def authority_request_create(
    *, by, name: str, country: str, kind: str, website: str, email_domain: str, message: str = ""
) -> AuthorityJoinRequest:
    """A member asks to join with an authority that is not on the portal yet."""
    if not is_member(by):
        raise PermissionDenied(_("Log in to ask for a new authority."))
    name = " ".join(name.split())
    if Authority.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("This authority is already on the portal: choose it in your profile.")}
        )
    if AuthorityJoinRequest.objects.filter(
        requested_by=by, name__iexact=name, status=AuthorityJoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            {"name": _("You already asked for this authority; a community manager will answer.")}
        )
    request = AuthorityJoinRequest(
        requested_by=by,
        name=name,
        country=country,
        kind=kind,
        website=website,
        email_domain=email_domain.strip().lower().lstrip("@"),
        message=message.strip(),
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        for editor in User.objects.filter(groups__name=roles.EDITORS, is_active=True).distinct():
            notification_send(
                recipient=editor,
                kind="membership",
                text=_("%(member)s asks to join with a new authority: %(name)s")
                % {"member": by, "name": request.name},
                url=reverse("members:manage") + "#authority-requests",
                email=True,
            )
    return request


def _lock_pending(*, join_request: AuthorityJoinRequest, by) -> AuthorityJoinRequest:
    """The request, locked for the decision; only editors decide, and only once."""
    _require_editor(by)
    join_request = AuthorityJoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != AuthorityJoinRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    return join_request


def _decide(join_request: AuthorityJoinRequest, *, status: str, by, **fields) -> None:
    for name, value in {"status": status, "decided_by": by, "decided_at": timezone.now(), **fields}.items():
        setattr(join_request, name, value)
    join_request.save()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:190] or "authority"
    slug, n = base, 2
    while Authority.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def authority_request_approve(*, join_request: AuthorityJoinRequest, by) -> Authority:
    """Create the authority and make the person who asked its representative."""
    join_request = _lock_pending(join_request=join_request, by=by)
    if Authority.objects.filter(name__iexact=join_request.name).exists():
        raise ValidationError(_("An authority with this name is already on the portal."))
    authority = Authority(
        name=join_request.name,
        slug=_unique_slug(join_request.name),
        country=str(join_request.country),
        kind=join_request.kind,
        website=join_request.website,
        email_domain=join_request.email_domain,
    )
    authority.full_clean()
    authority.save()
    _decide(join_request, status=AuthorityJoinRequest.Status.APPROVED, by=by, authority=authority)
    member = join_request.requested_by
    if member.authority_id is None:
        member.authority = authority
        member.save(update_fields=["authority"])
    representative_appoint(member=member, authority=authority, by=by)
    return authority


@transaction.atomic
def authority_request_decline(
    *, join_request: AuthorityJoinRequest, by, note: str = ""
) -> AuthorityJoinRequest:
    join_request = _lock_pending(join_request=join_request, by=by)
    _decide(join_request, status=AuthorityJoinRequest.Status.DECLINED, by=by, decision_note=note.strip())
    text = _("Your request to join with %(name)s was declined.") % {"name": join_request.name}
    if join_request.decision_note:
        text = f"{text} {join_request.decision_note}"
    notification_send(recipient=join_request.requested_by, kind="membership", text=text, email=True)
    return join_request


def member_export(*, member) -> dict:
    """Everything the portal keeps about a member, from every registered provider."""
    data = {"exported_at": timezone.now(), "member": member.email}
    for provider in personal_data_providers():
        if provider.export is not None:
            data[provider.key] = {"label": provider.label, "data": provider.export(member)}
    # Round-trip through JSON so every provider's dates and decimals become plain values now.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def member_delete(*, member, by, password: str, delete_content: bool = False) -> None:
    """Delete a member's account after checking their password; every provider cleans up first."""
    if not is_member(by) or by.pk != member.pk:
        raise PermissionDenied(_("You can only delete your own account."))
    if not member.check_password(password):
        raise ValidationError({"password": _("This is not your password.")})
    for provider in personal_data_providers():
        if provider.delete is not None:
            provider.delete(member, delete_content=delete_content)
    photo = member.photo.name if member.photo else ""
    if photo:
        storage = member.photo.storage
        transaction.on_commit(lambda: storage.delete(photo))
    member.interests.clear()
    member.delete()
