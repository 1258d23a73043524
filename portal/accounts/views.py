"""Membership pages: sign-up and confirmation, profiles, the members' directory, data export and account
deletion, requests to join with a new authority, and the community managers' page.

Thin views: roles through portal.permissions, writes through portal.accounts.services, Post/Redirect/Get
with a message after every successful write, forms re-rendered with their errors otherwise.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchmarks.models import Authority
from portal.permissions import editor_required, is_editor, member_required
from portal.ratelimits import LIMITED_MESSAGE, rate_limited

from . import selectors, services
from .forms import (
    AppointRepresentativeForm,
    AuthorityRequestForm,
    ConfirmEmailForm,
    DeclineRequestForm,
    DeleteAccountForm,
    DirectoryFilterForm,
    ProfileForm,
    ResendConfirmationForm,
    SignUpForm,
)
from .models import AuthorityJoinRequest

User = get_user_model()
DIRECTORY_PAGE_SIZE = 24


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Sign-up and e-mail confirmation ------------------------------------------------------------------


def signup(request):
    if request.user.is_authenticated:
        return redirect("members:me")
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if rate_limited(request, scope="signup", address=request.POST.get("email", "")):
            form.add_error(None, LIMITED_MESSAGE)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.member_sign_up(
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    job_title=data["job_title"],
                    organisation=data["organisation"],
                    authority=data["authority"],
                    country=data["country"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                request.session["signup_email"] = data["email"]
                return redirect("signup_done")
        if status == 200:
            status = 400
    return TemplateResponse(request, "registration/signup.html", {"form": form}, status=status)


def signup_done(request):
    return TemplateResponse(
        request, "registration/signup_done.html", {"email": request.session.get("signup_email")}
    )


def signup_confirm(request, token):
    try:
        member = services.member_for_token(token=token)
    except ValidationError as error:
        return TemplateResponse(
            request,
            "registration/signup_confirm.html",
            {"error": error.messages[0], "resend_form": ResendConfirmationForm()},
            status=400,
        )
    if request.method == "POST":
        ConfirmEmailForm(request.POST).is_valid()
        member = services.member_confirm_email(token=token)
        if not member.is_active:
            messages.error(request, _("This account is not active. Write to the community managers."))
            return redirect("login")
        login(request, member, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Your e-mail address is confirmed. Welcome! Tell the community about yourself.")
        )
        return redirect("members:profile_edit")
    return TemplateResponse(
        request,
        "registration/signup_confirm.html",
        {"member": member, "already": member.email_confirmed_at is not None, "form": ConfirmEmailForm()},
    )


def resend_confirmation(request):
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request, scope="confirmation_resend", address=request.POST.get("email", "")):
            form.add_error(None, LIMITED_MESSAGE)
            return TemplateResponse(
                request, "registration/resend_confirmation.html", {"form": form}, status=429
            )
        if form.is_valid():
            services.member_resend_confirmation(email=form.cleaned_data["email"])
            request.session["signup_email"] = form.cleaned_data["email"]
            return redirect("signup_done")
    return TemplateResponse(request, "registration/resend_confirmation.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's login, rate-limited by IP and by the address tried."""

    def post(self, request, *args, **kwargs):
        if rate_limited(request, scope="login", address=request.POST.get("username", "")):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, LIMITED_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset (which never says whether an address has an account), rate-limited."""

    def post(self, request, *args, **kwargs):
        if rate_limited(request, scope="password_reset", address=request.POST.get("email", "")):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, LIMITED_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


# --- Profiles ------------------------------------------------------------------------------------------


@member_required
def me(request):
    return TemplateResponse(
        request,
        "portal/accounts/me.html",
        {
            "member": request.user,
            "requests": request.user.authority_requests.all(),
            "represents": request.user.represented_authorities.all(),
        },
    )


@member_required
def profile_edit(request):
    member = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.member_update_profile(
                    member=member,
                    by=request.user,
                    data=data,
                    interests=data["interests"],
                    photo=data.get("photo"),
                    remove_photo=data["remove_photo"],
                    follow_interests=data["follow_interests"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("members:me")
        return TemplateResponse(request, "portal/accounts/profile_edit.html", {"form": form}, status=400)
    return TemplateResponse(request, "portal/accounts/profile_edit.html", {"form": form})


def _visible_member(request, pk):
    member = get_object_or_404(User.objects.select_related("authority"), pk=pk, is_active=True)
    if not member.show_in_directory and member.pk != request.user.pk and not is_editor(request.user):
        raise Http404
    return member


@member_required
def member_detail(request, pk):
    member = _visible_member(request, pk)
    context = {"member": member, "represents": member.represented_authorities.all()}
    if is_editor(request.user):
        context["appoint_form"] = AppointRepresentativeForm()
    return TemplateResponse(request, "portal/accounts/member_detail.html", context)


@member_required
def member_photo(request, pk):
    """Photos are for members' eyes only: served through this view, not from /media/."""
    member = _visible_member(request, pk)
    if not member.photo:
        raise Http404
    response = FileResponse(member.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@member_required
def directory(request):
    form = DirectoryFilterForm(
        request.GET or None,
        authorities=selectors.directory_authorities(),
        interests=selectors.member_interest_tags(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.directory_members(
        query=filters.get("q", ""),
        authority=filters.get("authority"),
        country=filters.get("country", ""),
        interest=filters.get("interest", ""),
    )
    page_obj = Paginator(members, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    extra_query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return TemplateResponse(
        request,
        "portal/accounts/directory.html",
        {"form": form, "page_obj": page_obj, "members": page_obj.object_list, "extra_query": extra_query},
    )


# --- Your data ----------------------------------------------------------------------------------------


@member_required
def data_export(request):
    data = services.member_export(member=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="usercentricities-my-data-{stamp}.json"'
    return response


@member_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_delete(
                member=request.user,
                by=request.user,
                password=form.cleaned_data["password"],
                delete_content=form.cleaned_data["delete_content"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            from django.contrib.auth import logout

            logout(request)
            messages.success(request, _("Your account and your personal data are deleted. Goodbye."))
            return redirect("/")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "portal/accounts/delete_account.html", {"form": form}, status=status)


# --- Joining with a new authority ---------------------------------------------------------------------


@member_required
def authority_request(request):
    form = AuthorityRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.authority_request_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you. A community manager will look at your request."))
            return redirect("members:me")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "portal/accounts/authority_request.html", {"form": form}, status=status)


# --- Community managers -------------------------------------------------------------------------------


@editor_required
def manage(request):
    unverified = Paginator(selectors.unverified_members(), 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "portal/accounts/manage.html",
        {
            "matches": selectors.domain_matches(limit=50),
            "page_obj": unverified,
            "unverified": unverified.object_list,
            "requests": selectors.pending_authority_requests(),
            "decline_form": DeclineRequestForm(),
            "extra_query": {},
        },
    )


def _back(request, default: str):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@require_POST
@editor_required
def manage_verify(request, pk):
    member = get_object_or_404(User, pk=pk)
    verified = request.POST.get("verified", "1") == "1"
    authority = None
    if request.POST.get("authority"):
        authority = get_object_or_404(Authority, pk=request.POST["authority"])
    services.member_verify(member=member, by=request.user, verified=verified, authority=authority)
    if verified:
        messages.success(request, _("%(member)s is verified.") % {"member": member})
    else:
        messages.success(request, _("%(member)s is no longer verified.") % {"member": member})
    return _back(request, reverse("members:manage"))


@require_POST
@editor_required
def manage_appoint(request, pk):
    member = get_object_or_404(User, pk=pk)
    form = AppointRepresentativeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an authority."))
        return _back(request, reverse("members:detail", args=[pk]))
    try:
        services.representative_appoint(
            member=member, authority=form.cleaned_data["authority"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(member)s now represents %(authority)s.")
            % {"member": member, "authority": form.cleaned_data["authority"]},
        )
    return _back(request, reverse("members:detail", args=[pk]))


@require_POST
@editor_required
def manage_remove_representative(request, pk, authority_pk):
    member = get_object_or_404(User, pk=pk)
    authority = get_object_or_404(Authority, pk=authority_pk)
    services.representative_remove(member=member, authority=authority, by=request.user)
    messages.success(
        request,
        _("%(member)s no longer represents %(authority)s.") % {"member": member, "authority": authority},
    )
    return _back(request, reverse("members:detail", args=[pk]))


@require_POST
@editor_required
def manage_request(request, pk):
    join_request = get_object_or_404(AuthorityJoinRequest, pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            authority = services.authority_request_approve(join_request=join_request, by=request.user)
            messages.success(
                request,
                _("%(authority)s is on the portal; %(member)s represents it.")
                % {"authority": authority, "member": join_request.requested_by},
            )
        else:
            form = DeclineRequestForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.authority_request_decline(join_request=join_request, by=request.user, note=note)
            messages.success(
                request, _("The request for %(name)s is declined.") % {"name": join_request.name}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("members:manage") + "#authority-requests")
