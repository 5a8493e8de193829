"""Deterministic demo data: our headquarters with three service centres, a bank client tree, an
external service provider, customers, contacts, sites, the product catalogue, installed equipment,
maintenance contracts, one demo login per role and field technicians; the small size also has
work orders of the last month (shouhou.tickets.demo), played through the work-order services
from the call to the signed voucher, with the labour lines the daily reports read.

Everything random comes from one `random.Random(seed)` and every date from BASE_DATE, so one seed
always gives the same rows. Organisations and users are written through the core services; the
volume (customers, sites, contacts, equipment, contracts) is inserted directly, one `executemany`
of 5,000 rows at a time with ids assigned here (PostgreSQL's id sequences are moved past them at
the end), filling in exactly what the services would derive: customer numbers from the numbering
rule (its counter advanced), upper-case serials, the equipment's organisation, region and
warranty end. The small size also writes the audit entries the services would write; the large
size skips them. The load ends with ANALYZE so that the query planner has statistics.

The Chinese literals below are demo *data* (names, addresses), not user-facing interface text."""

from __future__ import annotations

import datetime
import os
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.assets.models import (
    Brand,
    Equipment,
    EquipmentStatus,
    ProductModel,
    ProductType,
    WarrantyStart,
)
from shouhou.assets.services import DERIVED_FIELDS, EQUIPMENT_FIELDS, normalise_serial
from shouhou.assets.warranty import add_months, warranty_end
from shouhou.billing.demo import seed_billing
from shouhou.billing.rules import is_customer_charged
from shouhou.complaints.demo import seed_complaint_demo
from shouhou.contracts.models import (
    ContractKind,
    ContractStatus,
    MaintenanceContract,
    ServiceLevel,
)
from shouhou.contracts.services import CONTRACT_FIELDS
from shouhou.core.audit import created_changes, record_audit
from shouhou.core.errors import ShouhouError
from shouhou.core.models import (
    AuditEntry,
    NumberingRule,
    NumberSequence,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    User,
)
from shouhou.core.services import create_organisation, create_user
from shouhou.customers.models import (
    Contact,
    Customer,
    CustomerGrade,
    CustomerKind,
    CustomerSource,
    Site,
    Zone,
)
from shouhou.customers.services import CONTACT_FIELDS, CUSTOMER_FIELDS, SITE_FIELDS
from shouhou.dispatch.demo import DemoTechnician, seed_dispatch_demo
from shouhou.dispatch.models import FieldVisit, TechnicianPosition
from shouhou.feedback.demo import seed_feedback_demo
from shouhou.parts.demo import KEEPER as PARTS_KEEPER
from shouhou.parts.demo import seed_parts
from shouhou.parts.models import Part, StockLevel, Warehouse, WarehouseKind
from shouhou.parts.services import receive_stock, transfer_stock
from shouhou.tickets.demo import FAULTS, DemoStaff, WorkOrderSimulation, pinned_clock
from shouhou.tickets.models import LabourLine, PartLine, WorkOrder

# The day the demo world stands on: purchase dates, contracts and warranties are spread around it.
BASE_DATE = datetime.date(2026, 11, 1)
DEMO_PASSWORD = "shouhou-demo"  # noqa: S105 - the published password of the demo accounts
# Where `make run` serves (the Procfile binds SHOUHOU_BIND, default 127.0.0.1:8000).
DEMO_URL = f"http://{os.environ.get('SHOUHOU_BIND', '127.0.0.1:8000')}"
# Bump when the generated rows change: the benchmark caches seeded databases under this version.
GENERATOR_VERSION = 5
BATCH_SIZE = 5000
PROGRESS_EVERY = 100_000
YEARS_OF_HISTORY = 5
# Work orders are reported over the last WORK_ORDER_DAYS days up to BASE_DATE, and the simulated
# "now" that finds them in their states is the end of BASE_DATE's working day.
WORK_ORDER_DAYS = 30
WORK_ORDER_HORIZON = datetime.time(18, 30)


