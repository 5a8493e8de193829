"""The stock ledger is append-only on the database too: a trigger refuses any UPDATE of a stock
movement (both databases) and any DELETE (PostgreSQL; SQLite's test flush empties tables with
DELETE, and the ORM already refuses deletes there). PostgreSQL's TRUNCATE does not fire them."""

from django.db import migrations

MESSAGE = "stock movements are append-only: record a correcting movement"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER parts_stockmovement_no_update BEFORE UPDATE ON parts_stockmovement
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS parts_stockmovement_no_update;"]

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION parts_stockmovement_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER parts_stockmovement_append_only BEFORE UPDATE OR DELETE ON parts_stockmovement
    FOR EACH ROW EXECUTE FUNCTION parts_stockmovement_append_only();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS parts_stockmovement_append_only ON parts_stockmovement;",
    "DROP FUNCTION IF EXISTS parts_stockmovement_append_only();",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("parts", "0002_settings_numbering_and_templates")]
    operations = [migrations.RunPython(forward, backward)]
