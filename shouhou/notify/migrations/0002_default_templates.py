"""Default message templates (Chinese), after the 002 platform's SMS supervision wording:
"x小时后即将超时", "超时x小时未完成", "超时x小时完成". Editable in the admin."""

from django.db import migrations

TEMPLATES = {
    "sla_warning": (
        "工单{{ number }}即将超时",
        "工单{{ number }}（{{ customer }}）的{{ metric }}将于{{ due }}到期，{{ hours_left }}小时后即将超时，请尽快处理。",
    ),
    "sla_breached": (
        "工单{{ number }}已超时",
        "工单{{ number }}（{{ customer }}）的{{ metric }}已于{{ due }}到期，现已超时，尚未完成。",
    ),
    "sla_breached_long": (
        "工单{{ number }}超时{{ hours_over }}小时未完成",
        "工单{{ number }}（{{ customer }}）的{{ metric }}已超时{{ hours_over }}小时未完成，请督办。",
    ),
    "sla_met_late": (
        "工单{{ number }}超时{{ hours_over }}小时完成",
        "工单{{ number }}（{{ customer }}）的{{ metric }}于{{ met }}完成，超时{{ hours_over }}小时。",
    ),
    "work_order_dispatched": (
        "新派工单{{ number }}",
        "您有新的派工：{{ number }}，{{ customer }}，{{ address }}，故障：{{ symptom }}。",
    ),
    "work_order_escalated": (
        "工单{{ number }}请求协助",
        "{{ by }}请求协助处理工单{{ number }}（{{ customer }}）：{{ note }}",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, (subject, body) in TEMPLATES.items():
        for channel in ("in_app", "email", "sms"):
            MessageTemplate.objects.get_or_create(
                code=code, channel=channel, defaults={"subject": subject, "body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
