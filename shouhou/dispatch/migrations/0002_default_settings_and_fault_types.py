"""The default dispatch settings (editable in the admin) and the fault types recognised in what
callers say. The keywords are data matched against Chinese symptoms."""

from decimal import Decimal

from django.db import migrations

DEFAULT_SETTINGS = {
    "travel_provider": "great_circle",
    "osrm_timeout_seconds": 10,
    # Road distance in a Chinese city is about 1.3 × the straight line.
    "detour_factor": Decimal("1.30"),
    "urban_speed_kmh": Decimal("25.0"),
    "suburban_speed_kmh": Decimal("40.0"),
    "default_service_minutes": 90,
    "default_daily_capacity": 6,
    "plan_time_limit_seconds": 20,
    "history_days": 180,
    "min_history_samples": 3,
}

FAULT_TYPES = [
    ("卡钞卡纸", "卡钞,卡纸,卡币,出钞口,搓钞", 10),
    ("读卡器", "读卡,银行卡,磁头", 20),
    ("键盘按键", "键盘,按键", 30),
    ("打印", "打印,不出纸,凭条,走纸", 40),
    ("电源与黑屏", "黑屏,不开机,无显示,电源,离线,开机后", 50),
    ("识别与计数", "识别,退钞,鉴伪,点钞,计数", 60),
    ("门锁", "门锁,无法锁闭,锁", 70),
    ("机械传动", "电机,皮带,传动,模块报", 80),
    ("液压", "起升,液压,油缸,货叉", 90),
    ("蓄电池", "蓄电池,电池,充电", 100),
    ("转向", "转向", 110),
    ("制冷", "不制冷,制冷,冷媒", 120),
    ("漏水", "漏水,滴水", 130),
    ("噪音", "噪音,异响", 140),
    ("遥控与显示", "遥控,显示E", 150),
    ("硬盘", "硬盘,RAID", 160),
    ("内存与重启", "内存,重启,蓝屏", 170),
]


def seed(apps, schema_editor):
    DispatchSettings = apps.get_model("dispatch", "DispatchSettings")
    FaultType = apps.get_model("dispatch", "FaultType")
    if not DispatchSettings.objects.filter(is_default=True).exists():
        DispatchSettings.objects.create(is_default=True, **DEFAULT_SETTINGS)
    for name, keywords, rank in FAULT_TYPES:
        FaultType.objects.get_or_create(name=name, defaults={"keywords": keywords, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_technicians_plans_and_field_visits")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
