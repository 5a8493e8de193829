"""Bulk import of spreadsheets (.xlsx, .csv): reading, header mapping, cell parsing, error
collection and the job runner. The per-kind row schemas live in the apps (customers/imports.py,
assets/imports.py) and register here from AppConfig.ready(), so core imports no app.

The rule is all-or-nothing: every row is checked first; when any row is bad the job fails with
the list of bad rows (row number as the spreadsheet shows it, header = row 1) and nothing is
written; otherwise every row is written through the app's services in one transaction."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from shouhou.core.audit import record_audit
from shouhou.core.errors import ShouhouError
from shouhou.core.forms import scoped_organisations
from shouhou.core.models import ImportJob, ImportJobStatus, Organisation, Region, User
from shouhou.core.scoping import get_visible_or_404, scoped
from shouhou.core.selectors import regions

ALLOWED_EXTENSIONS = (".xlsx", ".csv")
# A failed job keeps at most this many errors; error_count says how many there were.
MAX_REPORTED_ERRORS = 1000
# Rows checked between two progress writes and between two uniqueness queries.
BATCH_ROWS = 500
FINISHED = (ImportJobStatus.DONE, ImportJobStatus.FAILED)


class ImportFileError(ShouhouError):
    """The file as a whole cannot be imported (format, encoding, headers, no rows)."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message, field="file")


class CellError(Exception):
    """A parser refused a cell; the message is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- cell parsers -----------------------------------------------------------------------------

Parser = Callable[[Any], Any]


def parse_text(value: Any) -> str | None:
    """A cell as text: numbers keep no ".0" (Excel stores 13800001111 as a number)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")


def parse_date(value: Any) -> datetime.date | None:
    """YYYY-MM-DD text (Excel's own 2026/1/15 too) or an Excel date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = parse_text(value)
    if text is None:
        return None
    match = _DATE.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(_("Enter a date as YYYY-MM-DD."))


# The spellings people type in a yes/no column (是/否 from Chinese Excel sheets).
_TRUE = {"是", "yes", "y", "true", "1"}
_FALSE = {"否", "no", "n", "false", "0"}


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = parse_text(value)
    if text is None:
        return None
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise CellError(_("Enter yes or no."))


def parse_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = parse_text(value)
    if text is None:
        return None
    if not re.fullmatch(r"[+-]?\d+", text):
        raise CellError(_("Enter a whole number."))
    return int(text)


def choice_parser(
    choices: type[models.TextChoices], *, aliases: Mapping[str, str] | None = None
) -> Parser:
    """A parser accepting a choice's value, its label in any configured language, or an alias."""
    known: dict[str, str] = {}

    def build() -> None:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for value, label in choices.choices:
                    known.setdefault(str(label).casefold(), value)
        for value in choices.values:
            known[value.casefold()] = value
        for alias, value in (aliases or {}).items():
            known[alias.casefold()] = value

    def parse(value: Any) -> str | None:
        text = parse_text(value)
        if text is None:
            return None
        if not known:
            build()
        try:
            return known[text.casefold()]
        except KeyError:
            labels = ", ".join(str(label) for label in choices.labels)
            raise CellError(
                _("Unknown value %(value)s; use one of: %(choices)s.")
                % {"value": text, "choices": labels}
            ) from None

    return parse


# --- columns, rows and schemas ----------------------------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    """One column of a kind's file. `chinese` and `english` are the accepted headers (the file
    format, not page text: a header is matched whatever the page's language); `key` names the
    value for the schema and is the model field whose validation errors land on this column."""

    key: str
    chinese: str
    english: str
    parse: Parser = parse_text
    required: bool = False
    # Unique in the file and against `schema.model`'s column of the same name.
    unique: bool = False
    aliases: tuple[str, ...] = ()
    example: Any = None

    def header(self) -> str:
        """The header written in templates and shown for a column the file lacks."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.chinese if language.lower().startswith("zh") else self.english

    def accepted_headers(self) -> set[str]:
        return {normalise_header(name) for name in (self.chinese, self.english, *self.aliases)}


