"""Who may do what with events: organisers and editors see and export attendees."""


def can_manage_attendees(user, *, event) -> bool:
    """The event's organiser account, editors (the Editors group holds `events.export_attendees`, given by a
    migration) and admins."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if event.organiser_user_id is not None and event.organiser_user_id == user.pk:
        return True
    return user.has_perm("events.export_attendees")
