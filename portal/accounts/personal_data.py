"""The registry of personal data: every app tells what it keeps about a member, for export and deletion.

A member downloads all their data as JSON (/members/me/data.json) and can delete their account
(/members/me/delete/). Each app that stores something about a member registers a provider, usually in
its AppConfig.ready():

    from portal.accounts.personal_data import register_personal_data_provider

    def export_posts(user):                       # -> anything JSON-serialisable (dates become ISO text)
        return [{"room": p.room.title, "text": p.text, "at": p.created_at} for p in user.posts.all()]

    def delete_posts(user, *, delete_content):    # runs before the user row is deleted
        if delete_content:
            user.posts.all().delete()             # the member asked to remove what they wrote too
        # otherwise keep them: the post's author FK is on_delete=SET_NULL and renders "former member"

    register_personal_data_provider(
        "learning.discussions", label="Discussion posts", export=export_posts, delete=delete_posts
    )

Deletion runs every provider's `delete` inside one transaction with the deletion of the user, so a failing
provider leaves the account untouched. Content that must outlive its author (discussion posts, practice
cases, submissions) points at the user with on_delete=SET_NULL and shows "former member".
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataProvider:
    key: str
    label: str
    export: Callable[[Any], Any] | None = None
    delete: Callable[..., None] | None = None


_providers: dict[str, PersonalDataProvider] = {}


def register_personal_data_provider(
    key: str,
    *,
    label: str,
    export: Callable[[Any], Any] | None = None,
    delete: Callable[..., None] | None = None,
) -> None:
    """Register (or replace, by key) what an app exports and deletes for a member."""
    _providers[key] = PersonalDataProvider(key=key, label=str(label), export=export, delete=delete)


def personal_data_providers() -> list[PersonalDataProvider]:
    return list(_providers.values())
