"""The header navigation and footer are cached (portal/templatetags/navigation_tags.py); anything that
changes a link's label or address starts a new cache generation."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .models import NavigationSettings

CHROME_KEY = "portal:chrome"
GENERATION_KEY = "portal:chrome-generation"


def chrome_generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, None)


def bump_chrome_generation(**kwargs) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


receiver([post_save, post_delete], sender=NavigationSettings)(bump_chrome_generation)
for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
    signal.connect(bump_chrome_generation, dispatch_uid=f"portal-chrome-{signal!r}")