def normalise_header(header: Any) -> str:
    """Headers match ignoring case, spaces, underscores, a trailing * and the full-width forms."""
    text = parse_text(header) or ""
    text = text.replace("（", "(").replace("）", ")").replace("＊", "*")
    text = re.sub(r"[\s_]+", " ", text).strip(" *")
    return text.casefold()


@dataclass
class Row:
    """One data row: parsed values by column key, and the errors found on it."""

    number: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add_error(self, key: str, message: str | Promise) -> None:
        self.errors.append((key, str(message)))

    def has_error(self, key: str) -> bool:
        return any(error_key == key for error_key, _message in self.errors)

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def text(self, key: str) -> str:
        """A text value as a model field wants it: "" when empty."""
        return self.values.get(key) or ""


class ImportSchema:
    """What one kind of file holds and how a row becomes a record. One instance serves one job,
    so it may cache lookups (an organisation code is looked up once per file)."""

    kind: str = ""
    label: str | Promise = ""
    permission: str = ""
    list_url_name: str = ""
    model: type[models.Model]
    columns: tuple[ImportColumn, ...] = ()
    # Templates receive the class itself: read its attributes, do not instantiate it.
    do_not_call_in_templates = True

    def __init__(self, *, user: User, organisation: Organisation | None) -> None:
        self.user = user
        self.organisation = organisation

    def resolve(self, row: Row) -> None:
        """Replace the row's human keys by records (organisation code → Organisation); record
        what cannot be found on `row`. Runs on both passes, so it should cache its lookups."""
        raise NotImplementedError

    def check(self, row: Row) -> None:
        """The checks the service will make, run on the checking pass only."""

    def save(self, row: Row) -> models.Model:
        """Write one checked row through the app's service (inside the import's transaction)."""
        raise NotImplementedError

    def example_row(self) -> list[Any]:
        return [column.example for column in self.columns]

    def validate_model(self, row: Row, instance: models.Model, *, exclude: list[str]) -> None:
        """The model's own field checks (lengths, formats, choices), errors put on the columns;
        foreign keys (resolved already) and uniqueness (checked per batch) are left out."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            keys = {column.key for column in self.columns}
            for name, messages in error.message_dict.items():
                key = name if name in keys else NON_FIELD_ERRORS
                if row.has_error(key):
                    continue  # one reason per cell: the parser's or the required check's
                for message in messages:
                    row.add_error(key, message)


class ReferenceCache:
    """Organisations and regions by code, each looked up once per file. An organisation the
    user may not use is "unknown", exactly like one that does not exist."""

    def __init__(self, *, user: Any) -> None:
        self.user = user
        self._organisations: dict[str, Organisation | None] = {}
        self._regions: dict[str, Region | None] = {}

    def organisation(self, code: str) -> Organisation | None:
        if code not in self._organisations:
            self._organisations[code] = (
                scoped_organisations(user=self.user).filter(code=code).first()
            )
        return self._organisations[code]

    def region(self, code: str) -> Region | None:
        if code not in self._regions:
            self._regions[code] = regions().filter(code=code).first()
        return self._regions[code]


def resolve_organisation(row: Row, key: str, references: ReferenceCache) -> Organisation | None:
    code = row.get(key)
    if code is None or row.has_error(key):
        return None
    found = references.organisation(code)
    if found is None:
        row.add_error(key, _("Unknown organisation code %(code)s.") % {"code": code})
    return found


_SCHEMAS: dict[str, type[ImportSchema]] = {}


def register(schema: type[ImportSchema]) -> None:
    _SCHEMAS[schema.kind] = schema


def get_schema(kind: str) -> type[ImportSchema] | None:
    return _SCHEMAS.get(kind)


def schemas_for(user: User | AnonymousUser) -> list[type[ImportSchema]]:
    """The kinds of file `user` may import."""
    return [schema for schema in _SCHEMAS.values() if user.has_perm(schema.permission)]


# --- reading files ----------------------------------------------------------------------------


def _extension(name: str) -> str:
    lowered = name.lower()
    return next((ext for ext in ALLOWED_EXTENSIONS if lowered.endswith(ext)), "")


def _decode_csv(content: bytes) -> str:
    """UTF-8 with or without BOM, else GBK (what Chinese Excel writes; GB18030 is its superset)."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file's text encoding is not UTF-8 or GBK."))


