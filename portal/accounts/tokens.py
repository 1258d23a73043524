"""Signed, expiring tokens for the e-mail confirmation link (django.core.signing, keyed on SECRET_KEY).

A token carries the member's id and e-mail address: it stops working when it expires
(settings.MEMBER_CONFIRMATION_MAX_AGE, 3 days by default) or when the address changed.
"""

from django.conf import settings
from django.core import signing

SALT = "portal.accounts.confirm-email"


def make_confirmation_token(user) -> str:
    return signing.dumps({"id": user.pk, "email": user.email.lower()}, salt=SALT, compress=True)


def read_confirmation_token(token: str) -> dict:
    """The token's payload; raises signing.SignatureExpired or signing.BadSignature."""
    return signing.loads(
        token, salt=SALT, max_age=getattr(settings, "MEMBER_CONFIRMATION_MAX_AGE", 3 * 86400)
    )
