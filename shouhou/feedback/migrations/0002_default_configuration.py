"""The default questionnaire (001 第十八条: attitude, skill, arrival time and keeping promises, each
on four levels 极差/差/好/很好; overall satisfaction on the 002 platform's 很满意/满意/不满意; an
optional recommendation score; a suggestion and a complaint, 001 第十六条), the default survey
policy, the follow-up rules with the seed values (000 第五篇, 001 第二篇 (二), 004 (三)4–5) and
their call scripts, and the loss reasons. All editable in the admin."""

import datetime

from django.db import migrations
from django.utils import timezone

RATING = [
    {"value": 4, "label": "很好"},
    {"value": 3, "label": "好"},
    {"value": 2, "label": "差"},
    {"value": 1, "label": "极差"},
]
SATISFACTION = [
    {"value": 3, "label": "很满意"},
    {"value": 2, "label": "满意"},
    {"value": 1, "label": "不满意"},
]
QUESTIONS = [
    # code, text, short label, kind, choices, required, technician rating, overall, flag values,
    # any answer flags
    ("attitude", "技术员的服务态度", "态度", "choice", RATING, True, True, False, [1], False),
    ("skill", "技术员的技术水平", "技术", "choice", RATING, True, True, False, [1], False),
    ("arrival", "技术员的到达时间", "到达时间", "choice", RATING, True, True, False, [1], False),
    ("promise", "技术员答应事情的办理", "答应事情的办理", "choice", RATING, True, True, False, [1], False),
    ("overall", "您对本次服务的总体评价", "总体评价", "choice", SATISFACTION, True, False, True, [], False),
    (
        "nps",
        "您有多大可能向亲友推荐我们的服务？（0 表示完全不可能，10 表示非常可能）",
        "推荐意愿",
        "nps",
        [],
        False,
        False,
        False,
        [],
        False,
    ),
    ("suggestion", "您的建议", "建议", "text", [], False, False, False, [], False),
    ("complaint", "您的抱怨或投诉（如有）", "抱怨", "text", [], False, False, False, [], True),
]

SCRIPTS = {
    "repair": (
        "您好，我是××公司售后服务部回访员××。您的设备近日在我公司完成维修，想占用您两分钟做个回访：\n"
        "1. 设备修好后使用情况如何？\n"
        "2. 您对这次服务（接待、维修质量、到达时间、收费）的评价是很满意、满意还是不满意？\n"
        "3. 近期有没有新的服务需求需要我们效劳？\n"
        "4. 提醒下次保养时间，介绍公司近期的服务和优惠活动。\n"
        "客户有抱怨时虚心接受、记录清楚，告知会在三天内再次回访答复。\n"
        "结束时致意：“非常感谢合作！”"
    ),
    "installation": (
        "您好，我是××公司售后服务部的××。您的设备已于近日安装完成，想了解一下：\n"
        "1. 设备目前运行是否正常？安装、调试和使用讲解是否到位？\n"
        "2. 您对安装人员的服务评价是很满意、满意还是不满意？\n"
        "3. 使用中有没有不清楚的地方或新的需求？\n"
        "将客户的评价和意见详细记录。"
    ),
    "second_call": (
        "您好，我是××公司售后服务部的××，上周曾给您打过回访电话，想再跟进一下：\n"
        "1. 设备最近的使用情况如何？\n"
        "2. 上次您提到的问题是否已经解决？\n"
        "3. 有没有新的服务需求？\n"
        "内容避免与第一次重复，围绕客户感兴趣的话题。"
    ),
    "complaint_callback": (
        "您好，我是××公司售后服务部的××。关于您上次回访中反映的问题，服务经理已经处理，现向您反馈：\n"
        "1. 说明处理结果。\n"
        "2. 询问客户对处理结果是否满意。\n"
        "3. 仍不满意时记录原因，再次上报店长和服务经理。"
    ),
}
DAY = datetime.timedelta(days=1)
RULES = {
    # kind: (call from, call by)
    "repair": (2 * DAY, 7 * DAY),
    "installation": (datetime.timedelta(0), datetime.timedelta(hours=24)),
    "second_call": (7 * DAY, 14 * DAY),
    "complaint_callback": (datetime.timedelta(0), 3 * DAY),
}
LOSS_REASONS = [
    ("price", "价格偏高"),
    ("attitude", "服务态度不满意"),
    ("quality", "维修质量不满意"),
    ("waiting", "等待时间太长"),
    ("distance", "距离远、不方便"),
    ("competitor", "转到其他服务商"),
    ("retired", "设备报废或停用"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    Questionnaire = apps.get_model("feedback", "Questionnaire")
    Question = apps.get_model("feedback", "Question")
    FeedbackPolicy = apps.get_model("feedback", "FeedbackPolicy")
    FollowUpRule = apps.get_model("feedback", "FollowUpRule")
    LossReason = apps.get_model("feedback", "LossReason")

    questionnaire, created = Questionnaire.objects.get_or_create(
        code="after_service",
        version_number=1,
        defaults={
            "title": "售后服务满意度调查",
            "introduction": "感谢您选择我们的售后服务。为了不断改进，请您花一分钟对本次服务作出评价。",
            "closing": "感谢您的宝贵意见！我们会认真对待每一条建议和抱怨。",
            "is_published": True,
            "published_at": timezone.now(),
        },
    )
    if created:
        for position, row in enumerate(QUESTIONS, start=1):
            code, text, short, kind, choices, required, rating, overall, flags, any_flags = row
            Question.objects.create(
                questionnaire=questionnaire,
                position=position,
                code=code,
                text=text,
                short_label=short,
                kind=kind,
                choices=choices,
                is_required=required,
                is_technician_rating=rating,
                is_overall_satisfaction=overall,
                flag_values=flags,
                flags_when_answered=any_flags,
            )
    if not FeedbackPolicy.objects.filter(organisation__isnull=True).exists():
        FeedbackPolicy.objects.create(
            organisation=None,
            questionnaire_code="after_service",
            send_sms=True,
            send_email=True,
            expires_after=14 * DAY,
            remind_after=3 * DAY,
            reminder_limit=1,
            report_due_day=3,
        )
    for kind, (starts_after, due_within) in RULES.items():
        FollowUpRule.objects.get_or_create(
            kind=kind,
            organisation=None,
            defaults={
                "starts_after": starts_after,
                "due_within": due_within,
                "target_percent": 100,
                "sample_percent": 30,
                "sample_seed": 1,
                "attempt_limit": 3,
                "retry_after": DAY,
                "script": SCRIPTS[kind],
            },
        )
    for position, (code, label) in enumerate(LOSS_REASONS, start=1):
        LossReason.objects.get_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
