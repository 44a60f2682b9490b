"""The import of official lists in the admin: upload, review against the directory, apply.

The upload is read once and kept as a ListImport (its rows, bounded by the engine's
limits); the review is computed again from it at every view, so a reload shows the
directory as it is now, and applying writes what the editor last saw confirmed.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..lists import (
    MAX_BYTES,
    NEW,
    ApplyError,
    ListError,
    ListFile,
    ListRow,
    Outcome,
    Target,
    apply,
    read_list,
    review,
)
from ..models import ListImport, Recognition, Source
from ..models.recognition import RECOGNITION_TIERS, Stage

# Who may import a list: it adds recognitions to public enterprises directly.
LIST_IMPORT_PERMISSIONS = ("enterprises.add_recognition", "enterprises.publish_enterprise")
# Uploads left pending longer than this are removed when the same editor uploads again.
PENDING_DAYS = 2


class ListUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List (CSV or XLSX)"),
        help_text=gettext_lazy(
            "The table published with the notice: 序号, 企业名称, 省份/地区 or 所在地, and "
            "optionally 统一社会信用代码 and 所属行业 (or the same headers in English)."
        ),
    )
    source = forms.ModelChoiceField(
        label=gettext_lazy("Source (the notice)"), queryset=Source.objects.all()
    )
    tier = forms.ChoiceField(label=gettext_lazy("tier"), choices=RECOGNITION_TIERS)
    level = forms.ChoiceField(
        label=gettext_lazy("level"),
        choices=[("", "—"), *Recognition.Level.choices],
        required=False,
    )
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000)
    batch = forms.IntegerField(
        label=gettext_lazy("batch"), min_value=1, max_value=99, required=False
    )
    stage = forms.ChoiceField(label=gettext_lazy("stage"), choices=Stage.choices)
    notice_number = forms.CharField(
        label=gettext_lazy("notice number"), max_length=100, required=False
    )
    notice_date = forms.DateField(label=gettext_lazy("notice date"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            try:
                if upload.size > MAX_BYTES:
                    raise ListError(
                        _("The file is larger than %(limit)d MB; split the list.")
                        % {"limit": MAX_BYTES // (1024 * 1024)}
                    )
                data["list_file"] = read_list(upload.read())
            except ListError as exc:
                self.add_error("file", str(exc))
        if not self.errors:
            try:
                data["target"] = self.target(data).check()
            except ListError as exc:
                self.add_error(None, str(exc))
        return data

    @staticmethod
    def target(data):
        return Target(
            source=data["source"],
            tier=data["tier"],
            level=data.get("level") or "",
            year=data["year"],
            batch=data.get("batch"),
            stage=data["stage"],
            notice_number=data.get("notice_number") or "",
            notice_date=data.get("notice_date"),
        )


def review_of(pending):
    list_file = ListFile(
        pending.file_format,
        [tuple(column) for column in pending.columns],
        [ListRow.from_json(row) for row in pending.rows],
    )
    return review(list_file, Target.of(pending))


class ListImportMixin:
    """The "Import official list" pages of the recognitions' admin."""

    change_list_template = "admin/enterprises/recognition/change_list.html"

    def may_import_list(self, request):
        return request.user.has_perms(LIST_IMPORT_PERMISSIONS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import-list/", view(self.list_upload_view), name="enterprises_list_import"),
            path(
                "import-list/<int:pk>/",
                view(self.list_review_view),
                name="enterprises_list_import_review",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import_list": self.may_import_list(request)}
        return super().changelist_view(request, extra_context)

    def list_context(self, request, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
        }

    def list_upload_view(self, request):
        if not self.may_import_list(request):
            raise PermissionDenied
        form = ListUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            target, list_file = data["target"], data["list_file"]
            stale = timezone.now() - datetime.timedelta(days=PENDING_DAYS)
            ListImport.objects.filter(
                created_by=request.user, status=ListImport.Status.PENDING, created_at__lt=stale
            ).delete()
            pending = ListImport.objects.create(
                file_name=data["file"].name[:255],
                file_format=list_file.format,
                columns=list_file.columns,
                rows=[row.to_json() for row in list_file.rows],
                source=target.source,
                tier=target.tier,
                level=target.level,
                year=target.year,
                batch=target.batch,
                stage=target.stage,
                notice_number=target.notice_number,
                notice_date=target.notice_date,
                created_by=request.user,
            )
            return HttpResponseRedirect(
                reverse("admin:enterprises_list_import_review", args=[pending.pk])
            )
        context = {**self.list_context(request, _("Import official list")), "form": form}
        return TemplateResponse(request, "admin/enterprises/recognition/import_list.html", context)

    def list_review_view(self, request, pk):
        if not self.may_import_list(request):
            raise PermissionDenied
        pending = get_object_or_404(ListImport.objects.select_related("source"), pk=pk)
        changelist = reverse("admin:enterprises_recognition_changelist")
        if not pending.is_pending:
            self.message_user(
                request,
                _("This list was already %(status)s.")
                % {"status": pending.get_status_display().lower()},
                messages.WARNING,
            )
            return HttpResponseRedirect(changelist)
        if request.method == "POST" and "cancel" in request.POST:
            pending.status, pending.rows = ListImport.Status.CANCELLED, []
            pending.save(update_fields=["status", "rows"])
            self.message_user(request, _("The import was cancelled; nothing was written."))
            return HttpResponseRedirect(changelist)
        failure = None
        with transaction.atomic():
            result = review_of(pending)
            if request.method == "POST" and "apply" in request.POST:
                try:
                    done = apply(result, self.choices(request, result))
                except ApplyError as exc:
                    failure = str(exc)
                else:
                    pending.status, pending.rows = ListImport.Status.APPLIED, []
                    pending.applied_at, pending.result = timezone.now(), dict(done)
                    pending.save(update_fields=["status", "rows", "applied_at", "result"])
                    self.message_user(request, applied_message(done), messages.SUCCESS)
                    return HttpResponseRedirect(changelist)
        if failure:
            self.message_user(request, failure, messages.ERROR)
        context = {
            **self.list_context(request, _("Review the official list")),
            "pending": pending,
            "review": result,
            "rows": {outcome: result.of(outcome) for outcome in Outcome.LABELS},
            "new_choice": NEW,
        }
        return TemplateResponse(
            request, "admin/enterprises/recognition/import_list_review.html", context
        )

    @staticmethod
    def choices(request, result):
        """{row number: candidate pk or NEW} of the rows to confirm an editor decided."""
        chosen = {}
        for row in result.of(Outcome.AMBIGUOUS):
            value = request.POST.get(f"row-{row.number}", "")
            if value == NEW:
                chosen[row.number] = NEW
            elif value.isdigit():
                chosen[row.number] = int(value)
        return chosen


def applied_message(done):
    return _(
        "The list was applied: %(add)d recognitions added, %(advance)d advanced, "
        "%(unchanged)d unchanged, %(enterprises)d draft enterprises created, %(skipped)d rows "
        "to confirm left out."
    ) % {key: done[key] for key in ("add", "advance", "unchanged", "enterprises", "skipped")}
