"""Signed tokens in newsletter links. No database table: Django's signing with SECRET_KEY.

- confirmation: expires (NEWSLETTER_CONFIRMATION_MAX_AGE seconds) and carries what the visitor asked
  for (source and interests), applied only when the owner of the address confirms;
- manage (preferences and unsubscribe): does not expire, because RFC 8058 requires the unsubscribe link
  of an old e-mail to keep working. It names the subscriber's random key, not its e-mail address.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "portal.newsletter.confirm"
MANAGE_SALT = "portal.newsletter.manage"


class InvalidToken(Exception):
    """The token is forged, damaged or (for confirmations) expired."""


@dataclass(frozen=True)
class ConfirmationRequest:
    key: str
    source: str = ""
    interest_ids: list[int] = field(default_factory=list)


def confirmation_token(*, key: str, source: str, interest_ids: list[int]) -> str:
    return signing.dumps({"k": key, "s": source, "i": sorted(interest_ids)}, salt=CONFIRM_SALT, compress=True)


def read_confirmation_token(token: str) -> ConfirmationRequest:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRMATION_MAX_AGE)
        return ConfirmationRequest(key=str(data["k"]), source=str(data["s"]), interest_ids=list(data["i"]))
    except (signing.BadSignature, KeyError, TypeError) as error:
        raise InvalidToken(str(error)) from error


def manage_token(*, key: str) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(str(key))


def read_manage_token(token: str) -> str:
    try:
        return signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature as error:
        raise InvalidToken(str(error)) from error
