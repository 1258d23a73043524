"""Public pages of the newsletter: subscribe, confirm, preferences and unsubscribe (RFC 8058 one-click).

Thin views: the services do the work, signed tokens in the links say who is asking.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.ratelimits import LIMITED_MESSAGE, rate_limited

from . import selectors, services
from .forms import SOURCES, PreferencesForm, SubscribeForm
from .tokens import InvalidToken, manage_token, read_confirmation_token


def _invalid_link(request, *, status: int = 404):
    return render(request, "newsletter/invalid_link.html", status=status)


def is_cross_origin(request) -> bool:
    """True when a browser says the POST comes from another site (Fetch metadata, else the Origin header).

    The subscription form sits in the footer of pages that are cached whole for anonymous visitors, so it
    cannot carry a per-visitor CSRF token; this header check (the one Go's CrossOriginProtection uses) stops
    other sites from posting it instead. Forged requests could only trigger a throttled confirmation e-mail
    anyway: nothing changes before the owner of the address confirms."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if not origin:
        return False
    return (
        origin != f"{request.scheme}://{request.get_host()}" and origin not in settings.CSRF_TRUSTED_ORIGINS
    )


@csrf_exempt  # see is_cross_origin()
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The newsletter page; also receives the footer's form. Every valid request gets the same answer,
    whether the address is new, pending, confirmed or unsubscribed."""
    form = SubscribeForm(request.POST or None, initial={"source": "page"})
    status = 200
    if request.method == "POST" and is_cross_origin(request):
        return HttpResponseForbidden(_("Subscription requests must come from this site's own form."))
    if request.method == "POST":
        if rate_limited(request, scope="subscribe", address=request.POST.get("email", "")):
            form.add_error(None, LIMITED_MESSAGE)
            status = 429
        elif form.is_valid():
            if not form.is_robot:
                services.subscription_request(
                    email=form.cleaned_data["email"],
                    interest_ids=[tag.pk for tag in form.cleaned_data["interests"]],
                    source=str(SOURCES[form.cleaned_data["source"]]),
                    language=translation.get_language(),
                )
            return redirect("newsletter:check_inbox")
        else:
            status = 400
    context = {"form": form, "issues": selectors.issue_list_sent()[:6]}
    return render(request, "newsletter/subscribe.html", context, status=status)


def check_inbox(request):
    return render(request, "newsletter/check_inbox.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        read_confirmation_token(token)
    except InvalidToken:
        return _invalid_link(request, status=400)
    if request.method == "GET":
        # Confirming takes a click (a POST), so link scanners that open e-mailed links confirm nothing.
        return render(request, "newsletter/confirm.html", {"token": token})
    try:
        subscriber = services.subscription_confirm(token=token)
    except InvalidToken:
        return _invalid_link(request, status=400)
    messages.success(request, _("Thank you: your subscription is confirmed."))
    return redirect("newsletter:preferences", token=manage_token(key=str(subscriber.key)))


@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    subscriber = selectors.subscriber_from_manage_token(token=token)
    if subscriber is None:
        return _invalid_link(request)
    form = PreferencesForm(
        request.POST or None, initial={"interests": list(subscriber.interests.values_list("pk", flat=True))}
    )
    if request.method == "POST" and subscriber.can_receive and form.is_valid():
        services.subscriber_update_preferences(
            subscriber=subscriber, interest_ids=[tag.pk for tag in form.cleaned_data["interests"]]
        )
        messages.success(request, _("Your preferences are saved."))
        return redirect(request.path)
    context = {
        "form": form,
        "subscriber": subscriber,
        "unsubscribe_url": reverse("newsletter:unsubscribe", args=[token]),
    }
    return render(request, "newsletter/preferences.html", context, status=400 if form.errors else 200)


@csrf_exempt  # RFC 8058: mail clients POST without a CSRF token; the signed token authenticates.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    subscriber = selectors.subscriber_from_manage_token(token=token)
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "GET":
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})
    services.subscriber_unsubscribe(subscriber=subscriber)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        # A mail client's one-click unsubscribe (RFC 8058): no page to show, just success.
        return render(request, "newsletter/unsubscribed.txt", content_type="text/plain; charset=utf-8")
    return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
