"""Editors (community managers) send the newsletter, see subscribers and the send log, and can delete a
subscriber on request."""

from django.db import migrations

from portal.roles import EDITORS, ensure_group_permissions


def grant(apps, schema_editor):
    ensure_group_permissions(
        apps,
        group_name=EDITORS,
        permissions=[
            ("portal", "send_newsletter"),
            ("portal", "view_subscriber"),
            ("portal", "delete_subscriber"),
            ("portal", "view_newsletterdelivery"),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_newsletter")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
