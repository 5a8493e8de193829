"""Seed values: China's statutory schedule (from the chinesecalendar package), a standard
calendar (Mon–Fri 08:30–12:00, 13:30–17:30) and a 24×7 one, the seeds' promises as policies,
and the escalation ladder of the 002 platform's SMS supervision. All editable afterwards."""

import datetime

from django.db import migrations

STANDARD_DAY = [(datetime.time(8, 30), datetime.time(12, 0)), (datetime.time(13, 30), datetime.time(17, 30))]
WORKING_DAY_MINUTES = 450  # the standard day's 7.5 hours

POLICIES = [
    # name, metric, minutes, zone, rank  (001 第十三条: 6 h urban / 7 h suburban from call to arrival)
    ("市区6个工作小时内到达", "arrival", 6 * 60, "urban", 10),
    ("郊区7个工作小时内到达", "arrival", 7 * 60, "suburban", 10),
    # 004: arrangements within 2 hours of the call.
    ("2个工作小时内派工", "response", 2 * 60, "", 100),
    # 001 第五篇 1.3.3: parts-replacement repairs within 7 working days.
    ("7个工作日内修复", "resolution", 7 * WORKING_DAY_MINUTES, "", 100),
    # 001 第五篇 1.3.3: return-to-factory repairs normally 10–15 working days.
    ("15个工作日内返厂修复", "factory", 15 * WORKING_DAY_MINUTES, "", 100),
]

# 002 §1.6: "x小时后即将超时" to the engineer, "超时x小时未完成" up the line.
LADDER = [
    ("到期前1小时提醒技术员", -60, "technician", "sla_warning"),
    ("到期前1小时提醒调度", -60, "dispatcher", "sla_warning"),
    ("超时通知服务主管", 0, "supervisor", "sla_breached"),
    ("超时2小时通知总经理", 120, "general_manager", "sla_breached_long"),
]


def seed(apps, schema_editor):
    import chinese_calendar

    StatutoryDay = apps.get_model("sla", "StatutoryDay")
    for day, name in chinese_calendar.holidays.items():
        StatutoryDay.objects.get_or_create(day=day, defaults={"kind": "holiday", "name": str(name), "source": "chinesecalendar"})
    for day, name in chinese_calendar.workdays.items():
        StatutoryDay.objects.get_or_create(day=day, defaults={"kind": "workday", "name": str(name), "source": "chinesecalendar"})

    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    WorkingPeriod = apps.get_model("sla", "WorkingPeriod")
    standard, created = BusinessCalendar.objects.get_or_create(
        code="standard", defaults={"name": "标准工作日历", "is_default": True}
    )
    if created:
        WorkingPeriod.objects.bulk_create(
            WorkingPeriod(calendar=standard, weekday=weekday, starts_at=start, ends_at=end)
            for weekday in range(5)
            for start, end in STANDARD_DAY
        )
    BusinessCalendar.objects.get_or_create(
        code="24x7", defaults={"name": "7×24 全天候", "is_around_the_clock": True, "observes_statutory_holidays": False}
    )
    apps.get_model("sla", "CalendarRevision").objects.get_or_create(pk=1, defaults={"value": 1})

    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for name, metric, minutes, zone, rank in POLICIES:
        SlaPolicy.objects.get_or_create(
            name=name, defaults={"metric": metric, "target_minutes": minutes, "zone": zone, "rank": rank}
        )
    EscalationStep = apps.get_model("sla", "EscalationStep")
    for metric in ("response", "arrival", "resolution", "factory"):
        for name, offset, audience, template in LADDER:
            EscalationStep.objects.get_or_create(
                metric=metric, name=name,
                defaults={"offset_minutes": offset, "audience": audience, "template_code": template},
            )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
