"""The customer file (客户信息导入): one customer per row, written by create_customer."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.imports import (
    ImportColumn,
    ImportSchema,
    ReferenceCache,
    Row,
    choice_parser,
    parse_bool,
    register,
    resolve_organisation,
)
from shouhou.core.models import Organisation
from shouhou.core.selectors import regions
from shouhou.customers import services
from shouhou.customers.models import Customer, CustomerGrade, CustomerKind, CustomerSource

# The words a Chinese sheet uses for the choices (file vocabulary, matched like the headers).
KIND_ALIASES = {
    "公司": CustomerKind.COMPANY,
    "企业": CustomerKind.COMPANY,
    "个人": CustomerKind.PERSON,
}
SOURCE_ALIASES = {
    "销售": CustomerSource.SALES,
    "经销商": CustomerSource.DEALER,
    "导入": CustomerSource.IMPORT,
    "报修": CustomerSource.CALL,
    "网站": CustomerSource.PORTAL,
    "其他": CustomerSource.OTHER,
}


class CustomerImport(ImportSchema):
    kind = "customers"
    label = gettext_lazy("Customers")
    permission = "customers.import_customers"
    list_url_name = "customers:list"
    model = Customer
    columns = (
        ImportColumn(
            "code", "客户编号", "customer number", unique=True, aliases=("code", "客户号")
        ),
        ImportColumn(
            "name",
            "客户名称",
            "customer name",
            required=True,
            aliases=("name", "名称"),
            example=gettext_lazy("Example Trading Co., Ltd."),
        ),
        ImportColumn(
            "kind",
            "客户类型",
            "kind",
            parse=choice_parser(CustomerKind, aliases=KIND_ALIASES),
            aliases=("type",),
            example=CustomerKind.COMPANY.label,
        ),
        ImportColumn(
            "grade",
            "客户等级",
            "grade",
            parse=choice_parser(CustomerGrade),
            aliases=("等级",),
            example=CustomerGrade.C.value,
        ),
        ImportColumn(
            "is_target",
            "重点客户",
            "target customer",
            parse=parse_bool,
            aliases=("target",),
            example=False,
        ),
        ImportColumn(
            "source",
            "客户来源",
            "source",
            parse=choice_parser(CustomerSource, aliases=SOURCE_ALIASES),
            aliases=("来源",),
            example=CustomerSource.IMPORT.label,
        ),
        ImportColumn(
            "phone", "电话", "phone", aliases=("联系电话", "telephone"), example="021-50000000"
        ),
        ImportColumn("email", "邮箱", "email", aliases=("电子邮件", "e-mail"), example=""),
        ImportColumn(
            "address",
            "地址",
            "address",
            aliases=("详细地址",),
            example=gettext_lazy("1 Century Avenue, Pudong, Shanghai"),
        ),
        ImportColumn("region", "区域编码", "region code", aliases=("region", "区域代码")),
        ImportColumn(
            "organisation",
            "所属机构编码",
            "organisation code",
            aliases=("organisation", "organization code", "机构编码", "机构代码"),
        ),
        ImportColumn("notes", "备注", "notes", aliases=("note", "remarks")),
    )

    def __init__(self, *, user: Any, organisation: Organisation | None) -> None:
        super().__init__(user=user, organisation=organisation)
        self.references = ReferenceCache(user=user)

    def example_row(self) -> list[Any]:
        example = super().example_row()
        codes = {column.key: index for index, column in enumerate(self.columns)}
        if self.organisation is not None:
            example[codes["organisation"]] = self.organisation.code
        region = regions().order_by("code").first()
        if region is not None:
            example[codes["region"]] = region.code
        return example

    def resolve(self, row: Row) -> None:
        organisation = resolve_organisation(row, "organisation", self.references)
        if row.get("organisation") is None and not row.has_error("organisation"):
            # An empty cell means the uploader's own organisation, as on the entry form.
            organisation = self._own_organisation()
            if organisation is None:
                row.add_error("organisation", _("This field is required."))
        row.values["organisation"] = organisation
        region = None
        if (region_code := row.get("region")) and not row.has_error("region"):
            region = self.references.region(region_code)
            if region is None:
                row.add_error("region", _("Unknown region code %(code)s.") % {"code": region_code})
        row.values["region"] = region

    def check(self, row: Row) -> None:
        customer = Customer(**self._fields(row))
        exclude = (
            ["organisation", "region"] if row.get("code") else ["organisation", "region", "code"]
        )
        self.validate_model(row, customer, exclude=exclude)

    def save(self, row: Row) -> Model:
        return services.create_customer(by=self.user, **self._fields(row))

    def _own_organisation(self) -> Organisation | None:
        if self.organisation is None:
            return None
        return self.references.organisation(self.organisation.code)

    def _fields(self, row: Row) -> dict[str, Any]:
        is_target = row.get("is_target")
        return {
            "code": row.text("code"),
            "name": row.text("name"),
            "kind": row.get("kind") or CustomerKind.COMPANY,
            "grade": row.get("grade") or CustomerGrade.C,
            "is_target": bool(is_target),
            "source": row.get("source") or CustomerSource.IMPORT,
            "phone": row.text("phone"),
            "email": row.text("email"),
            "address": row.text("address"),
            "region": row.get("region"),
            "organisation": row.get("organisation"),
            "notes": row.text("notes"),
        }


def register_import_schemas() -> None:
    register(CustomerImport)
