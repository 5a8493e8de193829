"""Seed values of the complaint regulation, all editable in the admin afterwards: complaint
types; the policy row (closure 13 days domestic / 17 abroad, 003 (十)1; revisit within 3 days,
000 第五篇 四.2; warning ≥ 400 yuan, minor demerit ≥ 800 yuan per unit, 003 行政罚扣折算;
deductions at most 50 % of the month's efficiency bonus, 003 经济处罚准则 (三)4); step targets
(the seed's per-unit table is missing: the investigation report within three days, 003 (九)3,
the consolidated opinion within one day, (九)6, one working day for the others); approval
limits by role (核决权限: the amounts are not in the seed, these are a starting point); and the
Chinese message templates of the notices."""

from decimal import Decimal

from django.db import migrations

TYPES = [
    # code, name, quality problem, order
    ("product_quality", "产品质量", True, 10),
    ("repair_quality", "维修质量", False, 20),
    ("service_attitude", "服务态度", False, 30),
    ("late_arrival", "上门不及时", False, 40),
    ("wrong_charge", "收费错误", False, 50),
    ("delivery_error", "交货或发运错误", False, 60),
    ("other", "其他", False, 90),
]
WORKING_DAY_MINUTES = 450  # the standard calendar's 7.5 working hours
STEP_TARGETS = [
    # step, minutes, counted in
    ("registered", WORKING_DAY_MINUTES, "working"),
    ("investigating", 3 * 24 * 60, "elapsed"),
    ("remedy_proposed", 24 * 60, "elapsed"),
    ("approved", WORKING_DAY_MINUTES, "working"),
    ("customer_informed", 3 * WORKING_DAY_MINUTES, "working"),
]
APPROVAL_LIMITS = [
    ("quality_officer", Decimal("500.00")),
    ("service_manager", Decimal("5000.00")),
    ("admin", None),
]
TEMPLATES = {
    "complaint_registered": (
        "新投诉{{ number }}",
        "客户{{ customer }}投诉（{{ type }}，{{ severity }}）：{{ description }}。请服务主任亲自或指派专人处理，结案期限{{ due }}。",
    ),
    "complaint_major": (
        "重大投诉{{ number }}待副总经理核阅",
        "重大投诉{{ number }}（{{ customer }}，{{ type }}）：{{ description }}。请核阅并提前处理，处理结果须书面函告客户。结案期限{{ due }}。",
    ),
    "complaint_assigned": (
        "投诉{{ number }}已指派给您",
        "投诉{{ number }}（{{ customer }}，{{ type }}）已指派您处理，本步骤期限{{ step_due }}，结案期限{{ due }}。",
    ),
    "complaint_approval_needed": (
        "投诉{{ number }}处理方案待核决",
        "投诉{{ number }}（{{ customer }}）拟处理方案：{{ remedy }}，金额{{ amount }}元。请在核决权限内审批，期限{{ step_due }}。",
    ),
    "complaint_returned": (
        "投诉{{ number }}处理方案退回调查",
        "投诉{{ number }}（{{ customer }}）的处理方案被退回：{{ note }}。本步骤期限{{ step_due }}。",
    ),
    "complaint_approved": (
        "投诉{{ number }}处理方案已核准",
        "投诉{{ number }}（{{ customer }}）的处理方案（{{ remedy }}，{{ amount }}元）已核准，请答复客户（重大投诉须书面函告），期限{{ step_due }}。",
    ),
    "complaint_chase": (
        "催办单：投诉{{ number }}",
        "投诉{{ number }}（{{ customer }}）的“{{ step }}”已逾期（期限{{ step_due }}）：{{ reason }}。请{{ owner }}尽快处理，结案期限{{ due }}。",
    ),
    "complaint_revisit_due": (
        "投诉{{ number }}已结案，请回访",
        "投诉{{ number }}（{{ customer }}）已结案，请于{{ revisit_due }}前再次回访客户并记录。",
    ),
}


def seed(apps, schema_editor):
    ComplaintType = apps.get_model("complaints", "ComplaintType")
    for code, name, quality, order in TYPES:
        ComplaintType.objects.get_or_create(
            code=code, defaults={"name": name, "is_quality_problem": quality, "sort_order": order}
        )
    ComplaintPolicy = apps.get_model("complaints", "ComplaintPolicy")
    if not ComplaintPolicy.objects.exists():
        ComplaintPolicy.objects.create()
    StepTarget = apps.get_model("complaints", "StepTarget")
    for step, minutes, clock in STEP_TARGETS:
        StepTarget.objects.get_or_create(step=step, defaults={"target_minutes": minutes, "clock": clock})
    ApprovalLimit = apps.get_model("complaints", "ApprovalLimit")
    for role, amount in APPROVAL_LIMITS:
        ApprovalLimit.objects.get_or_create(role=role, defaults={"max_amount": amount})
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, (subject, body) in TEMPLATES.items():
        for channel in ("in_app", "email", "sms"):
            MessageTemplate.objects.get_or_create(
                code=code, channel=channel, defaults={"subject": subject, "body": body}
            )


def unseed(apps, schema_editor):
    apps.get_model("notify", "MessageTemplate").objects.filter(code__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("notify", "0002_default_templates")]
    operations = [migrations.RunPython(seed, unseed)]
