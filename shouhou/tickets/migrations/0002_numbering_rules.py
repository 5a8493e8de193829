from django.db import migrations

RULES = [
    ("work_order", "W{period}{serial:04d}", "%y%m%d", "Work order number (date + serial)"),
    ("carry_in_receipt", "SJ{period}{serial:04d}", "%y%m%d", "Customer goods receipt number"),
    ("service_voucher", "FW{period}{serial:04d}", "%y%m%d", "Service voucher number"),
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
    dependencies = [("tickets", "0001_initial"), ("core", "0002_default_numbering_rules")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