@dataclass(frozen=True)
class DemoVolume:
    """How many rows of each kind to generate; `audited` writes one audit entry per row.
    Work orders go through the services one by one (a few per second of seeding): only the small
    size has them."""

    customers: int
    sites: int
    equipment: int
    contracts: int
    audited: bool
    work_orders: int = 0

    @classmethod
    def scaled(
        cls,
        *,
        equipment: int,
        customers: int | None = None,
        sites: int | None = None,
        audited: bool = False,
        work_orders: int = 0,
    ) -> DemoVolume:
        """A volume with the large size's proportions: 10 units a customer, 1.2 sites each."""
        customers = customers if customers is not None else max(MIN_CUSTOMERS, equipment // 10)
        sites = sites if sites is not None else customers * 6 // 5
        return cls(
            customers=customers,
            sites=sites,
            equipment=equipment,
            contracts=max(1, customers // 10),
            audited=audited,
            work_orders=work_orders,
        )

    def check(self) -> None:
        if self.customers < MIN_CUSTOMERS:
            raise ValueError(f"at least {MIN_CUSTOMERS} customers are needed")
        if self.sites < self.customers:
            raise ValueError("at least one site per customer is needed")
        if self.equipment < 0 or self.contracts < 0 or self.work_orders < 0:
            raise ValueError("counts cannot be negative")
        if self.work_orders and not self.equipment:
            raise ValueError("work orders need equipment")


SIZES = {
    "small": DemoVolume(
        customers=200, sites=260, equipment=1000, contracts=30, audited=True, work_orders=300
    ),
    "large": DemoVolume(
        customers=100_000, sites=120_000, equipment=1_000_000, contracts=10_000, audited=False
    ),
}


# --- reference data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    code: str
    name: str
    zone: str
    latitude: float
    longitude: float
    streets: tuple[str, str]


@dataclass(frozen=True)
class City:
    short_name: str
    name: str
    province: tuple[str, str]  # (code, name)
    code: str
    area_code: str
    weight: int
    service_centre: str  # organisation code
    districts: tuple[District, ...]


U, S = Zone.URBAN.value, Zone.SUBURBAN.value

CITIES: tuple[City, ...] = (
    City(
        "上海",
        "上海市",
        ("310000", "上海市"),
        "310100",
        "021",
        40,
        "SC-SH",
        (
            District("310101", "黄浦区", U, 31.2317, 121.4846, ("南京东路", "西藏中路")),
            District("310104", "徐汇区", U, 31.1884, 121.4365, ("漕溪北路", "肇嘉浜路")),
            District("310105", "长宁区", U, 31.2204, 121.4241, ("延安西路", "仙霞路")),
            District("310106", "静安区", U, 31.2290, 121.4480, ("南京西路", "共和新路")),
            District("310107", "普陀区", U, 31.2495, 121.3972, ("中山北路", "真北路")),
            District("310109", "虹口区", U, 31.2646, 121.5052, ("四川北路", "曲阳路")),
            District("310110", "杨浦区", U, 31.2595, 121.5260, ("控江路", "国定路")),
            District("310112", "闵行区", S, 31.1128, 121.3816, ("沪闵路", "七莘路")),
            District("310113", "宝山区", S, 31.4054, 121.4891, ("友谊路", "牡丹江路")),
            District("310114", "嘉定区", S, 31.3747, 121.2655, ("城中路", "博乐路")),
            District("310115", "浦东新区", U, 31.2215, 121.5447, ("世纪大道", "张杨路")),
            District("310116", "金山区", S, 30.7419, 121.3419, ("卫零路", "龙航路")),
            District("310117", "松江区", S, 31.0322, 121.2277, ("人民北路", "中山中路")),
            District("310118", "青浦区", S, 31.1497, 121.1243, ("公园路", "城中东路")),
            District("310120", "奉贤区", S, 30.9180, 121.4740, ("解放中路", "南奉公路")),
            District("310151", "崇明区", S, 31.6230, 121.3975, ("八一路", "人民路")),
        ),
    ),
    City(
        "北京",
        "北京市",
        ("110000", "北京市"),
        "110100",
        "010",
        35,
        "SC-BJ",
        (
            District("110101", "东城区", U, 39.9288, 116.4160, ("东长安街", "王府井大街")),
            District("110102", "西城区", U, 39.9123, 116.3660, ("金融大街", "西单北大街")),
            District("110105", "朝阳区", U, 39.9215, 116.4431, ("建国路", "朝阳北路")),
            District("110106", "丰台区", U, 39.8585, 116.2870, ("丰台南路", "南三环西路")),
            District("110107", "石景山区", U, 39.9056, 116.2229, ("石景山路", "鲁谷路")),
            District("110108", "海淀区", U, 39.9593, 116.2981, ("中关村大街", "学院路")),
            District("110109", "门头沟区", S, 39.9405, 116.1020, ("新桥大街", "滨河路")),
            District("110111", "房山区", S, 39.7475, 116.1431, ("拱辰大街", "长虹西路")),
            District("110112", "通州区", S, 39.9097, 116.6564, ("新华大街", "运河东大街")),
            District("110113", "顺义区", S, 40.1301, 116.6546, ("府前中街", "光明北街")),
            District("110114", "昌平区", S, 40.2207, 116.2312, ("政府街", "回龙观西大街")),
            District("110115", "大兴区", S, 39.7268, 116.3413, ("兴华大街", "黄村西大街")),
            District("110116", "怀柔区", S, 40.3161, 116.6319, ("青春路", "府前街")),
            District("110117", "平谷区", S, 40.1406, 117.1212, ("府前街", "新平北路")),
            District("110118", "密云区", S, 40.3763, 116.8431, ("鼓楼大街", "新南路")),
            District("110119", "延庆区", S, 40.4567, 115.9750, ("妫水北街", "东外大街")),
        ),
    ),
    City(
        "广州",
        "广州市",
        ("440000", "广东省"),
        "440100",
        "020",
        25,
        "SC-GZ",
        (
            District("440103", "荔湾区", U, 23.1259, 113.2442, ("中山七路", "康王中路")),
            District("440104", "越秀区", U, 23.1290, 113.2668, ("环市东路", "北京路")),
            District("440105", "海珠区", U, 23.0839, 113.3172, ("江南大道中", "新港中路")),
            District("440106", "天河区", U, 23.1247, 113.3612, ("天河路", "花城大道")),
            District("440111", "白云区", U, 23.1577, 113.2730, ("白云大道北", "机场路")),
            District("440112", "黄埔区", S, 23.1815, 113.4805, ("开创大道", "黄埔东路")),
            District("440113", "番禺区", S, 22.9376, 113.3840, ("清河东路", "迎宾路")),
            District("440114", "花都区", S, 23.4039, 113.2202, ("迎宾大道", "凤凰北路")),
            District("440115", "南沙区", S, 22.8016, 113.5253, ("港前大道", "环市大道")),
            District("440117", "从化区", S, 23.5487, 113.5870, ("河滨北路", "新城西路")),
            District("440118", "增城区", S, 23.2615, 113.8106, ("府佑路", "增城大道")),
        ),
    ),
)

HQ_CODE = "HQ"
BANK_CODE = "BANK"
PROVIDER_CODE = "PROV-AD"


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    city: int  # index into CITIES
    district: str  # district name, for the address
    serving: str | None = None  # who services this client's equipment (organisation code)


HQ, SC, CLIENT, PROVIDER = (
    OrganisationKind.HEADQUARTERS.value,
    OrganisationKind.SERVICE_CENTRE.value,
    OrganisationKind.CLIENT.value,
    OrganisationKind.PROVIDER.value,
)
BANK_NAME = "江南商业银行"

ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec(HQ_CODE, "瑞达售后服务集团总部", HQ, None, 0, "徐汇区"),
    OrganisationSpec("SC-SH", "上海服务中心", SC, HQ_CODE, 0, "闵行区"),
    OrganisationSpec("SC-BJ", "北京服务中心", SC, HQ_CODE, 1, "朝阳区"),
    OrganisationSpec("SC-GZ", "广州服务中心", SC, HQ_CODE, 2, "天河区"),
    OrganisationSpec(PROVIDER_CODE, "安达设备维保有限公司", PROVIDER, None, 2, "白云区"),
    OrganisationSpec(BANK_CODE, f"{BANK_NAME}总行", CLIENT, None, 0, "浦东新区", "SC-SH"),
    OrganisationSpec("BANK-SH", f"{BANK_NAME}上海分行", CLIENT, BANK_CODE, 0, "黄浦区", "SC-SH"),
    OrganisationSpec(
        "BANK-SH-01", f"{BANK_NAME}上海浦东支行", CLIENT, "BANK-SH", 0, "浦东新区", "SC-SH"
    ),
    OrganisationSpec(
        "BANK-SH-02", f"{BANK_NAME}上海徐汇支行", CLIENT, "BANK-SH", 0, "徐汇区", "SC-SH"
    ),
    OrganisationSpec(
        "BANK-SH-03", f"{BANK_NAME}上海闵行支行", CLIENT, "BANK-SH", 0, "闵行区", "SC-SH"
    ),
    OrganisationSpec("BANK-BJ", f"{BANK_NAME}北京分行", CLIENT, BANK_CODE, 1, "西城区", "SC-BJ"),
    OrganisationSpec(
        "BANK-BJ-01", f"{BANK_NAME}北京朝阳支行", CLIENT, "BANK-BJ", 1, "朝阳区", "SC-BJ"
    ),
    OrganisationSpec(
        "BANK-BJ-02", f"{BANK_NAME}北京海淀支行", CLIENT, "BANK-BJ", 1, "海淀区", "SC-BJ"
    ),
    OrganisationSpec(
        "BANK-BJ-03", f"{BANK_NAME}北京通州支行", CLIENT, "BANK-BJ", 1, "通州区", "SC-BJ"
    ),
    # The external provider services the bank's equipment in Guangzhou.
    OrganisationSpec(
        "BANK-GZ", f"{BANK_NAME}广州分行", CLIENT, BANK_CODE, 2, "天河区", PROVIDER_CODE
    ),
    OrganisationSpec(
        "BANK-GZ-01", f"{BANK_NAME}广州天河支行", CLIENT, "BANK-GZ", 2, "天河区", PROVIDER_CODE
    ),
    OrganisationSpec(
        "BANK-GZ-02", f"{BANK_NAME}广州越秀支行", CLIENT, "BANK-GZ", 2, "越秀区", PROVIDER_CODE
    ),
    OrganisationSpec(
        "BANK-GZ-03", f"{BANK_NAME}广州番禺支行", CLIENT, "BANK-GZ", 2, "番禺区", PROVIDER_CODE
    ),
)
BANK_NODES = tuple(spec for spec in ORGANISATIONS if spec.serving is not None)
MIN_CUSTOMERS = len(BANK_NODES) + 1


@dataclass(frozen=True)
class DemoUserSpec:
    username: str
    role: str
    organisation: str
    name: str
    phone: str


DEMO_USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec("demo_admin", Role.ADMIN.value, HQ_CODE, "周海峰", "13801880001"),
    DemoUserSpec("demo_manager", Role.SERVICE_MANAGER.value, HQ_CODE, "李振华", "13801880002"),
    DemoUserSpec("demo_dispatcher", Role.DISPATCHER.value, "SC-SH", "陈晓燕", "13801880003"),
    DemoUserSpec("demo_technician", Role.TECHNICIAN.value, "SC-SH", "王建军", "13801880004"),
    DemoUserSpec("demo_agent", Role.AGENT.value, HQ_CODE, "刘婷", "13801880005"),
    DemoUserSpec("demo_accountant", Role.ACCOUNTANT.value, HQ_CODE, "赵丽娟", "13801880006"),
    DemoUserSpec("demo_followup", Role.FOLLOWUP_AGENT.value, HQ_CODE, "孙悦", "13801880007"),
    DemoUserSpec("demo_quality", Role.QUALITY_OFFICER.value, HQ_CODE, "吴国强", "13801880008"),
    DemoUserSpec("demo_customer", Role.CUSTOMER_USER.value, BANK_CODE, "郑文斌", "13901660009"),
    DemoUserSpec(
        "demo_provider_tech", Role.TECHNICIAN.value, PROVIDER_CODE, "黄志明", "15902000010"
    ),
)