def _csv_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        text = _decode_csv(content)
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The file's text encoding is not UTF-8 or GBK.")) from error
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield tuple(cells)
    except csv.Error as error:
        raise ImportFileError(
            _("The file cannot be read as CSV: %(error)s") % {"error": error}
        ) from error


def _xlsx_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The file cannot be read as an .xlsx workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        # The recorded dimensions may be wrong (some programs write "A1"): read what is there.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def read_rows(content: bytes, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) of the first sheet, header included as row 1."""
    extension = _extension(name)
    if extension == ".csv":
        rows = _csv_rows(content)
    elif extension == ".xlsx":
        rows = _xlsx_rows(content)
    else:
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    yield from enumerate(rows, start=1)


def _is_blank(cells: tuple[Any, ...]) -> bool:
    return all(parse_text(cell) is None for cell in cells)


@dataclass(frozen=True)
class Header:
    """Where each known column sits in the file, and its header as the user wrote it."""

    positions: dict[str, int]
    labels: dict[str, str]

    def label(self, key: str, schema: type[ImportSchema]) -> str:
        if key in self.labels:
            return self.labels[key]
        column = next((column for column in schema.columns if column.key == key), None)
        return column.header() if column else ""


def map_header(cells: tuple[Any, ...], schema: type[ImportSchema]) -> Header:
    """Match the header row against the schema's columns; unknown headers are ignored."""
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, cell in enumerate(cells):
        normalised = normalise_header(cell)
        if not normalised:
            continue
        for column in schema.columns:
            if normalised in column.accepted_headers():
                if column.key in positions:
                    raise ImportFileError(
                        _("The column %(header)s appears twice.") % {"header": parse_text(cell)}
                    )
                positions[column.key] = index
                labels[column.key] = parse_text(cell) or ""
    missing = [
        column for column in schema.columns if column.required and column.key not in positions
    ]
    if missing:
        names = ", ".join(f"{column.chinese} ({column.english})" for column in missing)
        raise ImportFileError(_("Required columns are missing: %(columns)s.") % {"columns": names})
    return Header(positions=positions, labels=labels)


