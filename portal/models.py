"""Members, the home page, standard pages and the site's navigation and footer."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock, LinkBlock


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError(_("An e-mail address is required."))
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class EmailFrequency(models.TextChoices):
    """How often a member is e-mailed about their notifications and what they follow."""

    IMMEDIATE = "immediate", _("At once (and new content in what I follow hourly)")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    NEVER = "never", _("Never: I read notifications on the portal")


class User(AbstractUser):
    """A member of the portal. People log in with their e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    organisation = models.CharField(_("authority or organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    is_verified = models.BooleanField(
        _("verified member"),
        default=False,
        help_text=_("A community manager has checked that this person works where they say."),
    )
    # Membership (portal/accounts): see that package's docstring for the sign-up and verification rules.
    authority = models.ForeignKey(
        "benchmarks.Authority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("authority"),
        help_text=_("The local or regional authority this person works for, if it is on the portal."),
    )
    photo = models.ImageField(_("photo"), upload_to="members/photos/", blank=True)
    interests = TaggableManager(
        verbose_name=_("interests"),
        blank=True,
        help_text=_("Topics, as the tags of practice cases (comma-separated)."),
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    show_in_directory = models.BooleanField(
        _("listed in the members' directory"),
        default=True,
        help_text=_("Other members can find you in the directory."),
    )
    email_frequency = models.CharField(
        _("e-mail about what I follow"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.WEEKLY,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="portal_user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email


class ContentPage(Page):
    """Abstract base of the portal's pages: an introduction and a body of shared blocks."""

    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("One or two sentences shown under the title.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("body")]

    class Meta:
        abstract = True


class HomePage(ContentPage):
    """The portal's front page: what UserCentriCities is and the ways in."""

    hero_text = RichTextField(_("hero text"), blank=True, features=["bold", "italic", "link"])

    content_panels = (
        ContentPage.content_panels[:2] + [FieldPanel("hero_text")] + ContentPage.content_panels[2:]
    )
    search_fields = ContentPage.search_fields + [index.SearchField("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")


class StandardPage(ContentPage):
    """A plain content page (about, methodology text, privacy, accessibility statement...)."""

    parent_page_types = [
        "portal.HomePage",
        "portal.StandardPage",
        "portal.CommunityIndexPage",
        "benchmarks.DashboardPage",
        "practices.PracticeIndexPage",
        "learning.PolicyBriefIndexPage",
        "learning.ToolkitIndexPage",
        "events.EventIndexPage",
    ]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class CommunityIndexPage(ContentPage):
    """The community section: membership, discussions and how to take part."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("community index page")


@register_setting(icon="list-ul")
class NavigationSettings(BaseGenericSetting):
    """The main navigation and the footer, edited by editors under Settings in the admin."""

    main_navigation = StreamField(
        [("link", LinkBlock())],
        blank=True,
        verbose_name=_("main navigation"),
        help_text=_("Shown in the header, in this order."),
    )
    footer_text = RichTextField(_("footer text"), blank=True, features=["bold", "italic", "link"])
    footer_links = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("footer links"))

    panels = [FieldPanel("main_navigation"), FieldPanel("footer_text"), FieldPanel("footer_links")]

    class Meta:
        verbose_name = _("navigation and footer")


# Models of the membership, newsletter and notification packages, kept in their own modules.
from .accounts.models import *  # noqa: E402, F401, F403
from .newsletter.models import (  # noqa: E402, F401
    NewsletterDelivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    Subscriber,
)
from .notifications.models import *  # noqa: E402, F401, F403
