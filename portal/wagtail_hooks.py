"""Wagtail admin hooks of the portal app (Wagtail imports `<app>.wagtail_hooks`); one module per area."""

from .newsletter import wagtail_hooks as newsletter_hooks  # noqa: F401