# The technicians of each service centre and of the provider, besides the demo logins (they have
# no password: they exist so that dispatch, labour and the daily reports have people to show).
FIELD_TECHNICIANS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec("tech_sh_2", Role.TECHNICIAN.value, "SC-SH", "刘伟", "13801881002"),
    DemoUserSpec("tech_sh_3", Role.TECHNICIAN.value, "SC-SH", "张磊", "13801881003"),
    DemoUserSpec("tech_sh_4", Role.TECHNICIAN.value, "SC-SH", "陈志强", "13801881004"),
    DemoUserSpec("tech_bj_1", Role.TECHNICIAN.value, "SC-BJ", "杨建国", "13801881011"),
    DemoUserSpec("tech_bj_2", Role.TECHNICIAN.value, "SC-BJ", "赵海燕", "13801881012"),
    DemoUserSpec("tech_bj_3", Role.TECHNICIAN.value, "SC-BJ", "孙晓东", "13801881013"),
    DemoUserSpec("tech_gz_1", Role.TECHNICIAN.value, "SC-GZ", "黄永刚", "13801881021"),
    DemoUserSpec("tech_gz_2", Role.TECHNICIAN.value, "SC-GZ", "林俊杰", "13801881022"),
    DemoUserSpec("tech_gz_3", Role.TECHNICIAN.value, "SC-GZ", "何春燕", "13801881023"),
    DemoUserSpec("tech_prov_2", Role.TECHNICIAN.value, PROVIDER_CODE, "梁国平", "15902001002"),
)


@dataclass(frozen=True)
class ModelSpec:
    type_code: str
    brand: str
    name: str
    warranty_months: int
    starts_from: str
    serial_prefix: str
    annual_fee: int  # yuan per unit and year under a maintenance contract


PRODUCT_TYPES = (
    ("ATM", "自动柜员机"),
    ("CRS", "存取款一体机"),
    ("BCC", "点钞机"),
    ("FORKLIFT", "叉车"),
    ("AC", "空调"),
    ("SERVER", "服务器"),
)
PURCHASE, INSTALL = WarrantyStart.PURCHASE.value, WarrantyStart.INSTALL.value
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("ATM", "广电运通", "H22N", 36, INSTALL, "GRGA", 6000),
    ModelSpec("ATM", "广电运通", "H68N", 36, INSTALL, "GRGB", 6000),
    ModelSpec("ATM", "御银", "ATM-6800", 24, INSTALL, "KTA", 5500),
    ModelSpec("CRS", "广电运通", "H68V", 36, INSTALL, "GRGC", 8000),
    ModelSpec("CRS", "御银", "CRS-9300", 24, INSTALL, "KTC", 7500),
    ModelSpec("BCC", "康艺", "HT-2800", 12, PURCHASE, "KY", 600),
    ModelSpec("BCC", "维融", "JBYD-N9", 12, PURCHASE, "WR", 600),
    ModelSpec("BCC", "广电运通", "CM400", 24, PURCHASE, "GRGD", 900),
    ModelSpec("FORKLIFT", "合力", "CPD30", 12, PURCHASE, "HLF", 3500),
    ModelSpec("FORKLIFT", "合力", "CPCD50", 24, PURCHASE, "HLD", 4500),
    ModelSpec("FORKLIFT", "杭叉", "CPD25", 12, PURCHASE, "HCF", 3000),
    ModelSpec("AC", "格力", "KFR-72LW", 36, INSTALL, "GLA", 500),
    ModelSpec("AC", "格力", "KFR-35GW", 36, INSTALL, "GLB", 400),
    ModelSpec("AC", "海尔", "KFR-26GW", 24, INSTALL, "HRA", 400),
    ModelSpec("AC", "海尔", "KFR-72LW", 36, INSTALL, "HRB", 500),
    ModelSpec("SERVER", "联想", "ThinkSystem SR650", 36, PURCHASE, "LXS", 4000),
    ModelSpec("SERVER", "联想", "ThinkSystem SR590", 36, PURCHASE, "LXT", 3500),
    ModelSpec("SERVER", "戴尔", "PowerEdge R740", 36, PURCHASE, "DLR", 4200),
    ModelSpec("SERVER", "戴尔", "PowerEdge R750", 36, PURCHASE, "DLS", 4500),
)
# Which product types each kind of customer owns, with weights.
BANK, COMPANY, PERSON = 0, 1, 2
TYPE_MIX = {
    BANK: {"ATM": 40, "CRS": 30, "BCC": 20, "SERVER": 5, "AC": 5},
    COMPANY: {"FORKLIFT": 30, "AC": 35, "SERVER": 20, "BCC": 15},
    PERSON: {"AC": 100},
}
BANK_SHARE_OF_EQUIPMENT = 0.15
BANK_SHARE_OF_EXTRA_SITES = 0.3
PERSON_SHARE = 0.3


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
)
GIVEN_NAMES = _words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 秀英 桂英 建华 志强 海燕 晓东 "
    "建国 丽华 文博 子涵 宇轩 欣怡 浩然 思远 佳怡 俊杰 婷婷 国平 红梅 永刚 春燕 志明 晓峰 雪梅"
)
COMPANY_WORDS = _words(
    "宏达 华信 恒通 瑞丰 金盛 东方 新华 永安 联创 中泰 鼎盛 安捷 天成 富民 嘉禾 博远 利华 "
    "中科 汇通 信达 华茂 锦程 长城 海川 星辰 盛世 明珠 金桥 同创 万通 凯旋 远航 裕隆 德信"
)
INDUSTRIES = _words(
    "机电设备 物流 商贸 超市 医药 电子科技 食品 酒店管理 物业管理 建设工程 餐饮管理 纺织 "
    "汽车销售服务 仓储 印务 信息技术 冷链物流 家电销售 商业管理 包装材料"
)
CONTACT_TITLES = ("设备科科长", "行政主管", "总务经理", "采购经理", "信息部工程师", "办公室主任")
BANK_CONTACT_TITLES = ("网点主任", "运营主管", "科技部工程师", "安保主管")
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 158 159 180 181 186 187 188 189"
)
# Weighted choices: value → weight.
GRADES = {
    CustomerGrade.A.value: 5,
    CustomerGrade.B.value: 15,
    CustomerGrade.C.value: 45,
    CustomerGrade.D.value: 25,
    CustomerGrade.E.value: 10,
}
GRADE_EQUIPMENT_WEIGHT = {"A": 20.0, "B": 10.0, "C": 5.0, "D": 2.0, "E": 1.0}
PERSON_EQUIPMENT_WEIGHT = 0.4
SOURCES = {
    CustomerSource.SALES.value: 50,
    CustomerSource.DEALER.value: 25,
    CustomerSource.CALL.value: 15,
    CustomerSource.PORTAL.value: 5,
    CustomerSource.OTHER.value: 5,
}
STATUSES = {
    EquipmentStatus.IN_SERVICE.value: 90,
    EquipmentStatus.UNDER_REPAIR.value: 3,
    EquipmentStatus.IN_STOCK.value: 2,
    EquipmentStatus.RETIRED.value: 5,
}


