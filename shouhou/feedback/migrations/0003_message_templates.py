"""Message templates of the feedback app (Chinese; editable in the admin): the survey invitation
and its reminder (SMS and email, with the signed link), the flagged answer for the complaints
officer, a complaint raised during a follow-up call for the managers (000 第五篇 四 1) and the
monthly follow-up report submitted to the service manager (000 第五篇 五)."""

from django.db import migrations

TEMPLATES = {
    "survey_invitation": (
        ("sms", "email"),
        "请评价工单{{ number }}的服务",
        "{{ name }}您好，您的工单{{ number }}已完成。请花一分钟评价本次服务：{{ link }} （{{ expires }}前有效）。感谢您的支持！",
    ),
    "survey_reminder": (
        ("sms", "email"),
        "提醒：请评价工单{{ number }}的服务",
        "{{ name }}您好，您还没有评价工单{{ number }}的服务，您的意见对我们很重要：{{ link }} （{{ expires }}前有效）。",
    ),
    "survey_flagged": (
        ("in_app", "email"),
        "客户评价需关注：工单{{ number }}",
        "工单{{ number }}（{{ customer }}，技术员{{ technician }}）的客户评价被标记：{{ reasons }}。请及时处理。",
    ),
    "follow_up_complaint": (
        ("in_app", "email"),
        "回访中客户抱怨：{{ customer }}",
        "{{ agent }}回访{{ customer }}（{{ phone }}）时记录了抱怨：{{ complaint }}。请批示处理，回访员将于{{ due }}前再次回访。",
    ),
    "follow_up_report_submitted": (
        ("in_app", "email"),
        "{{ organisation }}{{ month }}回访报告已上报",
        "{{ by }}已上报{{ organisation }}{{ month }}的回访情况{% if late %}（迟交）{% endif %}：完成回访{{ done }}次，抱怨{{ complaints }}次，流失客户{{ lost }}户。",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, (channels, subject, body) in TEMPLATES.items():
        for channel in channels:
            MessageTemplate.objects.get_or_create(
                code=code, channel=channel, defaults={"subject": subject, "body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_default_configuration"), ("notify", "0002_default_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
