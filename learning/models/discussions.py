"""Discussions: rooms, messages and their moderation. The Channels consumer (learning/consumers.py) and the
HTTP views both read and write them through learning/discussion_services.py and discussion_selectors.py.

Rooms are of four kinds: a topic room per sub-pillar, a few open themes, a thread on any page (a practice
case, an event: any Wagtail page, created the first time someone opens it) and private rooms of a
bench-learning match, readable only by their participants.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Message", "MessageReport", "ModerationLogEntry", "Mute", "Room"]


class Room(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("sub-pillar topic")
        THEME = "theme", _("open theme")
        THREAD = "thread", _("page thread")
        PRIVATE = "private", _("private match room")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.THEME)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    subpillar = models.ForeignKey(
        "benchmarks.SubPillar",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("sub-pillar"),
    )
    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="discussion_room",
        verbose_name=_("page"),
        help_text=_("The practice case, event or other page this thread discusses."),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="private_rooms",
        verbose_name=_("participants"),
        help_text=_("Private rooms only: the people who may read and write."),
    )
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("discussion room")
        verbose_name_plural = _("discussion rooms")
        ordering = ["kind", "sort_order", "title"]

    def __str__(self):
        return self.title

    @property
    def is_private(self) -> bool:
        return self.kind == self.Kind.PRIVATE

    @property
    def group_name(self) -> str:
        """The channel-layer group of the room's live connections."""
        return f"room.{self.pk}"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages", verbose_name=_("room"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="discussion_messages",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(_("text (sanitised HTML)"), editable=False)
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="discussion_mentions", verbose_name=_("mentions")
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("discussion message")
        verbose_name_plural = _("discussion messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["room", "-id"], name="learning_msg_room_id"),
            models.Index(fields=["author", "created_at"], name="learning_msg_author_time"),
        ]

    def __str__(self):
        return f"{self.author} in {self.room}: {self.body[:40]}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class Mute(models.Model):
    """A moderator stops a member from posting until a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="discussion_mutes",
        verbose_name=_("member"),
    )
    until = models.DateTimeField(_("muted until"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} until {self.until:%Y-%m-%d %H:%M}"


class MessageReport(models.Model):
    """A member tells the moderators that a message breaks the rules."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACTIONED = "actioned", _("message hidden")
        DISMISSED = "dismissed", _("dismissed")

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reports", verbose_name=_("message")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("reported by")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="learning_report_once_per_member")
        ]

    def __str__(self):
        return f"Report on message {self.message_id} by {self.reporter}"


class ModerationLogEntry(models.Model):
    """Every moderation action, who took it and why (never edited, never deleted by the portal)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("hid a message")
        UNHIDE = "unhide", _("restored a message")
        MUTE = "mute", _("muted a member")
        UNMUTE = "unmute", _("lifted a mute")
        DISMISS = "dismiss", _("dismissed a report")
        REMOVE_PARTICIPANT = "remove", _("removed a participant")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("message")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member concerned"),
    )
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.moderator} {self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"
