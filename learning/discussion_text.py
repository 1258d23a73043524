"""Pure text helpers of discussions: @mention handles and the sliding-window rate limit (no Django)."""

import re
import unicodedata
from datetime import datetime, timedelta

MENTION_RE = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9._-]{0,59}[a-z0-9])", re.IGNORECASE)


def handle_for(*, first_name: str, last_name: str, email: str) -> str:
    """A member's @handle: their name in lower case, accents dropped, words joined by "-"
    ("Riikka Virtanen" -> "riikka-virtanen"); the e-mail's local part when there is no name."""
    name = f"{first_name} {last_name}".strip()
    if not name:
        name = email.split("@", 1)[0]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_name.lower()).strip("-.")


def extract_handles(text: str) -> list[str]:
    """The distinct @handles of a text, lower case, in order of appearance (not inside code spans)."""
    without_code = re.sub(r"`[^`]*`", "", text or "")
    seen: list[str] = []
    for match in MENTION_RE.finditer(without_code):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
    return seen


def emphasise_mentions(text: str, handles: set[str]) -> str:
    """Markdown with each known @handle in bold, so it stands out once rendered."""

    def bold(match: re.Match) -> str:
        return f"**{match.group(0)}**" if match.group(1).lower() in handles else match.group(0)

    return MENTION_RE.sub(bold, text)


def parse_rate(value: str) -> tuple[int, int]:
    """ "8/60" -> (8 messages, 60 seconds)."""
    count, _slash, seconds = value.partition("/")
    limit, window = int(count), int(seconds or 60)
    if limit < 1 or window < 1:
        raise ValueError(f"invalid rate {value!r}: expected N/S with N, S >= 1")
    return limit, window


def retry_after(*, recent: list[datetime], now: datetime, limit: int, window: int) -> int:
    """Seconds to wait before the next message is allowed, 0 when it is allowed now.

    `recent` are the times of the member's messages within the last `window` seconds (any order). A
    sliding window: the next message is allowed once the limit-th most recent one leaves the window.
    """
    start = now - timedelta(seconds=window)
    inside = sorted(t for t in recent if t > start)
    if len(inside) < limit:
        return 0
    oldest_that_counts = inside[-limit]
    wait = (oldest_that_counts + timedelta(seconds=window) - now).total_seconds()
    return max(1, int(wait + 0.999))
