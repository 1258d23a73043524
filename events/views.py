"""Views of the events app. They read through selectors, write through services, and stay thin."""

import csv
import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.ratelimits import LIMITED_MESSAGE, rate_limited

from . import selectors, services
from .calendars import build_calendar, google_calendar_url, outlook_calendar_url
from .forms import EventFilterForm, VisitorRegistrationForm
from .models import CalendarFeed, EventPage, Registration
from .permissions import can_manage_attendees

EVENTS_PER_PAGE = 10
SITE_FEED_PAST_DAYS = 180


def confirmation_max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.EVENTS_CONFIRMATION_MAX_AGE_HOURS)


def _ics_response(content: bytes, *, filename: str, download: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# -- the event index and the event page (contexts for the Wagtail pages) -------------------------------


def event_index_context(request, *, index_page) -> dict:
    form = EventFilterForm(request.GET or None)
    state = form.cleaned_data if form.is_valid() else {}
    when = state.get("when") or selectors.UPCOMING
    kind = state.get("kind") or ""
    month = dt.date.fromisoformat(state["month"] + "-01") if state.get("month") else None
    events = selectors.event_list(parent=index_page, when=when, kind=kind, month=month)
    page_obj = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    extra_query = {key: value for key, value in (("when", when), ("kind", kind)) if value}
    if month:
        extra_query["month"] = month.strftime("%Y-%m")
    return {
        "filter_form": form,
        "when": when,
        "kind": kind,
        "month": month,
        "months": selectors.event_months(parent=index_page, when=when, kind=kind),
        "kinds": EventPage.Kind.choices,
        "events": page_obj.object_list,
        "page_obj": page_obj,
        "extra_query": urlencode(extra_query),
        "filtered": bool(kind or month),
    }


def event_page_context(request, *, event: EventPage) -> dict:
    registration = selectors.registration_for(event=event, user=request.user)
    entry = selectors.calendar_entry(event)
    return {
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration=registration) if registration else None,
        "seats_left": selectors.seats_left(event=event),
        "registration_is_open": event.registration_is_open(),
        "google_calendar_url": google_calendar_url(entry),
        "outlook_calendar_url": outlook_calendar_url(entry),
        "related": event.related_live_pages(),
        "can_manage_attendees": can_manage_attendees(request.user, event=event),
        "form": VisitorRegistrationForm(),
    }


def _render_event(request, event: EventPage, *, form=None, status=200):
    context = event.get_context(request)
    if form is not None:
        context["form"] = form
    return TemplateResponse(request, event.get_template(request), context, status=status)


# -- routes of the event page --------------------------------------------------------------------------


