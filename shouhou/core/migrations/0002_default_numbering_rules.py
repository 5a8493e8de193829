from django.db import migrations

# Seed defaults; editable in the admin afterwards. Complaints follow 003 (八): year-month + serial,
# the counter restarting each month (2611-0007).
RULES = [
    ("customer", "C{serial:06d}", "", "Customer number"),
    ("contract", "HT{period}-{serial:04d}", "%Y", "Maintenance contract number"),
    ("complaint", "{period}-{serial:04d}", "%y%m", "Complaint case number (year-month + serial)"),
]


def add_rules(apps, schema_editor):
    NumberingRule = apps.get_model("core", "NumberingRule")
    for document_type, pattern, period_format, description in RULES:
        NumberingRule.objects.get_or_create(
            document_type=document_type,
            defaults={"pattern": pattern, "period_format": period_format, "description": description},
        )


def remove_rules(apps, schema_editor):
    NumberingRule = apps.get_model("core", "NumberingRule")
    NumberingRule.objects.filter(document_type__in=[rule[0] for rule in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
