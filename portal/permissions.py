"""Who may do what, for every app: small role checks plus view decorators and mixins.

Roles (see portal/roles.py): visitor (anonymous) < member (an active account with a confirmed e-mail) <
verified member (`User.is_verified`, set by a community manager) < authority representative (in
`Authority.representatives`); editors (community managers), moderators and admins (superusers) hold
their group. Superusers pass every check.

    from portal.permissions import is_verified_member, member_required, EditorRequiredMixin

    @member_required
    def my_view(request): ...

Visitors asking for a members-only page are sent to the login page; a logged-in person without the role
gets 403 (templates/403.html).
"""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from . import roles


def is_member(user) -> bool:
    """A logged-in, active account (its e-mail address confirmed: unconfirmed accounts are inactive)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_verified_member(user) -> bool:
    """A member a community manager has verified (or a superuser)."""
    return is_member(user) and (user.is_verified or user.is_superuser)


def is_editor(user) -> bool:
    """A community manager: the Editors group (or a superuser)."""
    return is_member(user) and roles.user_has_role(user, roles.EDITORS)


is_community_manager = is_editor


def is_moderator(user) -> bool:
    """A discussion moderator: the Moderators group, editors (community managers) or a superuser."""
    return is_member(user) and (
        roles.user_has_role(user, roles.MODERATORS) or roles.user_has_role(user, roles.EDITORS)
    )


def is_admin(user) -> bool:
    return is_member(user) and user.is_superuser


def represents(user, authority) -> bool:
    """True when the member is one of the authority's representatives."""
    if not is_member(user) or authority is None:
        return False
    return authority.representatives.filter(pk=user.pk).exists()


def is_representative(user) -> bool:
    """A representative of at least one authority."""
    return is_member(user) and user.represented_authorities.exists()


def role_required(check, *, message: str = ""):
    """Decorator for function views: visitors are sent to log in, members failing `check` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_member(request.user):
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


member_required = role_required(is_member)
verified_member_required = role_required(is_verified_member)
editor_required = role_required(is_editor)
moderator_required = role_required(is_moderator)


class RoleRequiredMixin(AccessMixin):
    """Mixin for class-based views: set `role_check` to one of the functions above."""

    role_check = staticmethod(is_member)

    def dispatch(self, request, *args, **kwargs):
        if not is_member(request.user):
            return self.handle_no_permission()
        if not self.role_check(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MemberRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_member)


class VerifiedMemberRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_verified_member)


class EditorRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_editor)


class ModeratorRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_moderator)