# --- results -------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    password: str


# --- public entry points -------------------------------------------------------------------------


def database_has_data() -> bool:
    """Demo data goes only into an empty database: no customers and no organisations yet."""
    return Customer.objects.exists() or Organisation.objects.exists()


@transaction.atomic
def seed_demo_data(
    *, volume: DemoVolume, seed: int, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Fill an empty database with demo data; the same seed and volume give the same rows."""
    volume.check()
    generator = _Generator(volume=volume, seed=seed, progress=progress or (lambda _message: None))
    return generator.run()


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist, with the demo password (or a note when it was changed)."""
    specs = {spec.username: spec for spec in DEMO_USERS}
    users = {
        user.username: user
        for user in User.objects.filter(username__in=list(specs)).select_related("organisation")
    }
    logins = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        logins.append(
            DemoLogin(
                username=user.username,
                role=str(Role(user.role).label) if user.role in Role.values else user.role,
                organisation=str(user.organisation or ""),
                password=DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else _("(changed)"),
            )
        )
    return logins


# --- the generator -------------------------------------------------------------------------------


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))


def _reserve_numbers(*, document_type: str, period_day: datetime.date, count: int) -> list[str]:
    """`count` consecutive numbers as `next_number` would hand them out one by one; the counter
    is advanced past them, so numbers taken later continue the sequence."""
    try:
        rule = NumberingRule.objects.get(document_type=document_type)
    except NumberingRule.DoesNotExist as missing:
        raise ShouhouError(
            _("No numbering rule for document type %(type)s.") % {"type": document_type}
        ) from missing
    period = period_day.strftime(rule.period_format) if rule.period_format else ""
    NumberSequence.objects.bulk_create(
        [NumberSequence(document_type=document_type, period=period, last_value=0)],
        ignore_conflicts=True,
    )
    sequences = NumberSequence.objects.filter(document_type=document_type, period=period)
    sequences.update(last_value=F("last_value") + count)
    last = sequences.values_list("last_value", flat=True).get()
    return [
        rule.pattern.format(period=period, serial=serial)
        for serial in range(last - count + 1, last + 1)
    ]


@dataclass
class _Model:
    """A product model with what the equipment loop needs, looked up once."""

    pk: int
    type_code: str
    months: int
    from_install: bool
    serial_prefix: str
    annual_fee: int


@dataclass
class _Customers:
    """Per-customer columns (index = generation order), kept compact for 100,000 rows."""

    ids: list[int] = field(default_factory=list)
    category: list[int] = field(default_factory=list)
    city: list[int] = field(default_factory=list)
    organisation_id: list[int] = field(default_factory=list)
    region_id: list[int] = field(default_factory=list)
    grade: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)  # short name used for site names


@dataclass
class _Sites:
    ids: list[int] = field(default_factory=list)
    customer: list[int] = field(default_factory=list)
    region_id: list[int] = field(default_factory=list)


Row = dict[str, Any]


def _attach_related(instances: Sequence[models.Model], fields: list[str]) -> None:
    """Set the foreign-key objects the audit snapshot names, one query per field and batch
    instead of one per row."""
    if not instances:
        return
    meta = instances[0]._meta
    for name in fields:
        model_field = meta.get_field(name)
        if not isinstance(model_field, models.ForeignKey):
            continue
        ids = {getattr(instance, model_field.attname) for instance in instances} - {None}
        related = model_field.related_model._default_manager.in_bulk(ids)
        for instance in instances:
            value = getattr(instance, model_field.attname)
            if value is not None:
                setattr(instance, name, related[value])


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a row's value of `field` becomes a database parameter; None: as it is."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        max_digits, decimal_places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, max_digits, decimal_places)
    return None


