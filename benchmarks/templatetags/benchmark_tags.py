from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

from benchmarks import scoring

register = template.Library()

# English country names of the codes the portal uses; unknown codes are shown as they are.
COUNTRY_NAMES = {
    "AT": _("Austria"),
    "BE": _("Belgium"),
    "BG": _("Bulgaria"),
    "CH": _("Switzerland"),
    "CY": _("Cyprus"),
    "CZ": _("Czechia"),
    "DE": _("Germany"),
    "DK": _("Denmark"),
    "EE": _("Estonia"),
    "ES": _("Spain"),
    "FI": _("Finland"),
    "FR": _("France"),
    "GB": _("United Kingdom"),
    "GR": _("Greece"),
    "HR": _("Croatia"),
    "HU": _("Hungary"),
    "IE": _("Ireland"),
    "IS": _("Iceland"),
    "IT": _("Italy"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "LV": _("Latvia"),
    "MT": _("Malta"),
    "NL": _("Netherlands"),
    "NO": _("Norway"),
    "PL": _("Poland"),
    "PT": _("Portugal"),
    "RO": _("Romania"),
    "SE": _("Sweden"),
    "SI": _("Slovenia"),
    "SK": _("Slovakia"),
    "UA": _("Ukraine"),
}


@register.filter
def country_name(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def as_percent(value: Decimal | None) -> str:
    """A 0-1 value as the dashboard shows it: a whole percentage, rounded half away from zero."""
    if value is None:
        return "–"
    return f"{scoring.displayed_percent(overall=Decimal(value))} %"
