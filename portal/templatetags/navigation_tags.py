"""Header navigation, breadcrumbs and footer, read from the CMS's navigation settings.

The links are resolved once per change and cached (portal/signals.py starts a new generation whenever
the settings or a page's address change); only the "current page" mark is computed per request.
"""

from dataclasses import dataclass

from django import template
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Site

from portal.models import NavigationSettings
from portal.newsletter.services import CONSENT_TEXT as NEWSLETTER_CONSENT_TEXT
from portal.signals import CHROME_KEY, chrome_generation

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    is_current: bool = False


def _resolve(stream, request) -> list[tuple[str, str]]:
    """(label, href) of each link block; links to pages that are not live are left out."""
    links = []
    for block in stream:
        value = block.value
        page = value.get("page")
        if page is not None:
            if not page.live:
                continue
            href = page.get_url(request=request)
        else:
            href = value.get("url")
        if href:
            links.append((value["label"], href))
    return links


def _chrome(request) -> dict:
    def resolve() -> dict:
        nav = NavigationSettings.load(request_or_site=request)
        return {
            "main": _resolve(nav.main_navigation, request),
            "footer": _resolve(nav.footer_links, request),
            "footer_text": nav.footer_text,
        }

    site = Site.find_for_request(request) if request else None
    key = f"{CHROME_KEY}:{site.pk if site else None}:{chrome_generation()}:{get_language()}"
    return cache.get_or_set(key, resolve, 60 * 60)


def _links(pairs: list[tuple[str, str]], request) -> list[NavLink]:
    path = request.path if request else ""

    def is_current(href: str) -> bool:
        if not path or not href.startswith("/"):
            return False
        return path == href or (href != "/" and path.startswith(href))

    return [NavLink(label=label, href=href, is_current=is_current(href)) for label, href in pairs]


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    request = context.get("request")
    return {"links": _links(_chrome(request)["main"], request)}


@register.inclusion_tag("includes/site_footer.html", takes_context=True)
def site_footer(context):
    request = context.get("request")
    chrome = _chrome(request)
    return {
        "links": _links(chrome["footer"], request),
        "footer_text": chrome["footer_text"],
        "consent_text": NEWSLETTER_CONSENT_TEXT,  # the footer's newsletter form
    }


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context["page"]
    ancestors = page.get_ancestors().filter(depth__gt=1).specific(defer=True)
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}
