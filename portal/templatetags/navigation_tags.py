"""Header navigation, breadcrumbs and footer, read from the CMS's navigation settings."""

from dataclasses import dataclass

from django import template

from portal.models import NavigationSettings

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    is_current: bool = False


def _links(stream, request) -> list[NavLink]:
    path = request.path if request else ""
    links = []
    for block in stream:
        value = block.value
        page = value.get("page")
        if page is not None:
            page = page.specific_deferred if hasattr(page, "specific_deferred") else page
            if not page.live:
                continue
            href = page.get_url(request=request)
        else:
            href = value.get("url")
        if not href:
            continue
        current = (
            bool(path) and href.startswith("/") and (path == href or (href != "/" and path.startswith(href)))
        )
        links.append(NavLink(label=value["label"], href=href, is_current=current))
    return links


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    request = context.get("request")
    nav = NavigationSettings.load(request_or_site=request)
    return {"links": _links(nav.main_navigation, request)}


@register.inclusion_tag("includes/site_footer.html", takes_context=True)
def site_footer(context):
    request = context.get("request")
    nav = NavigationSettings.load(request_or_site=request)
    return {"links": _links(nav.footer_links, request), "footer_text": nav.footer_text}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context["page"]
    ancestors = page.get_ancestors().filter(depth__gt=1).specific(defer=True)
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}
