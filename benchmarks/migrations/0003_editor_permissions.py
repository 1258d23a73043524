from django.db import migrations

from portal.roles import EDITORS, ensure_group_permissions


def grant(apps, schema_editor):
    ensure_group_permissions(
        apps,
        group_name=EDITORS,
        permissions=[("benchmarks", f"{action}_authority") for action in ("add", "change", "view")],
    )


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0002_initial"), ("portal", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
