"""Events of the community: event pages, registrations with capacity and waitlist, calendar feed tokens."""

import datetime as dt
import secrets
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import BodyBlock
from portal.models import ContentPage

from .calendars import local_to_utc


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone name, for the event's time zone field."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class EventIndexPage(RoutablePageMixin, ContentPage):
    """Upcoming and past events: UserCentriCafés, peer-learning workshops, the annual summit."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["events.EventPage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("event index page")

    def get_context(self, request, *args, **kwargs):
        from .views import event_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_index_context(request, index_page=self))
        return context

    @path("calendar/", name="site_feed")
    def site_feed(self, request):
        from . import views

        return views.site_feed(request, index_page=self)

    @path("calendar/<str:token>/", name="member_feed")
    def member_feed(self, request, token):
        from . import views

        return views.member_feed(request, token, index_page=self)


class RelatedPagesBlock(blocks.StreamBlock):
    """Practice cases, policy briefs or any other page of the portal related to the event."""

    page = blocks.PageChooserBlock(
        label=_("Page"), help_text=_("A practice case, a policy brief or another page of the portal.")
    )

    class Meta:
        icon = "link"


class EventPage(RoutablePageMixin, Page):
    """One event: when and where it happens, who organises it, and registration with capacity and waitlist."""

    class Kind(models.TextChoices):
        CAFE = "cafe", _("UserCentriCafé")
        WORKSHOP = "workshop", _("Peer-learning workshop")
        SUMMIT = "summit", _("Annual summit")
        WEBINAR = "webinar", _("Webinar")
        OTHER = "other", _("Other event")

    class AttendanceMode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid (in person and online)")

    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences shown in lists and under the title.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    kind = models.CharField(_("type of event"), max_length=20, choices=Kind.choices, default=Kind.CAFE)

    # Editors give the local date and time of the event in its own time zone; `start` and `end` are the
    # same instants in UTC, computed on save, for ordering, filtering and calendars.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default="Europe/Brussels",
        help_text=_(
            "Where the event happens (or is hosted, for online events). Dates and times are local to it."
        ),
    )
    start_date = models.DateField(_("start date"))
    start_time = models.TimeField(_("start time"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty for the same day.")
    )
    end_time = models.TimeField(_("end time"))
    start = models.DateTimeField(_("starts at (UTC)"), editable=False, db_index=True)
    end = models.DateTimeField(_("ends at (UTC)"), editable=False)

    attendance_mode = models.CharField(
        _("online or in person"), max_length=20, choices=AttendanceMode.choices, default=AttendanceMode.ONLINE
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.TextField(_("venue address"), blank=True)
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("The meeting link. Only people with a confirmed registration see it."),
    )

    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Number of seats. Leave empty for no limit.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Leave empty to accept registrations until the start."),
    )

    organiser = models.CharField(
        _("organiser"), max_length=200, blank=True, help_text=_("Shown on the page.")
    )
    organiser_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
        help_text=_("This member may see and export the list of attendees."),
    )
    related_pages = StreamField(
        RelatedPagesBlock(), blank=True, verbose_name=_("related practice cases and briefs")
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("time_zone"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attendance_mode"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("registration_open"), FieldPanel("capacity"), FieldPanel("registration_deadline")],
            heading=_("Registration"),
        ),
        FieldPanel("organiser"),
        FieldPanel("organiser_user"),
        FieldPanel("body"),
        FieldPanel("related_pages"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("venue_name"),
        index.SearchField("organiser"),
        index.FilterField("kind"),
        index.FilterField("start"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event page")
        permissions = [("export_attendees", "Can export the attendees of any event")]

    # -- time --------------------------------------------------------------------------------------
    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def compute_instants(self) -> None:
        self.start = local_to_utc(dt.datetime.combine(self.start_date, self.start_time), self.time_zone)
        end_date = self.end_date or self.start_date
        self.end = local_to_utc(dt.datetime.combine(end_date, self.end_time), self.time_zone)

    def clean(self):
        super().clean()
        errors = {}
        if self.time_zone not in dict(time_zone_choices()):
            errors["time_zone"] = _("Choose a time zone from the list.")
        if not errors and self.start_date and self.start_time and self.end_time:
            try:
                self.compute_instants()
            except ValueError as error:
                errors["start_time"] = str(error)
            else:
                if self.end <= self.start:
                    errors["end_time"] = _("The event must end after it starts.")
        if self.attendance_mode != self.AttendanceMode.ONLINE and not self.venue_name:
            errors["venue_name"] = _("Give the venue of an in-person or hybrid event.")
        if self.attendance_mode != self.AttendanceMode.IN_PERSON and not self.online_url:
            errors["online_url"] = _("Give the online link of an online or hybrid event.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.start_date and self.start_time and self.end_time:
            self.compute_instants()
        return super().save(*args, **kwargs)

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(self.tz)

    @property
    def local_end(self) -> dt.datetime:
        return self.end.astimezone(self.tz)

    @property
    def is_single_day(self) -> bool:
        return self.local_start.date() == self.local_end.date()

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def is_online(self) -> bool:
        return self.attendance_mode != self.AttendanceMode.IN_PERSON

    @property
    def has_venue(self) -> bool:
        return self.attendance_mode != self.AttendanceMode.ONLINE

    @property
    def location_text(self) -> str:
        """Where, in one line, for calendars: the venue and address, or "Online"."""
        if self.has_venue:
            return ", ".join(part for part in (self.venue_name, " ".join(self.venue_address.split())) if part)
        return str(_("Online"))

    def registration_closes_at(self) -> dt.datetime:
        return self.registration_deadline or self.start

    def registration_is_open(self, *, now: dt.datetime | None = None) -> bool:
        return self.registration_open and (now or timezone.now()) < self.registration_closes_at()

    def related_live_pages(self) -> list[Page]:
        """The related pages an editor chose that are still published (drafts and deleted pages left out)."""
        ids = [block.value.pk for block in self.related_pages if block.value is not None]
        pages = {page.pk: page for page in Page.objects.live().filter(pk__in=ids).specific()}
        return [pages[pk] for pk in ids if pk in pages]

    def digest_topics(self) -> list[Page]:
        """New events reach the members who follow their related practice cases and briefs."""
        return self.related_live_pages()

    def get_context(self, request, *args, **kwargs):
        from .views import event_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(request, event=self))
        return context

    @path("register/", name="register")
    def register_route(self, request):
        from . import views

        return views.register(request, self)

    @path("ics/", name="ics")
    def ics_route(self, request):
        from . import views

        return views.event_ics(request, self)

    @path("attendees/", name="attendees_csv")
    def attendees_csv_route(self, request):
        from . import views

        return views.attendees_csv(request, self)


class Registration(models.Model):
    """One person's place at an event: confirmed, on the waitlist or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # Waitlist order: the time a person joined the waitlist, then the id (insertion order) for equal times.
    waitlisted_at = models.DateTimeField(_("joined the waitlist at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="events_registration_one_active_per_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status"], name="events_reg_event_status")]

    def __str__(self):
        return f"{self.name} <{self.email}>: {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class CalendarFeed(models.Model):
    """A member's private iCal feed of their registrations, at a secret address they can renew."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_secret)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self):
        return str(_("Calendar feed of %(member)s")) % {"member": self.user}
