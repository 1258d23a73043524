"""The portal's roles as groups, with their Wagtail permissions (see portal/roles.py)."""

from django.db import migrations

from portal.roles import EDITORS, MEMBERS, MODERATORS, REPRESENTATIVES, ensure_group_permissions


def create_roles(apps, schema_editor):
    ensure_group_permissions(apps, group_name=MEMBERS, permissions=[])
    ensure_group_permissions(apps, group_name=REPRESENTATIVES, permissions=[])
    # Wagtail's initial data created Editors and Moderators with admin access. Our editors are community
    # managers: they also publish pages and edit the navigation and footer.
    ensure_group_permissions(
        apps, group_name=EDITORS, permissions=[("wagtailadmin", "access_admin"), ("portal", "change_navigationsettings")]
    )
    ensure_group_permissions(apps, group_name=MODERATORS, permissions=[("wagtailadmin", "access_admin")])
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    editors = Group.objects.get(name=EDITORS)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=root,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