class _Table:
    """Fast inserts into one model's table: ids assigned here (so rows can point at each other
    without reading them back), every other column from the row or the field's default, one
    `executemany` per batch."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        ops = connection.ops
        now = timezone.now()
        fields = list(model._meta.concrete_fields)
        self.attnames = [model_field.attname for model_field in fields]
        self.defaults: list[Any] = []
        self.adapters: list[Callable[[Any], Any] | None] = []
        for model_field in fields:
            if model_field.primary_key:
                default: Any = None
            elif getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            ):
                default = now
            else:
                default = model_field.get_default()
            self.defaults.append(model_field.get_db_prep_save(default, connection))
            self.adapters.append(_adapter(model_field))
        columns = ", ".join(ops.quote_name(str(model_field.column)) for model_field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        table = ops.quote_name(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        highest = model._default_manager.aggregate(highest=models.Max("pk"))["highest"]
        self.next_id = (highest or 0) + 1

    def insert(self, rows: list[Row]) -> None:
        """Give each row the next id (as row["id"]) and write them all."""
        for row in rows:
            row["id"] = self.next_id
            self.next_id += 1
        plan = list(zip(self.attnames, self.defaults, self.adapters, strict=True))
        values = [
            tuple(
                default
                if name not in row
                else (
                    adapt(row[name]) if adapt is not None and row[name] is not None else row[name]
                )
                for name, default, adapt in plan
            )
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, values)


class _Generator:
    def __init__(self, *, volume: DemoVolume, seed: int, progress: Callable[[str], None]) -> None:
        self.volume = volume
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.progress = progress
        self.summary = DemoSummary()
        self.organisations: dict[str, Organisation] = {}
        self.regions: dict[str, int] = {}
        self.models: list[_Model] = []
        self.customers = _Customers()
        self.sites = _Sites()
        self.primary_sites: list[tuple[str, str, District]] = []  # (name, address, district)
        # customer index → (equipment id, product model id) of its units
        self.contract_customers: dict[int, list[tuple[int, int]]] = {}
        self.serials: dict[int, str] = {}  # equipment id → serial, for contract audit entries
        self.tables: list[_Table] = []
        self.users: dict[str, User] = {}
        self.analysed: list[type[models.Model]] = []  # written by the services, not _Table

    def run(self) -> DemoSummary:
        if connection.vendor == "sqlite":
            # A bigger page cache for this connection: index inserts of a million rows stay in
            # memory instead of re-reading pages (the default is 2 MB).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        self._regions()
        self._catalogue()
        self._organisations()
        self._users()
        self._customers()
        self._sites()
        self._contacts()
        self._equipment()
        self._contracts()
        self._reset_sequences()
        self._parts_stores()
        self._work_orders()
        self._dispatch()
        self._after_sales()
        self._update_statistics()
        return self.summary

    # --- helpers ---------------------------------------------------------------------------

    def _table(self, model: type[models.Model]) -> _Table:
        table = _Table(model)
        self.tables.append(table)
        return table

    def _reset_sequences(self) -> None:
        """Rows were written with explicit ids: move PostgreSQL's id sequences past them (SQLite
        follows the largest id by itself)."""
        statements = connection.ops.sequence_reset_sql(
            no_style(), [table.model for table in self.tables]
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _update_statistics(self) -> None:
        """End the bulk load with ANALYZE, as any bulk load should: without statistics SQLite's
        planner guesses, and a service centre's scoped equipment list (an OR over two indexed
        columns) then sorts every unit it can see instead of walking the newest ones."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
            else:
                for model in [table.model for table in self.tables] + self.analysed:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _count(self, name: str, added: int) -> None:
        before = self.summary.counts.get(name, 0)
        after = before + added
        self.summary.counts[name] = after
        if after // PROGRESS_EVERY > before // PROGRESS_EVERY:
            self.progress(f"{name}: {after:,}")

    def _audit(
        self,
        *,
        action: str,
        model: type[models.Model],
        rows: Sequence[Row],
        fields: list[str],
        organisation_ids: Sequence[int],
        extra: Callable[[Row], dict[str, list[Any]]] | None = None,
    ) -> None:
        """The entries `record_audit` would write for each created row (small size only)."""
        if not self.volume.audited or not rows:
            return
        content_type = ContentType.objects.get_for_model(model)
        instances = [model(**row) for row in rows]
        _attach_related(instances, fields)
        entries = []
        for instance, row, organisation_id in zip(instances, rows, organisation_ids, strict=True):
            changes = created_changes(instance, fields)
            if extra is not None:
                changes.update(extra(row))
            entries.append(
                AuditEntry(
                    action=action,
                    content_type=content_type,
                    object_id=str(instance.pk),
                    object_repr=str(instance)[:200],
                    changes=changes,
                    organisation_id=organisation_id,
                )
            )
        AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)

    def _person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def _mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _landline(self, city: City) -> str:
        return f"{city.area_code}-{self.rng.randrange(5, 9)}{self.rng.randrange(10**7):07d}"

    def _address(self, city: City, district: District, *, home: bool = False) -> tuple[str, str]:
        """(street, full address) somewhere in `district`."""
        street = self.rng.choice(district.streets)
        number = self.rng.randrange(1, 2000)
        if home:
            building = self.rng.randrange(1, 40)
            room = self.rng.randrange(1, 30) * 100 + self.rng.randrange(1, 5)
            return street, f"{city.name}{district.name}{street}{number}号{building}栋{room}室"
        return street, f"{city.name}{district.name}{street}{number}号"

    def _coordinates(self, district: District) -> tuple[Decimal, Decimal]:
        latitude = district.latitude + self.rng.uniform(-0.03, 0.03)
        longitude = district.longitude + self.rng.uniform(-0.03, 0.03)
        return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")

    def _district_named(self, city: City, name: str) -> District:
        return next(district for district in city.districts if district.name == name)

    # --- reference data and organisations (few rows, through get_or_create and services) ----

    def _regions(self) -> None:
        for city in CITIES:
            province, _created = Region.objects.get_or_create(
                code=city.province[0], defaults={"name": city.province[1]}
            )
            city_region, _created = Region.objects.get_or_create(
                code=city.code, defaults={"name": city.name, "parent": province}
            )
            for district in city.districts:
                region, _created = Region.objects.get_or_create(
                    code=district.code, defaults={"name": district.name, "parent": city_region}
                )
                self.regions[district.code] = region.pk
        self.summary.counts["regions"] = Region.objects.count()

    def _catalogue(self) -> None:
        types = {}
        for code, name in PRODUCT_TYPES:
            types[code], _created = ProductType.objects.get_or_create(
                code=code, defaults={"name": name}
            )
        brands: dict[str, Brand] = {}
        for spec in MODELS:
            if spec.brand not in brands:
                brands[spec.brand], _created = Brand.objects.get_or_create(name=spec.brand)
            model, _created = ProductModel.objects.get_or_create(
                brand=brands[spec.brand],
                name=spec.name,
                defaults={
                    "product_type": types[spec.type_code],
                    "warranty_months": spec.warranty_months,
                    "warranty_starts_from": spec.starts_from,
                },
            )
            self.models.append(
                _Model(
                    pk=model.pk,
                    type_code=model.product_type.code,
                    months=model.warranty_months,
                    from_install=model.warranty_starts_from == WarrantyStart.INSTALL,
                    serial_prefix=spec.serial_prefix,
                    annual_fee=spec.annual_fee,
                )
            )
        self.summary.counts["product models"] = len(self.models)

    def _organisations(self) -> None:
        for spec in ORGANISATIONS:
            city = CITIES[spec.city]
            district = self._district_named(city, spec.district)
            self.organisations[spec.code] = create_organisation(
                by=None,
                name=spec.name,
                code=spec.code,
                kind=spec.kind,
                parent=self.organisations[spec.parent] if spec.parent else None,
                phone=self._landline(city),
                address=self._address(city, district)[1],
            )
        self.summary.counts["organisations"] = len(self.organisations)

    def _users(self) -> None:
        for spec in DEMO_USERS + FIELD_TECHNICIANS:
            is_admin = spec.role == Role.ADMIN
            user = create_user(
                by=None,
                username=spec.username,
                password=DEMO_PASSWORD if spec in DEMO_USERS else None,
                organisation=self.organisations[spec.organisation],
                role=spec.role,
                name=spec.name,
                phone=spec.phone,
                email=f"{spec.username}@example.com",
                is_staff=is_admin,
            )
            self.users[spec.username] = user
            if is_admin:
                # The demo administrator also runs the Django admin.
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
                record_audit(
                    actor=None,
                    action="user.updated",
                    instance=user,
                    changes={"is_superuser": [False, True]},
                    organisation=user.organisation,
                )
        self.summary.counts["users"] = len(self.users)

    # --- customers, sites, contacts ----------------------------------------------------------

    def _customers(self) -> None:
        rng = self.rng
        total = self.volume.customers
        table = self._table(Customer)
        codes = _reserve_numbers(document_type="customer", period_day=BASE_DATE, count=total)
        grades, grade_cumulative = list(GRADES), _cumulative(GRADES.values())
        sources, source_cumulative = list(SOURCES), _cumulative(SOURCES.values())
        city_indices = range(len(CITIES))
        city_cumulative = _cumulative(city.weight for city in CITIES)
        columns = self.customers
        for start in range(0, total, BATCH_SIZE):
            batch: list[Row] = []
            for index in range(start, min(start + BATCH_SIZE, total)):
                if index < len(BANK_NODES):
                    batch.append(self._bank_customer(index, codes[index]))
                    continue
                city_index = rng.choices(city_indices, cum_weights=city_cumulative)[0]
                city = CITIES[city_index]
                district = rng.choice(city.districts)
                is_person = rng.random() < PERSON_SHARE
                grade = rng.choices(grades, cum_weights=grade_cumulative)[0]
                if is_person:
                    name = label = self._person_name()
                    site_name = f"{name}住宅"
                else:
                    word, industry = rng.choice(COMPANY_WORDS), rng.choice(INDUSTRIES)
                    suffix = "股份有限公司" if rng.random() < 0.15 else "有限公司"
                    name = f"{city.short_name}{word}{industry}{suffix}"
                    label = f"{word}{industry}"
                    site_name = f"{label}{district.name}办公楼"
                address = self._address(city, district, home=is_person)[1]
                is_landline = not is_person and rng.random() < 0.4
                has_email = not is_person and rng.random() < 0.5
                organisation_id = self.organisations[city.service_centre].pk
                region_id = self.regions[district.code]
                batch.append(
                    {
                        "code": codes[index],
                        "name": name,
                        "kind": CustomerKind.PERSON.value
                        if is_person
                        else CustomerKind.COMPANY.value,
                        "grade": grade,
                        "is_target": grade == "A" or rng.random() < 0.05,
                        "source": rng.choices(sources, cum_weights=source_cumulative)[0],
                        "phone": self._landline(city) if is_landline else self._mobile(),
                        "email": f"kf{index + 1:06d}@example.com" if has_email else "",
                        "address": address,
                        "region_id": region_id,
                        "organisation_id": organisation_id,
                    }
                )
                columns.category.append(PERSON if is_person else COMPANY)
                columns.city.append(city_index)
                columns.organisation_id.append(organisation_id)
                columns.region_id.append(region_id)
                columns.grade.append(grade)
                columns.label.append(label)
                self.primary_sites.append((site_name, address, district))
            table.insert(batch)
            columns.ids.extend(row["id"] for row in batch)
            self._audit(
                action="customer.created",
                model=Customer,
                rows=batch,
                fields=CUSTOMER_FIELDS,
                organisation_ids=[row["organisation_id"] for row in batch],
            )
            self._count("customers", len(batch))

    def _bank_customer(self, index: int, code: str) -> Row:
        """A bank node is one customer file owned by that node, so the bank's users see it."""
        spec = BANK_NODES[index]
        city = CITIES[spec.city]
        district = self._district_named(city, spec.district)
        organisation_id = self.organisations[spec.code].pk
        region_id = self.regions[district.code]
        address = self._address(city, district)[1]
        columns = self.customers
        columns.category.append(BANK)
        columns.city.append(spec.city)
        columns.organisation_id.append(organisation_id)
        columns.region_id.append(region_id)
        columns.grade.append(CustomerGrade.A.value)
        columns.label.append(spec.name.removeprefix(BANK_NAME))
        self.primary_sites.append((f"{spec.name}营业部", address, district))
        return {
            "code": code,
            "name": spec.name,
            "kind": CustomerKind.COMPANY.value,
            "grade": CustomerGrade.A.value,
            "is_target": True,
            "source": CustomerSource.SALES.value,
            "phone": self._landline(city),
            "address": address,
            "region_id": region_id,
            "organisation_id": organisation_id,
        }

    def _sites(self) -> None:
        rng = self.rng
        customers = self.customers
        total = self.volume.sites
        table = self._table(Site)
        companies = [
            index for index, category in enumerate(customers.category) if category == COMPANY
        ]
        bank_count = len(BANK_NODES)
        sequence_by_customer: dict[int, int] = {}
        for start in range(0, total, BATCH_SIZE):
            batch: list[Row] = []
            owners: list[int] = []
            for index in range(start, min(start + BATCH_SIZE, total)):
                if index < len(customers.ids):
                    owner = index
                    name, address, district = self.primary_sites[owner]
                else:
                    if rng.random() < BANK_SHARE_OF_EXTRA_SITES or not companies:
                        owner = rng.randrange(bank_count)
                    else:
                        owner = rng.choice(companies)
                    city = CITIES[customers.city[owner]]
                    district = rng.choice(city.districts)
                    street, address = self._address(city, district)
                    number = sequence_by_customer.get(owner, 0) + 1
                    sequence_by_customer[owner] = number
                    if customers.category[owner] == BANK:
                        name = f"{BANK_NAME}{district.name}{street}自助银行"
                    else:
                        name = f"{customers.label[owner]}{district.name}{number}号仓库"
                latitude, longitude = self._coordinates(district)
                region_id = self.regions[district.code]
                batch.append(
                    {
                        "customer_id": customers.ids[owner],
                        "name": name[:200],
                        "address": address,
                        "region_id": region_id,
                        "zone": district.zone,
                        "latitude": latitude,
                        "longitude": longitude,
                        "contact_name": self._person_name(),
                        "contact_phone": self._mobile(),
                    }
                )
                owners.append(owner)
                self.sites.region_id.append(region_id)
            table.insert(batch)
            self.sites.ids.extend(row["id"] for row in batch)
            self.sites.customer.extend(owners)
            self._audit(
                action="site.created",
                model=Site,
                rows=batch,
                fields=SITE_FIELDS,
                organisation_ids=[customers.organisation_id[owner] for owner in owners],
            )
            self._count("sites", len(batch))
        self.primary_sites = []

    def _contacts(self) -> None:
        """One to three contacts per company or bank node, the first one primary."""
        rng = self.rng
        customers = self.customers
        table = self._table(Contact)
        batch: list[Row] = []
        owners: list[int] = []

        def flush() -> None:
            table.insert(batch)
            self._audit(
                action="contact.created",
                model=Contact,
                rows=batch,
                fields=CONTACT_FIELDS,
                organisation_ids=[customers.organisation_id[owner] for owner in owners],
            )
            self._count("contacts", len(batch))
            batch.clear()
            owners.clear()

        for index, category in enumerate(customers.category):
            if category == PERSON:
                continue
            titles = BANK_CONTACT_TITLES if category == BANK else CONTACT_TITLES
            for number in range(rng.choice((1, 1, 2, 2, 3))):
                batch.append(
                    {
                        "customer_id": customers.ids[index],
                        "name": self._person_name(),
                        "title": rng.choice(titles),
                        "phone": self._mobile(),
                        "is_primary": number == 0,
                    }
                )
                owners.append(index)
            if len(batch) >= BATCH_SIZE:
                flush()
        if batch:
            flush()

    # --- equipment ---------------------------------------------------------------------------

    def _serving_providers(self) -> dict[int, int]:
        """Client organisation id → the organisation servicing its equipment."""
        return {
            self.organisations[spec.code].pk: self.organisations[spec.serving].pk
            for spec in BANK_NODES
            if spec.serving is not None
        }

    def _site_weights(self) -> list[float]:
        """How likely each site is to receive the next unit: the bank gets a fixed share, the
        other customers by grade, people one or two air conditioners."""
        customers = self.customers
        weights: list[float] = []
        bank_sites = 0
        for owner in self.sites.customer:
            category = customers.category[owner]
            if category == BANK:
                weights.append(0.0)
                bank_sites += 1
            elif category == PERSON:
                weights.append(PERSON_EQUIPMENT_WEIGHT)
            else:
                weights.append(GRADE_EQUIPMENT_WEIGHT[customers.grade[owner]])
        others = sum(weights)
        bank_weight = others * BANK_SHARE_OF_EQUIPMENT / (1 - BANK_SHARE_OF_EQUIPMENT) / bank_sites
        return [
            bank_weight if customers.category[owner] == BANK else weight
            for owner, weight in zip(self.sites.customer, weights, strict=True)
        ]

    def _choose_contract_customers(self) -> None:
        """Bank nodes and a sample of the A–C companies hold maintenance contracts."""
        customers = self.customers
        bank = list(range(len(BANK_NODES)))
        candidates = [
            index
            for index, category in enumerate(customers.category)
            if category == COMPANY and customers.grade[index] in "ABC"
        ]
        wanted = max(0, min(self.volume.contracts - len(bank), len(candidates)))
        chosen = bank + sorted(self.rng.sample(candidates, wanted))
        self.contract_customers = {index: [] for index in chosen[: self.volume.contracts]}

    def _equipment(self) -> None:
        """Units bought over the last five years (some still in warranty, most not), with the
        organisation, region and warranty end the equipment services would derive."""
        rng = self.rng
        customers, sites = self.customers, self.sites
        table = self._table(Equipment)
        self._choose_contract_customers()
        site_cumulative = _cumulative(self._site_weights())
        site_indices = range(len(sites.ids))
        mixes = {}
        for category, mix in TYPE_MIX.items():
            choices = [model for model in self.models if model.type_code in mix]
            mixes[category] = (choices, _cumulative(mix[model.type_code] for model in choices))
        statuses, status_cumulative = list(STATUSES), _cumulative(STATUSES.values())
        serving_by_organisation = self._serving_providers()
        days_of_history = YEARS_OF_HISTORY * 365
        total = self.volume.equipment
        for start in range(0, total, BATCH_SIZE):
            size = min(BATCH_SIZE, total - start)
            chosen_sites = rng.choices(site_indices, cum_weights=site_cumulative, k=size)
            batch: list[Row] = []
            owners: list[int] = []
            for offset, site_index in enumerate(chosen_sites):
                owner = sites.customer[site_index]
                choices, cumulative = mixes[customers.category[owner]]
                model = rng.choices(choices, cum_weights=cumulative)[0]
                bought = BASE_DATE - datetime.timedelta(days=rng.randrange(days_of_history))
                purchased_on: datetime.date | None = bought
                installed_on: datetime.date | None = min(
                    bought + datetime.timedelta(days=rng.randrange(60)), BASE_DATE
                )
                roll = rng.random()
                if roll < 0.04:
                    installed_on = None
                elif roll < 0.06:
                    purchased_on = None
                # A few units bought with an extended warranty.
                override = rng.choice((48, 60)) if rng.random() < 0.03 else None
                has_site = rng.random() >= 0.03
                organisation_id = customers.organisation_id[owner]
                batch.append(
                    {
                        "serial": normalise_serial(
                            f"{model.serial_prefix}{bought:%y%m}{start + offset + 1:07d}"
                        ),
                        "product_model_id": model.pk,
                        "customer_id": customers.ids[owner],
                        "site_id": sites.ids[site_index] if has_site else None,
                        "organisation_id": organisation_id,
                        "region_id": (
                            sites.region_id[site_index] if has_site else customers.region_id[owner]
                        ),
                        "serving_provider_id": serving_by_organisation.get(organisation_id),
                        "purchased_on": purchased_on,
                        "installed_on": installed_on,
                        "has_purchase_proof": rng.random() >= 0.05,
                        "warranty_months": override,
                        "warranty_ends_on": warranty_end(
                            purchased_on=purchased_on,
                            installed_on=installed_on,
                            months=override if override is not None else model.months,
                            starts_from_install=model.from_install,
                        ),
                        "status": rng.choices(statuses, cum_weights=status_cumulative)[0],
                    }
                )
                owners.append(owner)
            table.insert(batch)
            for row, owner in zip(batch, owners, strict=True):
                covered = self.contract_customers.get(owner)
                if covered is not None:
                    covered.append((row["id"], row["product_model_id"]))
                    if self.volume.audited:
                        self.serials[row["id"]] = row["serial"]
            self._audit(
                action="equipment.registered",
                model=Equipment,
                rows=batch,
                fields=EQUIPMENT_FIELDS + DERIVED_FIELDS,
                organisation_ids=[row["organisation_id"] for row in batch],
            )
            self._count("equipment", len(batch))

    # --- contracts ---------------------------------------------------------------------------

    def _contracts(self) -> None:
        """Contracts of one to three years, signed over the last four: some still in force, some
        expired; a few drafts starting next month and a few terminated early. Numbers follow the
        contract rule (HT<year>-0001), in order of start date within each year."""
        rng = self.rng
        customers = self.customers
        levels = {level.code: level.pk for level in ServiceLevel.objects.all()}
        default_level = next(iter(levels.values()))
        serving = self._serving_providers()
        fee_by_model = {model.pk: model.annual_fee for model in self.models}
        planned: list[tuple[Row, list[int]]] = []
        for owner, units in self.contract_customers.items():
            roll = rng.random()
            if roll < 0.04:
                status = ContractStatus.DRAFT.value
                starts_on = BASE_DATE + datetime.timedelta(days=rng.randrange(1, 60))
            else:
                status = (
                    ContractStatus.TERMINATED.value if roll < 0.08 else ContractStatus.ACTIVE.value
                )
                starts_on = BASE_DATE - datetime.timedelta(days=rng.randrange(30, 4 * 365))
            years = rng.choice((1, 1, 2, 3))
            covered = sorted(rng.sample(units, min(len(units), 30)))
            if customers.category[owner] == BANK:
                level_code = rng.choice(("7x24", "priority"))
            else:
                level_code = "priority" if rng.random() < 0.3 else "standard"
            annual = sum(fee_by_model[model_id] for _pk, model_id in covered) or 5000
            organisation_id = customers.organisation_id[owner]
            is_full_service = rng.random() < 0.4
            contract = {
                "kind": (
                    ContractKind.FULL_SERVICE if is_full_service else ContractKind.MAINTENANCE
                ).value,
                "customer_id": customers.ids[owner],
                "organisation_id": organisation_id,
                "provider_id": serving.get(organisation_id),
                "starts_on": starts_on,
                "ends_on": add_months(starts_on, 12 * years) - datetime.timedelta(days=1),
                "service_level_id": levels.get(level_code, default_level),
                "fee_amount": Decimal(annual * years).quantize(Decimal("0.01")),
                "status": status,
            }
            planned.append((contract, [pk for pk, _model_id in covered]))
        planned.sort(key=lambda plan: (plan[0]["starts_on"], plan[0]["customer_id"]))
        for year in sorted({contract["starts_on"].year for contract, _units in planned}):
            in_year = [
                contract for contract, _units in planned if contract["starts_on"].year == year
            ]
            numbers = _reserve_numbers(
                document_type="contract", period_day=datetime.date(year, 1, 1), count=len(in_year)
            )
            for contract, number in zip(in_year, numbers, strict=True):
                contract["number"] = number

        contracts = [contract for contract, _units in planned]
        self._table(MaintenanceContract).insert(contracts)
        links = [
            {"maintenancecontract_id": contract["id"], "equipment_id": pk}
            for contract, units in planned
            for pk in units
        ]
        through = self._table(MaintenanceContract.equipment.through)
        for start in range(0, len(links), BATCH_SIZE):
            through.insert(links[start : start + BATCH_SIZE])
        covered_serials = {
            contract["id"]: sorted(self.serials.get(pk, "") for pk in units)
            for contract, units in planned
        }
        self._audit(
            action="contract.created",
            model=MaintenanceContract,
            rows=contracts,
            fields=CONTRACT_FIELDS,
            organisation_ids=[contract["organisation_id"] for contract in contracts],
            extra=lambda contract: {"equipment": [None, covered_serials[contract["id"]]]},
        )
        self.summary.counts["contracts"] = len(contracts)
        self.summary.counts["contract equipment"] = len(links)

    # --- dispatch ---------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """A dispatch profile for every technician, based near their organisation; with work
        orders, the field visits their phones would have recorded (see dispatch/demo.py)."""
        specs = {spec.code: spec for spec in ORGANISATIONS}
        technicians = []
        for person in DEMO_USERS + FIELD_TECHNICIANS:
            if person.role != Role.TECHNICIAN:
                continue
            organisation = specs[person.organisation]
            district = self._district_named(CITIES[organisation.city], organisation.district)
            technicians.append(
                DemoTechnician(
                    user=self.users[person.username],
                    organisation=self.organisations[person.organisation],
                    latitude=district.latitude,
                    longitude=district.longitude,
                    is_provider=organisation.kind == PROVIDER,
                )
            )
        until = datetime.datetime.combine(
            BASE_DATE, WORK_ORDER_HORIZON, tzinfo=timezone.get_default_timezone()
        )
        counts = seed_dispatch_demo(
            seed=self.seed,
            technicians=technicians,
            with_history=bool(self.volume.work_orders),
            now=until,
        )
        self.summary.counts.update(counts)
        if self.volume.work_orders:
            self.analysed += [FieldVisit, TechnicianPosition]

    def _parts_stores(self) -> None:
        """The parts catalogue (with every part the simulated repairs fit), the stores and the
        technicians' vans, stocked on the first day of the simulated month."""
        if not self.volume.work_orders:
            return
        first_day = datetime.datetime.combine(
            BASE_DATE - datetime.timedelta(days=WORK_ORDER_DAYS),
            datetime.time(8, 0),
            tzinfo=timezone.get_default_timezone(),
        )
        fault_parts = [
            part for faults in FAULTS.values() for fault in faults for part in fault.parts
        ]
        with pinned_clock(first_day):
            counts = seed_parts(seed=self.seed, extra=fault_parts)
        self.summary.counts.update(counts)

    def _fit_from_van(
        self, order: WorkOrder, technician: User, code: str, quantity: int
    ) -> tuple[Part, Warehouse] | None:
        """A repair the company pays for (warranty, contract) fits a catalogue part from the
        technician's van, topped up from the centre's store when short; a charged repair keeps a
        free-text line (its parts wait for the customer's quote)."""
        part = Part.objects.filter(code=code).first()
        van = Warehouse.objects.filter(technician=technician, kind=WarehouseKind.VAN).first()
        store = Warehouse.objects.filter(
            organisation_id=order.handling_organisation_id, kind=WarehouseKind.BRANCH
        ).first()
        if part is None or van is None or store is None or is_customer_charged(order):
            return None
        keeper = self.users[PARTS_KEEPER]
        level = StockLevel.objects.filter(warehouse=van, part=part).first()
        if level is None or level.available < quantity:
            stored = StockLevel.objects.filter(warehouse=store, part=part).first()
            if stored is None or stored.available < quantity + 1:
                receive_stock(
                    warehouse=store, part=part, quantity=10, by=keeper, reference="SHD-DEMO"
                )
            transfer_stock(
                source=store, destination=van, part=part, quantity=quantity + 1, by=keeper
            )
        return part, van

    def _after_sales(self) -> None:
        """What happened after the repairs: survey answers and follow-up calls, complaints, the
        parts stores and the money (each app's demo, played through its services)."""
        if not self.volume.work_orders:
            return
        until = datetime.datetime.combine(
            BASE_DATE, WORK_ORDER_HORIZON, tzinfo=timezone.get_default_timezone()
        )
        counts: dict[str, int] = {}
        counts.update(seed_feedback_demo(seed=self.seed, until=until, progress=self.progress))
        # The demo's "now" is the end of the simulated month, for these as for the work orders.
        with pinned_clock(until):
            counts.update(seed_complaint_demo(seed=self.seed))
            counts.update(seed_billing(seed=self.seed))
        self.progress(", ".join(f"{name}: {count}" for name, count in counts.items()))
        self.summary.counts.update(counts)

    # --- work orders -------------------------------------------------------------------------

    def _work_orders(self) -> None:
        """The last month's repair calls, played through the work-order services (small size).
        Calls come in through the call centre; each centre's dispatcher (the HQ service manager
        where a centre has no dispatcher login) dispatches and closes; the HQ service manager
        inspects repairs and takes escalations."""
        if not self.volume.work_orders:
            return
        users = self.users
        technicians: dict[str, list[User]] = {}
        for spec in DEMO_USERS + FIELD_TECHNICIANS:
            if spec.role == Role.TECHNICIAN:
                technicians.setdefault(spec.organisation, []).append(users[spec.username])
        staff = {
            self.organisations[code].pk: DemoStaff(
                registrar=users["demo_agent"],
                dispatcher=users["demo_dispatcher" if code == "SC-SH" else "demo_manager"],
                technicians=tuple(people),
                director=users["demo_manager"],
            )
            for code, people in technicians.items()
        }
        until = datetime.datetime.combine(
            BASE_DATE, WORK_ORDER_HORIZON, tzinfo=timezone.get_default_timezone()
        )
        simulation = WorkOrderSimulation(
            rng=self.rng,
            count=self.volume.work_orders,
            days=WORK_ORDER_DAYS,
            until=until,
            staff=staff,
            progress=self.progress,
            catalogue_part=self._fit_from_van,
        )
        counts = simulation.run()
        for name in ("work orders", "labour lines", "part lines", "signed vouchers"):
            self.summary.counts[name] = counts[name]
        self.analysed += [WorkOrder, LabourLine, PartLine, AuditEntry]
