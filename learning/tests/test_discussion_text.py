from datetime import UTC, datetime, timedelta

import pytest

from learning.discussion_text import emphasise_mentions, extract_handles, handle_for, parse_rate, retry_after


def test_handles_from_names_and_email():
    assert handle_for(first_name="Inês", last_name="de Carvalho", email="x@y") == "ines-de-carvalho"
    assert handle_for(first_name="", last_name="", email="mikko.laine@hel.fi") == "mikko.laine"


def test_extract_handles_ignores_code_emails_and_duplicates():
    text = "Hi @Mikko-Laine and @ines-carvalho, mail me at a@b.org; `@not-this` @mikko-laine"
    assert extract_handles(text) == ["mikko-laine", "ines-carvalho"]


def test_emphasise_only_known_handles():
    assert emphasise_mentions("ask @anna-k and @nobody", {"anna-k"}) == "ask **@anna-k** and @nobody"


def test_parse_rate():
    assert parse_rate("8/60") == (8, 60)
    with pytest.raises(ValueError):
        parse_rate("0/60")


def test_sliding_window_retry_after():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    recent = [now - timedelta(seconds=s) for s in (50, 40, 10)]
    assert retry_after(recent=recent, now=now, limit=4, window=60) == 0
    # The third most recent (50 s ago) leaves the 60 s window in 10 s.
    assert retry_after(recent=recent, now=now, limit=3, window=60) == 10
    # Messages older than the window do not count.
    assert retry_after(recent=[now - timedelta(seconds=61)] * 5, now=now, limit=3, window=60) == 0
