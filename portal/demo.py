"""Demo content of the portal itself: the site tree, navigation, footer and one login per role.

Every function here is idempotent: it finds what an earlier run created (by slug or e-mail) and only
adds what is missing, so `load_demo` can run on every `make run`.
"""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from modelsearch import index as search_index
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Page, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from . import roles
from .factories import CommunityIndexPageFactory, HomePageFactory, StandardPageFactory, UserFactory
from .models import HomePage, NavigationSettings

DEMO_PASSWORD = "ucc-demo-2026"

HOME_INTRODUCTION = (
    "UserCentriCities is where Europe's cities and regions measure how user-centric their digital public "
    "services are, compare themselves with their peers and learn from each other."
)
HOME_HERO = (
    "<p>The community was started by the Lisbon Council, Eurocities and VTT with 26 cities and regions, "
    "from Espoo to Kyiv. Its benchmark turns the user-centricity principles of the 2017 "
    "<b>Tallinn Declaration</b> into yes/no indicators that any authority can answer, with evidence.</p>"
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


def ensure_child_page(parent: Page, factory: Callable[..., Page], *, slug: str, **fields) -> Page:
    """The child of `parent` with this slug, created with the factory if it does not exist yet."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    return factory(parent=parent, slug=slug, **fields)


def ensure_home_page() -> HomePage:
    """The portal's HomePage as the default site's root, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePageFactory(
            parent=root,
            slug="usercentricities",
            title="UserCentriCities",
            introduction=HOME_INTRODUCTION,
            hero_text=HOME_HERO,
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="UserCentriCities"
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "UserCentriCities"
        site.save()
        # Wagtail's "Welcome to your new Wagtail site!" page has no purpose once our home page exists.
        if type(old_root.specific) is Page and not old_root.get_children().exists():
            old_root.delete()
    return home


def build_site_pages(*, home: HomePage) -> dict[str, Page]:
    """The pages of the portal app: community section and the standard pages of the footer."""
    pages = {
        "community": ensure_child_page(
            home,
            CommunityIndexPageFactory,
            slug="community",
            title="Community",
            introduction="Join the people who make local digital services user-centric: discussions, "
            "bench-learning, events and the newsletter.",
        ),
        "about": ensure_child_page(
            home,
            StandardPageFactory,
            slug="about",
            title="About UserCentriCities",
            introduction="A community of European cities and regions, continued as an open-source portal.",
        ),
        "accessibility": ensure_child_page(
            home,
            StandardPageFactory,
            slug="accessibility",
            title="Accessibility statement",
            introduction="This portal aims to meet WCAG 2.2 at level AA on every public page.",
        ),
        "privacy": ensure_child_page(
            home,
            StandardPageFactory,
            slug="privacy",
            title="Privacy notice",
            introduction="What we collect about members and visitors, why, and how you can see or delete it.",
        ),
    }
    for page in pages.values():
        page.show_in_menus = True
    return pages


def set_navigation(*, main: list[tuple[str, Page]], footer: list[tuple[str, Page]]) -> None:
    """Set the header navigation and footer links, once: editors' later changes are kept."""
    nav = NavigationSettings.load()
    if not nav.main_navigation:
        nav.main_navigation = [("link", {"label": label, "page": page, "url": ""}) for label, page in main]
    if not nav.footer_links:
        nav.footer_links = [("link", {"label": label, "page": page, "url": ""}) for label, page in footer]
    nav.save()


def ensure_demo_users(*, rng: random.Random) -> list[DemoLogin]:
    """One login per role. Returns them for the command to print."""
    del rng  # names are fixed so the printed logins never change
    specs = [
        ("admin", "admin@example.org", "Ada", "Admin", None, {"is_staff": True, "is_superuser": True}),
        ("editor / community manager", "editor@example.org", "Eero", "Editor", roles.EDITORS, {}),
        ("moderator", "moderator@example.org", "Mona", "Moderator", roles.MODERATORS, {}),
        (
            "authority representative (Espoo)",
            "representative@espoo.example.org",
            "Riikka",
            "Virtanen",
            roles.REPRESENTATIVES,
            {"is_verified": True},
        ),
        ("verified member", "verified@example.org", "Vera", "Verified", roles.MEMBERS, {"is_verified": True}),
        ("member", "member@example.org", "Milo", "Member", roles.MEMBERS, {}),
    ]
    logins = []
    for role, email, first, last, group_name, extra in specs:
        user = UserFactory(email=email, first_name=first, last_name=last, **extra)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
            if group_name == roles.REPRESENTATIVES:
                user.groups.add(Group.objects.get(name=roles.MEMBERS))
        logins.append(DemoLogin(role=role, email=email))
    return logins


def set_home_body(*, home: HomePage, sections: list[tuple[str, str, Page]]) -> None:
    """The home page's ways in, once: an editor's later version is kept."""
    if home.body:
        return
    cards = [
        {"title": title, "text": text, "page": page, "url": "", "link_text": "Open"}
        for title, text, page in sections
    ]
    home.body = [
        ("paragraph_block", HOME_BODY_INTRO),
        ("cards_block", {"heading": "Find your way in", "cards": cards}),
    ]
    home.save_revision().publish()


HOME_BODY_INTRO = (
    "<p>Measure, see the gap, find who does it well, talk to them, improve, and measure again: every part of "
    "the portal serves that loop. Visitors read everything; members of the community tag and share "
    "practices, join discussions and register for events.</p>"
)


@contextmanager
def index_updates_deferred() -> Iterator[None]:
    """Skip the per-save search and reference index updates while the demo is built.

    Each page save otherwise re-indexes the object at once (two thirds of the demo's load time);
    the caller rebuilds both indexes in one pass afterwards (``update_index``,
    ``rebuild_references_index``).
    """
    paused = [
        model
        for model in search_index.get_indexed_models()
        if post_save.disconnect(post_save_signal_handler, sender=model)
    ]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in paused:
            post_save.connect(post_save_signal_handler, sender=model)
