from django.db import migrations

LEVELS = [
    ("standard", "标准服务", "Working hours, arrival within the zone's standard promise (6 h urban / 7 h suburban)."),
    ("priority", "优先服务", "Working hours, dispatched ahead of standard calls."),
    ("7x24", "7×24 服务", "Around the clock, including holidays."),
]


def add_levels(apps, schema_editor):
    ServiceLevel = apps.get_model("contracts", "ServiceLevel")
    for code, name, description in LEVELS:
        ServiceLevel.objects.get_or_create(code=code, defaults={"name": name, "description": description})


def remove_levels(apps, schema_editor):
    ServiceLevel = apps.get_model("contracts", "ServiceLevel")
    ServiceLevel.objects.filter(code__in=[level[0] for level in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_initial")]
    operations = [migrations.RunPython(add_levels, remove_levels)]
