"""Caching of rendered fragments: pages read stored data, so their expensive parts are rendered once per
change of that data and served from the cache (local memory by default, Redis when REDIS_URL is set)."""

import hashlib
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

FRAGMENT_TIMEOUT = 60 * 60


def fragment_key(name: str, parts: Iterable[object]) -> str:
    digest = hashlib.sha1("|".join(str(part) for part in parts).encode()).hexdigest()
    return f"fragment:{name}:{get_language()}:{digest}"


def cached_fragment(name: str, parts: Iterable[object], render: Callable[[], str]) -> str:
    """The cached HTML for these key parts, rendering and storing it when missing.

    The parts must include a version of every piece of data the fragment shows (for example the time of the
    last change), so a change makes a new key rather than needing an invalidation.
    """
    key = fragment_key(name, parts)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_TIMEOUT)
    return mark_safe(html)  # rendered by our own templates: already escaped
