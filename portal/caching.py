"""Caching of rendered fragments: pages read stored data, so their expensive parts are rendered once per
change of that data and served from the cache (local memory by default, Redis when REDIS_URL is set)."""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
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


def is_anonymous_and_stateless(request) -> bool:
    """True when the response cannot depend on who asks: no login, no session, no pending messages."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_page(request, parts: Iterable[object], render: Callable[[], HttpResponse]) -> HttpResponse:
    """The whole page for anonymous visitors from the cache, keyed on `parts` (which must version every
    piece of data shown, site navigation included); everyone else gets a fresh render."""
    if not is_anonymous_and_stateless(request):
        return render()
    key = fragment_key("page", [request.get_full_path(), *parts])
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        return HttpResponse(content, content_type=content_type)
    response = render()
    if hasattr(response, "render"):
        response.render()
    if response.status_code == 200:
        cache.set(key, (response.content, response["Content-Type"]), FRAGMENT_TIMEOUT)
    return response
