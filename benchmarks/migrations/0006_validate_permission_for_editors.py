from django.db import migrations

from portal.roles import EDITORS, ensure_group_permissions

BENCHMARK_MODELS = ("framework", "edition", "pillar", "subpillar", "indicator", "submission")


def grant(apps, schema_editor):
    permissions = [("benchmarks", "validate_submission")]
    for model in BENCHMARK_MODELS:
        permissions += [("benchmarks", f"{action}_{model}") for action in ("add", "change", "view")]
    ensure_group_permissions(apps, group_name=EDITORS, permissions=permissions)


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0005_ucc_framework")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
