"""Seed values: the parts shipping-accuracy target of 003 篇6 (98 %), the parts request numbering
rule and the messages sent about parts requests and low stock. All editable afterwards."""

from decimal import Decimal

from django.db import migrations

RULES = [
    ("parts_request", "PR{period}{serial:04d}", "%y%m%d", "Parts request number (date + serial)"),
]

TEMPLATES = {
    "parts_request_submitted": (
        "配件申请{{ number }}待审批",
        "{{ technician }}申请配件（{{ number }}）：{{ lines }}。{% if work_order %}工单{{ work_order }}。{% endif %}",
    ),
    "parts_request_decided": (
        "配件申请{{ number }}{{ decision }}",
        "您的配件申请{{ number }}已{{ decision }}。{{ note }}",
    ),
    "parts_request_shipped": (
        "配件申请{{ number }}已发货",
        "您的配件申请{{ number }}已从{{ source }}发出：{{ lines }}。收到后请确认是否正确。",
    ),
    "stock_low": (
        "{{ warehouse }}库存不足",
        "{{ warehouse }}的配件{{ part }}可用库存{{ available }}，已到再订货点{{ reorder_point }}。",
    ),
}


def seed(apps, schema_editor):
    apps.get_model("parts", "PartsSettings").objects.get_or_create(
        pk=1, defaults={"shipping_accuracy_target_percent": Decimal("98.00")}
    )
    NumberingRule = apps.get_model("core", "NumberingRule")
    for document_type, pattern, period_format, description in RULES:
        NumberingRule.objects.get_or_create(
            document_type=document_type,
            defaults={"pattern": pattern, "period_format": period_format, "description": description},
        )
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, (subject, body) in TEMPLATES.items():
        for channel in ("in_app", "email", "sms"):
            MessageTemplate.objects.get_or_create(
                code=code, channel=channel, defaults={"subject": subject, "body": body}
            )


def unseed(apps, schema_editor):
    apps.get_model("core", "NumberingRule").objects.filter(
        document_type__in=[rule[0] for rule in RULES]
    ).delete()
    apps.get_model("notify", "MessageTemplate").objects.filter(code__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("parts", "0001_initial"),
        ("core", "0002_default_numbering_rules"),
        ("notify", "0002_default_templates"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
