"""The newsletter: subscribers with double opt-in, issues composed in the CMS and sent in batches.

Models live in `models.py` and are imported by portal/models.py (the app is `portal`). Writes go through
`services.py`, reads through `selectors.py`; `tasks.py` sends batches in the background, `tracking.py`
receives anymail's delivery webhooks.
"""
