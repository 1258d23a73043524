from django.db import migrations

from portal.roles import EDITORS, MODERATORS, ensure_group_permissions


def grant(apps, schema_editor):
    editors = [
        ("learning", f"{action}_{model}")
        for model in ("matchrequest", "matchinvitation", "room")
        for action in ("add", "change", "view")
    ]
    editors += [("learning", "view_moderationlogentry")]
    moderators = [("learning", f"{action}_room") for action in ("change", "view")]
    moderators += [("learning", "view_moderationlogentry")]
    ensure_group_permissions(apps, group_name=EDITORS, permissions=editors)
    ensure_group_permissions(apps, group_name=MODERATORS, permissions=moderators)


class Migration(migrations.Migration):
    dependencies = [("learning", "0005_discussions_and_matchmaking"), ("portal", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
