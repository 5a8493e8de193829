"""Spreadsheet import: all-or-nothing, bad rows reported by row number and column, rows written
through the services, scoping of the references, the job's progress page and the upload form."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhou.assets.models import Equipment, EquipmentStatus
from shouhou.core.imports import (
    ImportFileError,
    create_import_job,
    get_schema,
    map_header,
    parse_bool,
    parse_date,
    read_rows,
    run_import_job,
)
from shouhou.core.models import AuditEntry, ImportJob, ImportJobStatus, Region, Role
from shouhou.customers.models import Customer, CustomerGrade, CustomerKind, CustomerSource
from tests.assets.factories import BrandFactory, EquipmentFactory, ProductModelFactory
from tests.core.factories import RegionFactory
from tests.customers.factories import CustomerFactory, SiteFactory

pytestmark = pytest.mark.django_db

CUSTOMER_HEADERS = [
    "客户编号",
    "客户名称",
    "客户类型",
    "客户等级",
    "重点客户",
    "电话",
    "地址",
    "区域编码",
    "所属机构编码",
]
EQUIPMENT_HEADERS = [
    "序列号",
    "品牌",
    "型号",
    "客户编号",
    "网点名称",
    "购买日期",
    "安装日期",
    "有购买凭证",
    "保修月数",
    "状态",
]


@pytest.fixture(autouse=True)
def _storage_and_tasks(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def xlsx_file(rows: list[list[Any]], name: str = "data.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(
    rows: list[list[Any]], encoding: str = "utf-8-sig", name: str = "data.csv"
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


FILE_MAKERS: dict[str, Callable[[list[list[Any]]], SimpleUploadedFile]] = {
    "xlsx": xlsx_file,
    "csv": csv_file,
}


def run_job(user: Any, kind: str, upload: SimpleUploadedFile, capture: Any) -> ImportJob:
    with capture(execute=True):
        job = create_import_job(by=user, kind=kind, upload=upload)
    job.refresh_from_db()
    return job


def customer_rows(count: int, *, organisation_code: str, region_code: str) -> list[list[Any]]:
    return [CUSTOMER_HEADERS] + [
        [
            f"T{index:05d}",
            f"导入客户{index}有限公司",
            "公司",
            "B",
            "否",
            13800000000 + index,
            f"上海市浦东新区{index}号",
            region_code,
            organisation_code,
        ]
        for index in range(count)
    ]


@pytest.fixture
def catalogue(org_tree: Any) -> dict[str, Any]:
    """One product model, one customer of the service centre with a site in a region."""
    model = ProductModelFactory.create(
        brand=BrandFactory.create(name="广电运通"), name="H68N", warranty_months=12
    )
    customer = CustomerFactory.create(organisation=org_tree.service_centre, code="C900001")
    region = RegionFactory.create(code="310115")
    site = SiteFactory.create(customer=customer, name="陆家嘴网点", region=region)
    return {"model": model, "customer": customer, "site": site, "region": region}


def equipment_rows(count: int, *, customer_code: str) -> list[list[Any]]:
    return [EQUIPMENT_HEADERS] + [
        [
            f"eq{index:05d}",
            "广电运通",
            "H68N",
            customer_code,
            "陆家嘴网点",
            datetime.date(2026, 1, 15),
            "2026-02-01",
            "是",
            None,
            "在用",
        ]
        for index in range(count)
    ]


# --- acceptance: a good file, and three bad rows among a hundred -------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_good_customer_file_imports_every_row_through_the_service(
    dispatcher: Any, org_tree: Any, file_format: str, django_capture_on_commit_callbacks: Any
) -> None:
    # given a file of 100 customers of the dispatcher's service centre
    RegionFactory.create(code="310000")
    rows = customer_rows(100, organisation_code="SC-SH", region_code="310000")
    upload = FILE_MAKERS[file_format](rows)

    # when it is imported
    job = run_job(dispatcher, "customers", upload, django_capture_on_commit_callbacks)

    # then every row is a customer, written with an audit entry like the entry form would
    assert job.status == ImportJobStatus.DONE
    assert job.imported_count == job.total_rows == job.processed_rows == 100
    assert job.errors == []
    assert Customer.objects.count() == 100
    customer = Customer.objects.get(code="T00007")
    assert customer.name == "导入客户7有限公司"
    assert customer.phone == "13800000007"
    assert customer.kind == CustomerKind.COMPANY
    assert customer.grade == CustomerGrade.B
    assert not customer.is_target
    assert customer.source == CustomerSource.IMPORT
    assert customer.region == Region.objects.get(code="310000")
    assert customer.organisation == org_tree.service_centre
    created = AuditEntry.objects.filter(
        action="customer.created", content_type=ContentType.objects.get_for_model(Customer)
    )
    assert created.count() == 100
    assert created.filter(actor=dispatcher, organisation=org_tree.service_centre).count() == 100


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_three_bad_customer_rows_among_a_hundred_import_nothing(
    dispatcher: Any, org_tree: Any, file_format: str, django_capture_on_commit_callbacks: Any
) -> None:
    # given 100 rows of which three are bad: no name, another subtree's organisation, a code
    # that an earlier row already has
    RegionFactory.create(code="310000")
    rows = customer_rows(100, organisation_code="SC-SH", region_code="310000")
    rows[11][1] = ""  # spreadsheet row 12
    rows[51][8] = "BANK"  # row 52: exists, but outside the dispatcher's subtree
    rows[81][0] = "T00000"  # row 82: same code as row 2
    upload = FILE_MAKERS[file_format](rows)

    # when it is imported
    job = run_job(dispatcher, "customers", upload, django_capture_on_commit_callbacks)

    # then exactly those rows are reported, and nothing is written
    assert job.status == ImportJobStatus.FAILED
    assert {(error["row"], error["field"]) for error in job.errors} == {
        (12, "客户名称"),
        (52, "所属机构编码"),
        (82, "客户编号"),
    }
    assert job.error_count == 3
    messages = {error["row"]: error["message"] for error in job.errors}
    assert messages[52] == "Unknown organisation code BANK."
    assert "row 2" in messages[82]
    assert job.imported_count == 0
    assert Customer.objects.count() == 0
    assert not AuditEntry.objects.filter(action="customer.created").exists()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_good_equipment_file_imports_with_the_derived_fields(
    dispatcher: Any,
    org_tree: Any,
    catalogue: dict[str, Any],
    file_format: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given 100 units of a customer, standing at its site
    upload = FILE_MAKERS[file_format](equipment_rows(100, customer_code="C900001"))

    # when the file is imported
    job = run_job(dispatcher, "equipment", upload, django_capture_on_commit_callbacks)

    # then each unit carries what register_equipment derives
    assert job.status == ImportJobStatus.DONE
    assert job.imported_count == 100
    assert Equipment.objects.count() == 100
    unit = Equipment.objects.get(serial="EQ00042")  # normalised upper-case
    assert unit.customer == catalogue["customer"]
    assert unit.site == catalogue["site"]
    assert unit.organisation == org_tree.service_centre  # copied from the customer
    assert unit.region == catalogue["region"]  # copied from the site
    assert unit.purchased_on == datetime.date(2026, 1, 15)
    assert unit.installed_on == datetime.date(2026, 2, 1)
    assert unit.warranty_ends_on == datetime.date(2027, 1, 14)  # 12 months from purchase
    assert unit.has_purchase_proof is True
    assert unit.status == EquipmentStatus.IN_SERVICE
    assert AuditEntry.objects.filter(action="equipment.registered", actor=dispatcher).count() == 100


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_three_bad_equipment_rows_among_a_hundred_import_nothing(
    dispatcher: Any,
    catalogue: dict[str, Any],
    file_format: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given 100 rows of which three are bad: a serial repeated in other case, an impossible
    # date, an unknown customer
    rows = equipment_rows(100, customer_code="C900001")
    rows[6][0] = "EQ00000"  # row 7 repeats row 2 ("eq00000" upper-cased)
    rows[41][5] = "2026-13-01"  # row 42
    rows[91][3] = "NOPE"  # row 92
    upload = FILE_MAKERS[file_format](rows)

    # when it is imported
    job = run_job(dispatcher, "equipment", upload, django_capture_on_commit_callbacks)

    # then exactly those three rows are reported and no unit exists
    assert job.status == ImportJobStatus.FAILED
    assert {(error["row"], error["field"]) for error in job.errors} == {
        (7, "序列号"),
        (42, "购买日期"),
        (92, "客户编号"),
    }
    assert Equipment.objects.count() == 0
    assert not AuditEntry.objects.filter(action="equipment.registered").exists()


# --- duplicates, references and scoping --------------------------------------------------------


def test_serials_and_codes_already_in_the_database_are_errors(
    dispatcher: Any,
    org_tree: Any,
    catalogue: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a unit and a customer that exist already
    EquipmentFactory.create(serial="EQ00001", customer=catalogue["customer"])

    # when files repeat them (the serial in lower case)
    equipment = run_job(
        dispatcher,
        "equipment",
        xlsx_file(equipment_rows(3, customer_code="C900001")),
        django_capture_on_commit_callbacks,
    )
    customers = run_job(
        dispatcher,
        "customers",
        xlsx_file([["客户编号", "客户名称"], ["C900001", "重复客户"], ["NEW1", "新客户"]]),
        django_capture_on_commit_callbacks,
    )

    # then the rows are refused
    assert [(e["row"], e["field"]) for e in equipment.errors] == [(3, "序列号")]
    assert equipment.errors[0]["message"] == "EQ00001 already exists."
    assert [(e["row"], e["field"]) for e in customers.errors] == [(2, "客户编号")]
    assert Equipment.objects.count() == 1
    assert not Customer.objects.filter(code="NEW1").exists()


def test_references_outside_the_users_subtree_are_unknown(
    org_tree: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a branch user, and a customer of another branch of the same bank
    user = make_user(org_tree.branch_a, Role.DISPATCHER)
    ProductModelFactory.create(brand=BrandFactory.create(name="广电运通"), name="H68N")
    CustomerFactory.create(organisation=org_tree.branch_b, code="CB0001")
    CustomerFactory.create(organisation=org_tree.outlet_a1, code="CA0001")

    # when the user imports customers of the other branch and equipment of its customer
    customers = run_job(
        user,
        "customers",
        csv_file([["customer name", "organisation code"], ["甲", "BANK-A1"], ["乙", "BANK-B"]]),
        django_capture_on_commit_callbacks,
    )
    rows = [["serial number", "brand", "model", "customer number"]]
    rows += [["S1", "广电运通", "H68N", "CA0001"], ["S2", "广电运通", "H68N", "CB0001"]]
    equipment = run_job(user, "equipment", csv_file(rows), django_capture_on_commit_callbacks)

    # then the invisible organisation and customer are reported as unknown, nothing imported
    assert customers.errors == [
        {"row": 3, "field": "organisation code", "message": "Unknown organisation code BANK-B."}
    ]
    assert equipment.errors == [
        {"row": 3, "field": "customer number", "message": "Unknown customer number CB0001."}
    ]
    assert not Customer.objects.filter(name__in=["甲", "乙"]).exists()
    assert not Equipment.objects.exists()


def test_blank_organisation_and_code_mean_own_organisation_and_next_number(
    dispatcher: Any, org_tree: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = run_job(
        dispatcher,
        "customers",
        xlsx_file([["customer name", "phone"], ["无编号客户", "021-1234"]]),
        django_capture_on_commit_callbacks,
    )

    customer = Customer.objects.get(name="无编号客户")
    assert job.status == ImportJobStatus.DONE
    assert customer.organisation == org_tree.service_centre
    assert customer.code.startswith("C")


def test_unknown_site_and_product_model_are_reported(
    dispatcher: Any, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    rows = equipment_rows(2, customer_code="C900001")
    rows[1][4] = "不存在的网点"
    rows[2][2] = "X999"

    job = run_job(dispatcher, "equipment", xlsx_file(rows), django_capture_on_commit_callbacks)

    assert [(e["row"], e["field"]) for e in job.errors] == [(2, "网点名称"), (3, "型号")]
    assert job.errors[1]["message"] == "Unknown product model 广电运通 X999."


# --- cells: dates, booleans, encodings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-03-05", datetime.date(2026, 3, 5)),
        ("2026/3/5", datetime.date(2026, 3, 5)),
        # openpyxl gives Excel's date cells as naive datetimes
        (datetime.datetime(2026, 3, 5), datetime.date(2026, 3, 5)),  # noqa: DTZ001
        (datetime.date(2026, 3, 5), datetime.date(2026, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_dates_accept_iso_text_and_excel_cells(cell: Any, expected: Any) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("yes", True),
        ("No", False),
        ("1", True),
        (0, False),
        ("TRUE", True),
        ("false", False),
        (True, True),
        (None, None),
    ],
)
def test_booleans_accept_the_usual_spellings(cell: Any, expected: Any) -> None:
    assert parse_bool(cell) is expected


def test_bad_booleans_and_numbers_are_row_errors(
    dispatcher: Any, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    rows = equipment_rows(2, customer_code="C900001")
    rows[1][7] = "也许"
    rows[2][8] = "十二"

    job = run_job(dispatcher, "equipment", csv_file(rows), django_capture_on_commit_callbacks)

    assert job.errors == [
        {"row": 2, "field": "有购买凭证", "message": "Enter yes or no."},
        {"row": 3, "field": "保修月数", "message": "Enter a whole number."},
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_encodings_are_detected(encoding: str) -> None:
    content = "客户名称,电话\n上海某某公司,021\n".encode(encoding)

    rows = list(read_rows(content, "file.csv"))

    assert rows == [(1, ("客户名称", "电话")), (2, ("上海某某公司", "021"))]


def test_gbk_csv_from_chinese_excel_imports(
    dispatcher: Any, django_capture_on_commit_callbacks: Any
) -> None:
    upload = csv_file(
        [["客户名称", "客户类型", "重点客户"], ["张三", "个人", "是"]], encoding="gbk"
    )

    job = run_job(dispatcher, "customers", upload, django_capture_on_commit_callbacks)

    customer = Customer.objects.get(name="张三")
    assert job.status == ImportJobStatus.DONE
    assert customer.kind == CustomerKind.PERSON
    assert customer.is_target is True


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(
    dispatcher: Any, django_capture_on_commit_callbacks: Any
) -> None:
    upload = xlsx_file([["客户名称", "邮箱"], ["甲", ""], [None, None], ["乙", "not-an-email"]])

    job = run_job(dispatcher, "customers", upload, django_capture_on_commit_callbacks)

    assert [(e["row"], e["field"]) for e in job.errors] == [(4, "邮箱")]
    assert job.total_rows == 2


# --- the job: idempotency ---------------------------------------------------------------------


def test_running_a_job_again_never_imports_twice(
    dispatcher: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = run_job(
        dispatcher,
        "customers",
        xlsx_file([["客户名称"], ["甲"], ["乙"]]),
        django_capture_on_commit_callbacks,
    )

    outcome = run_import_job(job_id=job.pk)

    assert outcome == "skipped"
    assert Customer.objects.count() == 2


def test_a_job_interrupted_before_commit_runs_again_in_full(dispatcher: Any) -> None:
    # given a job left "importing" by a killed worker (its transaction was rolled back)
    job = create_import_job(
        by=dispatcher, kind="customers", upload=xlsx_file([["客户名称"], ["甲"], ["乙"]])
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.IMPORTING)

    # when the queue delivers the task again
    assert run_import_job(job_id=job.pk) == ImportJobStatus.DONE
    assert run_import_job(job_id=job.pk) == "skipped"

    # then the rows exist once
    assert Customer.objects.count() == 2


# --- the upload form ---------------------------------------------------------------------------


@pytest.fixture
def dispatcher_client(client: Any, dispatcher: Any) -> Any:
    client.force_login(dispatcher)
    return client


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("data.txt", b"name\nx\n"), "Upload an .xlsx or .csv file."),
        (SimpleUploadedFile("data.xlsx", b"not a zip"), "cannot be read as an .xlsx"),
        (SimpleUploadedFile("data.csv", "客户名称\n".encode()), "The file has no data rows."),
        (SimpleUploadedFile("data.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("data.csv", b"\nx\n"), "The first row must hold the column headers."),
        (
            SimpleUploadedFile("data.csv", "电话\n021\n".encode()),
            "Required columns are missing: 客户名称 (customer name).",
        ),
        (
            SimpleUploadedFile("data.csv", "客户名称,name\n甲,乙\n".encode()),
            "The column name appears twice.",
        ),
    ],
)
def test_unusable_files_are_refused_on_the_form(
    dispatcher_client: Any, upload: SimpleUploadedFile, message: str
) -> None:
    response = dispatcher_client.post(
        reverse("core:import-create"), {"kind": "customers", "file": upload}
    )

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(dispatcher_client: Any, settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    upload = csv_file([["客户名称"], ["一个很长的客户名称有限公司"]])

    response = dispatcher_client.post(
        reverse("core:import-create"), {"kind": "customers", "file": upload}
    )

    assert "larger than" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_a_kind_the_user_may_not_import_is_refused(
    client: Any, org_tree: Any, make_user: Any
) -> None:
    technician = make_user(org_tree.service_centre, Role.TECHNICIAN)
    client.force_login(technician)

    assert client.get(reverse("core:import-create")).status_code == 403
    template = reverse("core:import-template", args=["customers"])
    assert client.get(template).status_code == 403


# --- the pages: upload → job → result ------------------------------------------------------------


def test_upload_page_runs_the_job_and_shows_the_result(
    dispatcher_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the upload page
    page = dispatcher_client.get(reverse("core:import-create"))
    assert page.status_code == 200
    assert [value for value, _label in page.context["form"].fields["kind"].choices] == [
        "customers",
        "equipment",
    ]

    # when a file is uploaded
    with django_capture_on_commit_callbacks(execute=True):
        response = dispatcher_client.post(
            reverse("core:import-create"),
            {"kind": "customers", "file": xlsx_file([["客户名称"], ["甲"], ["乙"]])},
        )

    # then the browser lands on the job, which says the rows were imported
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:import-detail", args=[job.pk])
    detail = dispatcher_client.get(response["Location"])
    body = detail.content.decode()
    assert 'data-status="done"' in body
    assert "Imported 2 rows." in body
    assert 'hx-trigger="every 1s"' not in body


def test_job_page_polls_while_the_job_runs_and_lists_errors_when_it_fails(
    dispatcher_client: Any, dispatcher: Any
) -> None:
    # given a job not started yet (the on-commit enqueue never ran)
    job = create_import_job(
        by=dispatcher, kind="customers", upload=csv_file([["客户名称", "邮箱"], ["甲", "bad"]])
    )
    url = reverse("core:import-detail", args=[job.pk])

    # then its page asks again every second, htmx gets only the status fragment
    waiting = dispatcher_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert f'hx-get="{url}"' in waiting
    fragment = dispatcher_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<section id="import-status"')

    # when the job runs and fails, the fragment stops polling and shows the bad row
    run_import_job(job_id=job.pk)
    failed = dispatcher_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' not in failed
    assert "Nothing was imported" in failed
    assert "邮箱" in failed
    assert "Enter a valid email address." in failed


def test_job_page_of_another_organisation_is_not_found(
    client: Any, org_tree: Any, make_user: Any, dispatcher: Any
) -> None:
    job = create_import_job(
        by=dispatcher, kind="customers", upload=csv_file([["客户名称"], ["甲"]])
    )
    url = reverse("core:import-detail", args=[job.pk])

    client.force_login(make_user(org_tree.branch_a, Role.DISPATCHER))
    assert client.get(url).status_code == 404
    client.force_login(make_user(org_tree.hq, Role.SERVICE_MANAGER))
    assert client.get(url).status_code == 200


# --- templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "first_header"), [("zh-hans", "客户编号"), ("en", "customer number")]
)
def test_template_has_the_headers_in_the_users_language(
    dispatcher_client: Any, settings: Any, language: str, first_header: str
) -> None:
    settings.LANGUAGE_CODE = language

    response = dispatcher_client.get(reverse("core:import-template", args=["customers"]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert rows[0][0] == first_header
    assert len(rows) == 2  # the headers and one example row


@pytest.mark.parametrize("kind", ["customers", "equipment"])
def test_the_templates_example_row_imports(
    dispatcher_client: Any,
    dispatcher: Any,
    catalogue: dict[str, Any],
    kind: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = dispatcher_client.get(reverse("core:import-template", args=[kind]))
    upload = SimpleUploadedFile(f"{kind}.xlsx", response.content)

    job = run_job(dispatcher, kind, upload, django_capture_on_commit_callbacks)

    assert job.errors == []
    assert job.imported_count == 1


def test_every_kind_is_registered() -> None:
    for kind in ("customers", "equipment"):
        schema = get_schema(kind)
        assert schema is not None
        assert {column.key for column in schema.columns if column.required}


def test_import_file_error_lands_on_the_file_field() -> None:
    assert ImportFileError("x").field == "file"


def test_headers_match_ignoring_case_spaces_and_a_required_mark() -> None:
    schema = get_schema("customers")
    assert schema is not None

    header = map_header(("Customer Name*", " 电话 ", "something else", "Organisation_Code"), schema)

    assert header.positions == {"name": 0, "phone": 1, "organisation": 3}
    assert header.labels["name"] == "Customer Name*"


def test_serving_provider_must_be_an_organisation_the_user_may_use(
    hq_admin: Any,
    dispatcher: Any,
    org_tree: Any,
    catalogue: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows = [["序列号", "品牌", "型号", "客户编号", "服务商编码"]]
    rows += [["P1", "广电运通", "H68N", "C900001", "PROV"]]

    refused = run_job(dispatcher, "equipment", csv_file(rows), django_capture_on_commit_callbacks)
    accepted = run_job(hq_admin, "equipment", csv_file(rows), django_capture_on_commit_callbacks)

    assert refused.errors == [
        {"row": 2, "field": "服务商编码", "message": "Unknown organisation code PROV."}
    ]
    assert accepted.status == ImportJobStatus.DONE
    assert Equipment.objects.get(serial="P1").serving_provider == org_tree.provider
