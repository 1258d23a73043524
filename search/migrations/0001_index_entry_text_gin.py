"""A GIN index on the concatenated title and body vectors of Wagtail's search index (PostgreSQL only).

Wagtail's PostgreSQL backend matches `(title || body) @@ query`, but Wagtail indexes `title` and `body`
separately: without an index on the expression itself every search reads and concatenates the vectors
of the whole table. The site search (search/index_query.py) and Wagtail's own searches (the admin, the
practice library) both use this one. Nothing to do on other databases (SQLite has its FTS5 table).
"""

from django.db import migrations

INDEX_NAME = "portal_search_indexentry_text_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {table} USING gin ((title || body))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create_index, drop_index)]
