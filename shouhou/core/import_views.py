"""Pages of the spreadsheet import: upload a file, follow its job, download a template."""

from __future__ import annotations

import os
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from shouhou.core import imports
from shouhou.core.errors import ShouhouError
from shouhou.core.forms import add_service_error

RECENT_JOBS = 10


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(".xlsx or .csv (UTF-8 or GBK); the first row holds the column headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (schema.kind, schema.label) for schema in imports.schemas_for(user)
        ]


class ImportPermissionMixin(LoginRequiredMixin):
    """The page needs the import permission of at least one kind of file."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not imports.schemas_for(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]


class ImportCreateView(ImportPermissionMixin, FormView):
    template_name = "core/import_form.html"
    form_class = ImportForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"kind": self.request.GET.get("kind", "")}

    def form_valid(self, form: ImportForm) -> HttpResponse:
        try:
            job = imports.create_import_job(
                by=self.request.user,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ShouhouError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(job.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Import from a spreadsheet"),
            schemas=imports.schemas_for(self.request.user),
            max_megabytes=settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024),
            recent_jobs=[
                (job, schema.label if (schema := imports.get_schema(job.kind)) else job.kind)
                for job in imports.import_jobs_visible_to(user=self.request.user).filter(
                    created_by_id=self.request.user.pk
                )[:RECENT_JOBS]
            ],
        )
        return context


class ImportDetailView(ImportPermissionMixin, View):
    """The job's progress; htmx asks again every second until the job has finished."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = imports.import_job_for_user(user=request.user, job_id=pk)
        schema = imports.get_schema(job.kind)
        if schema is None or not request.user.has_perm(schema.permission):
            raise Http404
        context = {
            "job": job,
            "schema": schema,
            "file_name": os.path.basename(job.file.name or ""),
            "title": _("Import #%(id)s") % {"id": job.pk},
        }
        if getattr(request, "htmx", False):
            return render(request, "core/import_status.html", context)
        return render(request, "core/import_detail.html", context)


class ImportTemplateView(ImportPermissionMixin, View):
    """An .xlsx with the headers of one kind of file and one example row."""

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        schema = imports.get_schema(kind)
        if schema is None:
            raise Http404
        if not request.user.has_perm(schema.permission):
            raise PermissionDenied
        content = imports.template_workbook(schema, user=request.user)  # type: ignore[arg-type]
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-import-template.xlsx"'
        return response
