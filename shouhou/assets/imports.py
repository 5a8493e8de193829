"""The equipment file (机具档案导入): one unit per row, written by register_equipment."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.assets import services
from shouhou.assets.models import Equipment, EquipmentStatus, ProductModel
from shouhou.assets.selectors import product_models
from shouhou.core.errors import ShouhouError
from shouhou.core.imports import (
    ImportColumn,
    ImportSchema,
    ReferenceCache,
    Row,
    choice_parser,
    parse_bool,
    parse_date,
    parse_int,
    parse_text,
    register,
    resolve_organisation,
)
from shouhou.core.models import Organisation
from shouhou.core.services import ensure_visible_organisation
from shouhou.customers.models import Customer, Site
from shouhou.customers.selectors import customers_visible_to, sites_visible_to

# The words a Chinese sheet uses for the statuses (file vocabulary, matched like the headers).
STATUS_ALIASES = {
    "在用": EquipmentStatus.IN_SERVICE,
    "使用中": EquipmentStatus.IN_SERVICE,
    "维修中": EquipmentStatus.UNDER_REPAIR,
    "库存": EquipmentStatus.IN_STOCK,
    "在库": EquipmentStatus.IN_STOCK,
    "报废": EquipmentStatus.RETIRED,
}


def parse_serial(value: Any) -> str | None:
    text = parse_text(value)
    return services.normalise_serial(text) if text else None


class EquipmentImport(ImportSchema):
    kind = "equipment"
    label = gettext_lazy("Equipment")
    permission = "assets.import_equipment"
    list_url_name = "assets:list"
    model = Equipment
    columns = (
        ImportColumn(
            "serial",
            "序列号",
            "serial number",
            parse=parse_serial,
            required=True,
            unique=True,
            aliases=("serial", "sn", "机身号", "设备序列号"),
            example="SN20260001",
        ),
        ImportColumn("brand", "品牌", "brand", required=True),
        ImportColumn(
            "product_model",
            "型号",
            "model",
            required=True,
            aliases=("product model", "机型", "设备型号"),
        ),
        ImportColumn(
            "customer",
            "客户编号",
            "customer number",
            required=True,
            aliases=("customer", "customer code", "客户号"),
        ),
        ImportColumn("site", "网点名称", "site", aliases=("site name", "网点", "安装网点")),
        ImportColumn(
            "serving_provider",
            "服务商编码",
            "serving provider code",
            aliases=("serving provider", "服务商代码"),
        ),
        ImportColumn(
            "purchased_on",
            "购买日期",
            "purchase date",
            parse=parse_date,
            aliases=("purchased on",),
        ),
        ImportColumn(
            "installed_on",
            "安装日期",
            "installation date",
            parse=parse_date,
            aliases=("installed on", "install date"),
        ),
        ImportColumn(
            "has_purchase_proof",
            "有购买凭证",
            "proof of purchase",
            parse=parse_bool,
            aliases=("购买凭证", "has purchase proof"),
            example=True,
        ),
        ImportColumn(
            "warranty_months",
            "保修月数",
            "warranty months",
            parse=parse_int,
            aliases=("保修期(月)", "warranty (months)"),
        ),
        ImportColumn(
            "status",
            "状态",
            "status",
            parse=choice_parser(EquipmentStatus, aliases=STATUS_ALIASES),
            aliases=("设备状态",),
            example=EquipmentStatus.IN_SERVICE.label,
        ),
        ImportColumn("notes", "备注", "notes", aliases=("note", "remarks")),
    )

    def __init__(self, *, user: Any, organisation: Organisation | None) -> None:
        super().__init__(user=user, organisation=organisation)
        self.references = ReferenceCache(user=user)
        self._models: dict[tuple[str, str], ProductModel | None] = {}
        # customer number → (customer, reason it cannot be used)
        self._customers: dict[str, tuple[Customer | None, str]] = {}
        self._sites: dict[tuple[int, str], list[Site]] = {}

    def example_row(self) -> list[Any]:
        example = super().example_row()
        index = {column.key: position for position, column in enumerate(self.columns)}
        model = product_models().filter(is_active=True).order_by("brand__name", "name").first()
        example[index["brand"]] = model.brand.name if model else "GRG"
        example[index["product_model"]] = model.name if model else "H68N"
        customer = customers_visible_to(user=self.user).order_by("code").first()
        example[index["customer"]] = customer.code if customer else "C000001"
        example[index["installed_on"]] = timezone.localdate()
        return example

    def resolve(self, row: Row) -> None:
        row.values["product_model"] = self._product_model(row)
        customer = self._customer(row)
        row.values["customer"] = customer
        row.values["site"] = self._site(row, customer)
        row.values["serving_provider"] = resolve_organisation(
            row, "serving_provider", self.references
        )

    def check(self, row: Row) -> None:
        unit = Equipment(**self._fields(row))
        self.validate_model(
            row,
            unit,
            exclude=[
                "product_model",
                "customer",
                "site",
                "serving_provider",
                "organisation",
                "region",
            ],
        )

    def save(self, row: Row) -> Model:
        return services.register_equipment(by=self.user, **self._fields(row))

    def _product_model(self, row: Row) -> ProductModel | None:
        brand, name = row.get("brand"), row.get("product_model")
        if not brand or not name:
            return None
        if (brand, name) not in self._models:
            self._models[(brand, name)] = (
                product_models().filter(brand__name=brand, name=name).first()
            )
        found = self._models[(brand, name)]
        if found is None:
            row.add_error(
                "product_model",
                _("Unknown product model %(brand)s %(model)s.") % {"brand": brand, "model": name},
            )
        return found

    def _customer(self, row: Row) -> Customer | None:
        code = row.get("customer")
        if not code:
            return None
        if code not in self._customers:
            customer = customers_visible_to(user=self.user).filter(code=code).first()
            reason = ""
            if customer is None:
                reason = _("Unknown customer number %(code)s.") % {"code": code}
            else:
                try:
                    ensure_visible_organisation(organisation=customer.organisation, user=self.user)
                except ShouhouError:
                    reason = _("You cannot add equipment to the customer %(code)s.") % {
                        "code": code
                    }
            self._customers[code] = (None if reason else customer, reason)
        customer, reason = self._customers[code]
        if reason:
            row.add_error("customer", reason)
        return customer

    def _site(self, row: Row, customer: Customer | None) -> Site | None:
        name = row.get("site")
        if not name or customer is None:
            return None
        key = (customer.pk, name)
        if key not in self._sites:
            self._sites[key] = list(
                sites_visible_to(user=self.user).filter(customer=customer, name=name)[:2]
            )
        found = self._sites[key]
        if not found:
            row.add_error(
                "site",
                _("The customer %(code)s has no site named %(name)s.")
                % {"code": customer.code, "name": name},
            )
            return None
        if len(found) > 1:
            row.add_error(
                "site",
                _("The customer %(code)s has several sites named %(name)s.")
                % {"code": customer.code, "name": name},
            )
            return None
        return found[0]

    def _fields(self, row: Row) -> dict[str, Any]:
        has_purchase_proof = row.get("has_purchase_proof")
        return {
            "serial": row.text("serial"),
            "product_model": row.get("product_model"),
            "customer": row.get("customer"),
            "site": row.get("site"),
            "serving_provider": row.get("serving_provider"),
            "purchased_on": row.get("purchased_on"),
            "installed_on": row.get("installed_on"),
            "has_purchase_proof": True if has_purchase_proof is None else has_purchase_proof,
            "warranty_months": row.get("warranty_months"),
            "status": row.get("status") or EquipmentStatus.IN_SERVICE,
            "notes": row.text("notes"),
        }


def register_import_schemas() -> None:
    register(EquipmentImport)