def inspect_upload(upload: UploadedFile, schema: type[ImportSchema]) -> None:
    """Refuse, before any job exists, a file of the wrong type or size, without the required
    columns or without data rows. Reads only up to the first data row."""
    name = upload.name or ""
    if not _extension(name):
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    if (upload.size or 0) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB.")
            % {"size": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    rows = read_rows(content, name)
    first = next(rows, None)
    if first is None or _is_blank(first[1]):
        raise ImportFileError(_("The first row must hold the column headers."))
    map_header(first[1], schema)
    if not any(not _is_blank(cells) for _number, cells in rows):
        raise ImportFileError(_("The file has no data rows."))


# --- checking and importing -------------------------------------------------------------------


@dataclass
class _Report:
    """The errors of a run, capped at MAX_REPORTED_ERRORS, and the number of data rows seen."""

    header: Header
    schema: type[ImportSchema]
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0

    def add(self, row: Row) -> None:
        for key, message in row.errors:
            self.error_count += 1
            if len(self.errors) < MAX_REPORTED_ERRORS:
                label = "" if key == NON_FIELD_ERRORS else self.header.label(key, self.schema)
                self.errors.append({"row": row.number, "field": label, "message": message})


def _parsed_rows(
    content: bytes, name: str, schema: ImportSchema, *, check: bool
) -> tuple[Header, Iterator[Row]]:
    rows = read_rows(content, name)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The first row must hold the column headers."))
    header = map_header(first[1], type(schema))

    def parsed() -> Iterator[Row]:
        for number, cells in rows:
            if _is_blank(cells):
                continue
            row = Row(number=number, values={})
            for column in schema.columns:
                position = header.positions.get(column.key)
                raw = cells[position] if position is not None and position < len(cells) else None
                try:
                    row.values[column.key] = column.parse(raw)
                except CellError as error:
                    row.values[column.key] = None
                    row.add_error(column.key, error.message)
                    continue
                if column.required and row.values[column.key] in (None, ""):
                    row.add_error(column.key, _("This field is required."))
            schema.resolve(row)
            if check:
                schema.check(row)
            yield row

    return header, parsed()


def _check_unique(schema: ImportSchema, batch: list[Row], seen: dict[str, dict[Any, int]]) -> None:
    """A unique column's value may appear once in the file and must not exist in the database."""
    for column in schema.columns:
        if not column.unique:
            continue
        first_rows = seen.setdefault(column.key, {})
        values = {row.get(column.key) for row in batch} - {None, ""}
        existing = set(
            schema.model._default_manager.filter(**{f"{column.key}__in": values}).values_list(
                column.key, flat=True
            )
        )
        for row in batch:
            value = row.get(column.key)
            if value in (None, ""):
                continue
            if value in first_rows:
                row.add_error(
                    column.key,
                    _("%(value)s already appears on row %(row)s.")
                    % {"value": value, "row": first_rows[value]},
                )
            else:
                first_rows[value] = row.number
                if value in existing:
                    row.add_error(column.key, _("%(value)s already exists.") % {"value": value})


def _progress(job_id: int, **fields: Any) -> None:
    """A committed progress write; never touches a finished job."""
    ImportJob.objects.filter(pk=job_id).exclude(status__in=FINISHED).update(**fields)


def _validate(job: ImportJob, schema: ImportSchema, content: bytes) -> _Report:
    header, rows = _parsed_rows(content, job.file.name or "", schema, check=True)
    report = _Report(header=header, schema=type(schema))
    seen: dict[str, dict[Any, int]] = {}
    batch: list[Row] = []

    def flush() -> None:
        _check_unique(schema, batch, seen)
        for checked in batch:
            report.add(checked)
        report.rows += len(batch)
        batch.clear()
        _progress(job.pk, processed_rows=report.rows)

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            flush()
    flush()
    return report


def _import(job: ImportJob, schema: ImportSchema, content: bytes) -> _Report | None:
    """Write every row in one transaction, undone if any row fails after all; None when the job
    had already finished. Nothing is visible to other connections until the commit."""
    header, rows = _parsed_rows(content, job.file.name or "", schema, check=False)
    report = _Report(header=header, schema=type(schema))
    with transaction.atomic():
        # The lock makes a second run of the same job wait, then see it done and skip it.
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in FINISHED:
            return None
        imported = 0
        for row in rows:
            if not row.errors:
                try:
                    schema.save(row)
                    imported += 1
                except ShouhouError as error:
                    row.add_error(error.field or NON_FIELD_ERRORS, str(error.message))
                except ValidationError as error:
                    for name, messages in _error_messages(error).items():
                        for message in messages:
                            row.add_error(name, message)
                except IntegrityError:
                    row.add_error(NON_FIELD_ERRORS, _("The row conflicts with an existing record."))
            report.add(row)
            report.rows += 1
        if report.error_count:
            # Checked rows can still fail when the database changed since the check.
            transaction.set_rollback(True)
            return report
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJobStatus.DONE,
            total_rows=report.rows,
            processed_rows=report.rows,
            imported_count=imported,
            finished_at=timezone.now(),
        )
        record_audit(
            actor=schema.user,
            action="import_job.done",
            instance=job,
            changes={"imported_count": [None, imported]},
            organisation=job.organisation,
        )
    return report


