"""Rate limits on the forms people can abuse (sign-up, login, password reset, subscriptions, registrations).

Counted in the cache with django-ratelimit, by client IP and by the e-mail address given, so one address
cannot be flooded from many IPs and one IP cannot try many addresses. The limits are shared between
server processes only when the cache is shared (set REDIS_URL in production; the default in-memory cache
counts per process). Behind a proxy set RATELIMIT_IP_META_KEY (e.g. HTTP_X_FORWARDED_FOR handling, see
django-ratelimit's documentation) so the client's address is used, not the proxy's.

    from portal.ratelimits import rate_limited
    if request.method == "POST" and rate_limited(request, scope="signup", address=email):
        ...re-render the form with portal.ratelimits.LIMITED_MESSAGE and status 429...
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

LIMITED_MESSAGE = _("Too many attempts. Please wait a while and try again.")

# scope: (rate per IP, rate per e-mail address); override any of them in settings.PORTAL_RATE_LIMITS.
DEFAULT_RATE_LIMITS = {
    "signup": ("10/h", "3/h"),
    "login": ("30/10m", "10/10m"),
    "password_reset": ("10/h", "3/h"),
    "confirmation_resend": ("10/h", "3/h"),
    "subscribe": ("10/h", "3/h"),
    "register": ("30/h", "10/h"),
}


def limits_for(scope: str) -> tuple[str, str]:
    return {**DEFAULT_RATE_LIMITS, **getattr(settings, "PORTAL_RATE_LIMITS", {})}[scope]


def rate_limited(request, *, scope: str, address: str = "") -> bool:
    """Count this attempt; True when the IP or the address went over the scope's limit."""
    per_ip, per_address = limits_for(scope)
    limited = is_ratelimited(
        request, group=f"portal:{scope}:ip", key="ip", rate=per_ip, method=is_ratelimited.ALL, increment=True
    )
    address = (address or "").strip().lower()
    if address:
        limited = (
            is_ratelimited(
                request,
                group=f"portal:{scope}:address",
                key=lambda _group, _request: address,
                rate=per_address,
                method=is_ratelimited.ALL,
                increment=True,
            )
            or limited
        )
    return limited
