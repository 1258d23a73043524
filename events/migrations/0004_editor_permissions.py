from django.db import migrations

from portal.roles import EDITORS, ensure_group_permissions


def grant(apps, schema_editor):
    ensure_group_permissions(
        apps,
        group_name=EDITORS,
        permissions=[
            ("events", "export_attendees"),
            ("events", "view_registration"),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0003_calendarfeed_eventpage_registration"), ("portal", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
