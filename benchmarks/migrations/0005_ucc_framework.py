"""The UserCentriCities framework, both revisions, exists right after `migrate` on an empty database."""

from types import SimpleNamespace

from django.db import migrations

from benchmarks.framework_data import install_framework, read_framework_file


def install_ucc(apps, schema_editor):
    models = SimpleNamespace(
        **{name: apps.get_model("benchmarks", name) for name in ("Framework", "Edition", "Pillar", "SubPillar", "Indicator")}
    )
    install_framework(data=read_framework_file("ucc"), models=models)


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0004_framework_submissions")]

    operations = [migrations.RunPython(install_ucc, migrations.RunPython.noop)]