def register(request, event: EventPage):
    """Members register in one click; visitors give their name and address and get a confirmation link."""
    if request.method != "POST":
        return redirect(event.url)
    if request.user.is_authenticated:
        try:
            outcome = services.registration_create(event=event, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(event.url)
        if not outcome.created:
            messages.info(request, _("You were already registered."))
        return redirect("events:registration_detail", secret=outcome.registration.secret)
    form = VisitorRegistrationForm(request.POST)
    if rate_limited(request, scope="register", address=request.POST.get("email", "")):
        # Visitors' requests send e-mail: limited by IP and by address. Members' one-click registrations
        # are not (they are accountable, idempotent and send mail only to their own address).
        form.add_error(None, LIMITED_MESSAGE)
        return _render_event(request, event, form=form, status=429)
    if not form.is_valid():
        return _render_event(request, event, form=form, status=400)
    try:
        services.registration_request_confirmation(
            event=event, name=form.cleaned_data["name"], email=form.cleaned_data["email"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_event(request, event, form=form, status=400)
    return TemplateResponse(
        request,
        "events/registration_pending.html",
        {
            "event": event,
            "email": form.cleaned_data["email"],
            "max_age_hours": settings.EVENTS_CONFIRMATION_MAX_AGE_HOURS,
        },
    )


def event_ics(request, event: EventPage):
    """The event as an .ics file anyone can download (without the online link)."""
    return _ics_response(
        build_calendar([selectors.calendar_entry(event)], stamp=timezone.now()), filename=f"{event.slug}.ics"
    )


def attendees_csv(request, event: EventPage):
    """The attendee list as CSV, for the event's organiser and editors."""
    if not can_manage_attendees(request.user, event=event):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
    writer = csv.writer(response)
    writer.writerow([_("name"), _("e-mail"), _("status"), _("member"), _("registered at"), _("organisation")])
    for registration in selectors.attendees(event=event):
        user = registration.user
        writer.writerow(
            [
                registration.name,
                registration.email,
                registration.get_status_display(),
                _("yes") if user else _("no"),
                timezone.localtime(registration.created_at).isoformat(timespec="seconds"),
                user.organisation if user else "",
            ]
        )
    return response


# -- calendar feeds (routes of the event index) --------------------------------------------------------


def site_feed(request, index_page=None):
    """Every published event of the last months and the future, as an iCal feed to subscribe to."""
    since = timezone.now() - dt.timedelta(days=SITE_FEED_PAST_DAYS)
    events = EventPage.objects.live().public().filter(end__gte=since).order_by("start")
    entries = [selectors.calendar_entry(event) for event in events]
    content = build_calendar(entries, stamp=timezone.now(), name=_("UserCentriCities events"))
    return _ics_response(content, filename="usercentricities-events.ics", download=False)


def member_feed(request, token: str, index_page=None):
    """A member's own registrations at a secret address (calendar apps cannot log in)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    entries = [
        selectors.calendar_entry(registration.event, registration=registration)
        for registration in selectors.member_registrations(user=feed.user)
        if registration.event.live
    ]
    content = build_calendar(entries, stamp=timezone.now(), name=_("My UserCentriCities events"))
    return _ics_response(content, filename="my-events.ics", download=False)


# -- registrations (events/urls.py) --------------------------------------------------------------------


def registration_confirm(request, token: str):
    """A visitor's confirmation link: shows what they confirm; the button registers them."""
    try:
        event_id, name, email = services.read_confirmation_token(token, max_age=confirmation_max_age())
    except ValidationError as error:
        return TemplateResponse(
            request, "events/registration_invalid.html", {"message": " ".join(error.messages)}, status=400
        )
    event = get_object_or_404(EventPage.objects.live(), pk=event_id)
    context = {"event": event, "name": name, "email": email, "token": token}
    if request.method == "POST":
        try:
            outcome = services.registration_create(event=event, name=name, email=email)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return TemplateResponse(request, "events/registration_confirm.html", context, status=400)
        if not outcome.created:
            messages.info(request, _("You were already registered."))
        return redirect("events:registration_detail", secret=outcome.registration.secret)
    return TemplateResponse(request, "events/registration_confirm.html", context)


def registration_detail(request, secret: str):
    """The registration's own page (its address is the secret sent by e-mail): status, calendar, cancel."""
    registration = get_object_or_404(Registration.objects.select_related("event"), secret=secret)
    event = registration.event
    entry = selectors.calendar_entry(event, registration=registration)
    return TemplateResponse(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "waitlist_position": selectors.waitlist_position(registration=registration),
            "google_calendar_url": google_calendar_url(entry),
            "outlook_calendar_url": outlook_calendar_url(entry),
        },
    )


def registration_ics(request, secret: str):
    registration = get_object_or_404(Registration.objects.select_related("event"), secret=secret)
    entry = selectors.calendar_entry(registration.event, registration=registration)
    return _ics_response(
        build_calendar([entry], stamp=timezone.now()), filename=f"{registration.event.slug}.ics"
    )


def registration_cancel(request, secret: str):
    """The cancellation link of every e-mail: asks first (mail scanners follow links), cancels on POST."""
    registration = get_object_or_404(Registration.objects.select_related("event"), secret=secret)
    context = {"registration": registration, "event": registration.event}
    if request.method == "POST" and registration.status != Registration.Status.CANCELLED:
        try:
            services.registration_cancel(registration=registration, secret=secret)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return TemplateResponse(request, "events/registration_cancel.html", context, status=400)
        messages.success(request, _("Your registration is cancelled."))
        return redirect("events:registration_detail", secret=secret)
    return TemplateResponse(request, "events/registration_cancel.html", context)


@login_required
def my_registrations(request):
    """The member's events and the secret address of their calendar feed."""
    feed = services.calendar_feed_get(user=request.user)
    index = selectors.event_index()
    feed_path = index.url + index.reverse_subpage("member_feed", args=[feed.token]) if index else ""
    return TemplateResponse(
        request,
        "events/my_registrations.html",
        {
            "registrations": selectors.member_registrations(user=request.user),
            "feed_url": request.build_absolute_uri(feed_path) if feed_path else "",
        },
    )


@login_required
@require_POST
def renew_feed(request):
    services.calendar_feed_renew(user=request.user)
    messages.success(request, _("Your calendar feed has a new address. The old one no longer works."))
    return redirect("events:my_registrations")
