"""Seed values, all editable afterwards:

* billing settings: 13 % VAT on repair services; a deposit of at least half the price of expensive
  parts (004 客户服务工作流程 16), expensive meaning 1,000 yuan a unit or more (the seed gives no
  figure: our default); small charges up to 500 yuan collected in cash on site, larger ones
  invoiced (001 第四篇 十 gives no figure either); 30 days to pay; quotes valid 7 days; ageing
  buckets 30/60/90 days;
* approval limits (001 第四篇 十: a lower or waived charge needs the competent manager's
  approval): service managers up to 1,000 yuan, administrators without limit, nobody else;
* numbering rules for quotes, invoices and payment receipts;
* one company-wide example fee schedule (the seeds publish no fee figures: replace it);
* the messages sent about quotes and discount requests."""

import datetime
from decimal import Decimal

from django.db import migrations

RULES = [
    ("quote", "BJ{period}{serial:04d}", "%y%m%d", "Quote number (date + serial)"),
    ("invoice", "FP{period}{serial:05d}", "%Y%m", "Invoice number (year-month + serial)"),
    ("payment", "SK{period}{serial:04d}", "%y%m%d", "Payment receipt number (date + serial)"),
]
LIMITS = [("service_manager", Decimal("1000.00"), None), ("admin", None, None)]
JOBS = [
    ("inspect", "检测诊断", Decimal("80.00")),
    ("module", "模块更换", Decimal("150.00")),
    ("overhaul", "整机检修", Decimal("300.00")),
]
TEMPLATES = {
    "adjustment_requested": (
        "工单{{ number }}申请{{ kind }}待审批",
        "{{ by }}为工单{{ number }}（{{ customer }}）申请{{ kind }}{{ amount }}元：{{ reason }}",
    ),
    "adjustment_decided": (
        "工单{{ number }}的{{ kind }}申请{{ decision }}",
        "您为工单{{ number }}申请的{{ kind }}{{ amount }}元已{{ decision }}。{{ note }}",
    ),
    "quote_decided": (
        "报价{{ quote }}客户已{{ decision }}",
        "工单{{ number }}（{{ customer }}）的报价{{ quote }}（{{ total }}元）客户已{{ decision }}。{{ reason }}",
    ),
}


def seed(apps, schema_editor):
    apps.get_model("billing", "BillingSettings").objects.get_or_create(pk=1)
    ApprovalLimit = apps.get_model("billing", "ApprovalLimit")
    for role, amount, percent in LIMITS:
        ApprovalLimit.objects.get_or_create(
            role=role, defaults={"max_amount": amount, "max_percent": percent}
        )
    NumberingRule = apps.get_model("core", "NumberingRule")
    for document_type, pattern, period_format, description in RULES:
        NumberingRule.objects.get_or_create(
            document_type=document_type,
            defaults={"pattern": pattern, "period_format": period_format, "description": description},
        )
    FeeSchedule = apps.get_model("billing", "FeeSchedule")
    if not FeeSchedule.objects.exists():
        schedule = FeeSchedule.objects.create(
            name="标准收费标准（示例，请按公司收费标准修改）",
            organisation=None,
            effective_from=datetime.date(2020, 1, 1),
            labour_basis="hourly",
            hourly_rate=Decimal("120.00"),
            labour_increment_minutes=30,
            minimum_labour_minutes=60,
            distance_rate_per_km=Decimal("2.00"),
            free_distance_km=Decimal("20.0"),
        )
        apps.get_model("billing", "CallOutFee").objects.bulk_create(
            [
                apps.get_model("billing", "CallOutFee")(schedule=schedule, zone="urban", amount=Decimal("50.00")),
                apps.get_model("billing", "CallOutFee")(schedule=schedule, zone="suburban", amount=Decimal("80.00")),
            ]
        )
        JobTypeRate = apps.get_model("billing", "JobTypeRate")
        JobTypeRate.objects.bulk_create(
            JobTypeRate(schedule=schedule, code=code, name=name, amount=amount)
            for code, name, amount in JOBS
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
        ("billing", "0001_initial"),
        ("core", "0002_default_numbering_rules"),
        ("notify", "0002_default_templates"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