def _error_messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def _fail(job_id: int, errors: list[dict[str, Any]], *, error_count: int | None = None) -> None:
    _progress(
        job_id,
        status=ImportJobStatus.FAILED,
        errors=errors,
        error_count=len(errors) if error_count is None else error_count,
        imported_count=0,
        finished_at=timezone.now(),
    )


def _count_hint(content: bytes, name: str) -> int:
    """The number of data rows, to size the progress bar before checking starts."""
    return sum(1 for _number, cells in read_rows(content, name) if not _is_blank(cells)) - 1


def run_import_job(*, job_id: int) -> str:
    """Check then import one uploaded file. Idempotent: a finished job is left alone, and the
    rows and the "done" status are committed together, so a second run never imports twice."""
    job = ImportJob.objects.select_related("created_by", "organisation").filter(pk=job_id).first()
    if job is None or job.status in FINISHED:
        return "skipped"
    schema_class = get_schema(job.kind)
    if schema_class is None or job.created_by is None:
        _fail(job_id, [{"row": None, "field": "", "message": _("This import cannot run.")}])
        return ImportJobStatus.FAILED
    schema = schema_class(user=job.created_by, organisation=job.organisation)
    try:
        _progress(job_id, status=ImportJobStatus.VALIDATING, processed_rows=0)
        with job.file.open("rb") as stored:
            content = stored.read()
        _progress(job_id, total_rows=max(0, _count_hint(content, job.file.name or "")))
        report = _validate(job, schema, content)
        if report.error_count:
            _fail(job_id, report.errors, error_count=report.error_count)
            return ImportJobStatus.FAILED
        _progress(job_id, status=ImportJobStatus.IMPORTING, processed_rows=0)
        written = _import(job, schema, content)
        if written is None:
            return "skipped"
        if written.error_count:
            _fail(job_id, written.errors, error_count=written.error_count)
            return ImportJobStatus.FAILED
    except ImportFileError as error:
        _fail(job_id, [{"row": None, "field": "", "message": str(error.message)}])
        return ImportJobStatus.FAILED
    except Exception:
        # Unexpected: mark the job failed so its page stops waiting, and let the worker log it.
        _fail(job_id, [{"row": None, "field": "", "message": _("The import stopped on an error.")}])
        raise
    return ImportJobStatus.DONE


# --- the job: create, read, template ----------------------------------------------------------


@transaction.atomic
def create_import_job(*, by: User, kind: str, upload: UploadedFile) -> ImportJob:
    """Store the uploaded file as a queued job and start it once the job is committed."""
    from shouhou.core.tasks import run_import

    schema = get_schema(kind)
    if schema is None or not by.has_perm(schema.permission):
        raise ShouhouError(_("You cannot import this kind of file."), field="kind")
    inspect_upload(upload, schema)
    job = ImportJob.objects.create(
        kind=kind, file=upload, created_by=by, organisation=by.organisation
    )
    record_audit(
        actor=by,
        action="import_job.created",
        instance=job,
        changes={"kind": [None, kind], "file": [None, job.file.name]},
        organisation=job.organisation,
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: run_import.enqueue(job_id=job.pk, language=language))
    return job


def import_jobs_visible_to(*, user: User | AnonymousUser) -> QuerySet[ImportJob]:
    """Jobs uploaded in the user's organisation subtree."""
    return scoped(ImportJob.objects.select_related("created_by", "organisation"), user)


def import_job_for_user(*, user: User | AnonymousUser, job_id: int) -> ImportJob:
    return get_visible_or_404(import_jobs_visible_to(user=user), user, pk=job_id)


def template_workbook(schema: type[ImportSchema], *, user: User) -> bytes:
    """An .xlsx with the kind's headers (in the user's language) and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = str(schema.label)[:31]
    sheet.append([column.header() for column in schema.columns])
    example = schema(user=user, organisation=user.organisation).example_row()
    sheet.append([str(value) if isinstance(value, Promise) else value for value in example])
    for index, column in enumerate(schema.columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=column.required)
        if isinstance(column.example, datetime.date):
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header()) * 2 + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
