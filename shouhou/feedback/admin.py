"""Admin of the feedback app: the configuration rows (questionnaires, policies, follow-up rules,
loss reasons) are edited here; the records written by services are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import ShouhouError
from shouhou.feedback import models, services


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0
    fields = [
        "position",
        "code",
        "text",
        "short_label",
        "kind",
        "choices",
        "is_required",
        "is_technician_rating",
        "is_overall_satisfaction",
        "flag_values",
        "flags_when_answered",
    ]

    def _frozen(self, obj: Any) -> bool:
        return obj is not None and services.questionnaire_in_use(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(models.Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "version_number", "is_published", "published_at"]
    list_filter = ["code", "is_published"]
    readonly_fields = ["is_published", "published_at"]
    inlines = [QuestionInline]
    actions = ["draft_new_version", "publish"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A version sent out is frozen; draft a new version instead.
        if obj is not None and services.questionnaire_in_use(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is not None
            and not services.questionnaire_in_use(obj)
            and super().has_delete_permission(request, obj)
        )

    @admin.action(description=_("Draft a new version (copy)"), permissions=["add"])
    def draft_new_version(
        self, request: HttpRequest, queryset: QuerySet[models.Questionnaire]
    ) -> None:
        for questionnaire in queryset:
            copy = services.copy_questionnaire(questionnaire=questionnaire, by=request.user)  # type: ignore[arg-type]
            self.message_user(request, _("Drafted %(version)s.") % {"version": copy})

    @admin.action(description=_("Publish (new invitations use it)"), permissions=["add"])
    def publish(self, request: HttpRequest, queryset: QuerySet[models.Questionnaire]) -> None:
        for questionnaire in queryset:
            try:
                services.publish_questionnaire(questionnaire=questionnaire, by=request.user)  # type: ignore[arg-type]
            except ShouhouError as error:
                self.message_user(request, str(error.message), level=messages.ERROR)


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "code", "kind", "questionnaire", "position"]
    list_filter = ["kind", "questionnaire"]
    list_select_related = ["questionnaire"]

    def _frozen(self, obj: Any) -> bool:
        return obj is not None and services.questionnaire_in_use(obj.questionnaire)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(models.FeedbackPolicy)
class FeedbackPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "questionnaire_code",
        "send_sms",
        "send_email",
        "expires_after",
        "remind_after",
        "reminder_limit",
        "report_due_day",
    ]
    autocomplete_fields = ["organisation"]


@admin.register(models.FollowUpRule)
class FollowUpRuleAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "organisation",
        "is_active",
        "starts_after",
        "due_within",
        "target_percent",
        "sample_percent",
        "attempt_limit",
        "retry_after",
    ]
    list_filter = ["kind", "is_active"]
    autocomplete_fields = ["organisation"]


@admin.register(models.LossReason)
class LossReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position", "is_active"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services: looked at here, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.SurveyInvitation)
class SurveyInvitationAdmin(_ReadOnlyAdmin):
    list_display = ["work_order", "customer", "status", "invited_at", "expires_at", "answered_at"]
    list_filter = ["status"]
    list_select_related = ["work_order", "customer"]
    search_fields = ["work_order__number", "phone"]
    exclude = ["token_nonce"]


class SurveyAnswerItemInline(admin.TabularInline):
    model = models.SurveyAnswerItem
    extra = 0
    can_delete = False
    fields = ("question", "value", "label", "text")
    readonly_fields = ("question", "value", "label", "text")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.SurveyAnswer)
class SurveyAnswerAdmin(_ReadOnlyAdmin):
    list_display = [
        "work_order",
        "customer",
        "channel",
        "submitted_at",
        "is_flagged",
        "flag_handled_at",
    ]
    list_filter = ["channel", "is_flagged"]
    list_select_related = ["work_order", "customer"]
    search_fields = ["work_order__number"]
    inlines = [SurveyAnswerItemInline]


@admin.register(models.SurveyAnswerItem)
class SurveyAnswerItemAdmin(_ReadOnlyAdmin):
    list_display = ["answer", "question", "value", "label"]
    list_select_related = ["answer__work_order", "question"]


class FollowUpAttemptInline(admin.TabularInline):
    model = models.FollowUpAttempt
    extra = 0
    can_delete = False
    fields = (
        "number",
        "called_at",
        "called_by",
        "result",
        "evaluation",
        "complaint",
        "is_customer_lost",
        "loss_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.FollowUp)
class FollowUpAdmin(_ReadOnlyAdmin):
    list_display = ["kind", "customer", "status", "due_at", "attempt_count", "assigned_to"]
    list_filter = ["kind", "status", "selection"]
    list_select_related = ["customer", "assigned_to"]
    search_fields = ["customer__name", "phone"]
    inlines = [FollowUpAttemptInline]


@admin.register(models.FollowUpAttempt)
class FollowUpAttemptAdmin(_ReadOnlyAdmin):
    list_display = ["follow_up", "number", "called_at", "called_by", "result", "evaluation"]
    list_filter = ["result", "evaluation", "is_customer_lost"]
    list_select_related = ["follow_up__customer", "called_by"]


@admin.register(models.SamplingDecision)
class SamplingDecisionAdmin(_ReadOnlyAdmin):
    list_display = [
        "source_key",
        "kind",
        "period",
        "organisation",
        "is_target",
        "sequence",
        "draw",
        "is_selected",
    ]
    list_filter = ["kind", "period", "is_target", "is_selected"]
    list_select_related = ["organisation"]


@admin.register(models.FollowUpMonthlyReport)
class FollowUpMonthlyReportAdmin(_ReadOnlyAdmin):
    list_display = ["organisation", "month", "submitted_at", "submitted_by", "is_late"]
    list_filter = ["is_late"]
    list_select_related = ["organisation", "submitted_by"]
