"""The portal's roles and the Django groups that carry them.

visitor (anonymous) < member < verified member < authority representative; editors, moderators and
admins work in the Wagtail admin. A role that is a group is listed here; "verified" is a flag on the
member, "admin" is Django's superuser.
"""

from django.utils.translation import gettext_lazy as _

MEMBERS = "Members"
REPRESENTATIVES = "Authority representatives"
EDITORS = "Editors"
MODERATORS = "Moderators"

GROUP_DESCRIPTIONS = {
    MEMBERS: _("People from local authorities and partners who joined the community."),
    REPRESENTATIVES: _("Members who answer the benchmark questionnaire for one authority."),
    EDITORS: _("Community managers who publish content and validate submissions."),
    MODERATORS: _("People who moderate discussions and approve content."),
}


def user_has_role(user, group_name: str) -> bool:
    """True when the user is in the group (superusers hold every role)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=group_name).exists()


def ensure_group_permissions(apps, *, group_name: str, permissions: list[tuple[str, str]]) -> None:
    """Create the group if needed and give it (app_label, codename) permissions. For data migrations.

    Permissions are normally created after all migrations ran; this creates them first so a fresh
    database gets its roles in one `migrate`.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    for app_label, codename in permissions:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
