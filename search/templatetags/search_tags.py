"""Links of the search page: the current query string with one parameter changed (page reset)."""

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def search_url(context, key: str, value="", toggle: bool = False) -> str:
    """`?...` with `key` set to `value` (removed when empty, or when `toggle` and already that value)."""
    params = context["request"].GET.copy()
    if key != "page":
        params.pop("page", None)
    current = params.get(key)
    value = "" if value is None else str(value)
    if not value or (toggle and current == value):
        params.pop(key, None)
    else:
        params[key] = value
    return "?" + urlencode(sorted((k, v) for k, v in params.items() if v))
