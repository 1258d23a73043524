"""Editors rename, merge and delete tags (taggit's shared Tag) in the admin."""

from django.db import migrations

from portal.roles import EDITORS, ensure_group_permissions


def grant(apps, schema_editor):
    ensure_group_permissions(
        apps,
        group_name=EDITORS,
        permissions=[("taggit", "add_tag"), ("taggit", "change_tag"), ("taggit", "delete_tag"), ("taggit", "view_tag")],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0005_case_submission_source"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("portal", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
