"""Models of the learning app, one module per concern.

- pages: policy briefs and the toolkit (Wagtail pages)
- matchmaking: bench-learning match requests and invitations
- discussions: rooms, messages and moderation (the Channels consumers use them)
"""

from .discussions import *  # noqa: F401,F403
from .matchmaking import *  # noqa: F401,F403
from .pages import *  # noqa: F401,F403
