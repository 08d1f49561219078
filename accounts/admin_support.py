"""Back-office pages for what tickets carry (attachments, imported transcripts), survey answers with the results
service improvement may use, and the objections the DPO upheld. All read-only: services write these rows."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.models import ChatTranscript, ProcessingObjection, Survey, SurveyAnswer, TicketAttachment
from accounts.services_surveys import survey_results
from accounts.staff import HideArchivedMixin
from config.admin_mixins import ReadOnlyAdmin, ReadOnlyInline


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(HideArchivedMixin, ReadOnlyAdmin):
    archived_customer = "message__ticket__customer"
    list_display = ("original_name", "message", "content_type", "size", "uploaded_at")
    search_fields = ("original_name", "message__ticket__subject", "message__ticket__customer__email")
    list_select_related = ("message",)
    exclude = ("file",)


@admin.register(ChatTranscript)
class ChatTranscriptAdmin(HideArchivedMixin, ReadOnlyAdmin):
    archived_customer = "ticket__customer"
    list_display = ("ticket", "source", "channel", "message_count", "first_at", "imported_at")
    list_filter = ("source",)
    search_fields = ("ticket__subject", "ticket__customer__email", "channel")
    list_select_related = ("ticket",)
    exclude = ("file", "imported_by")


class SurveyAnswerInline(ReadOnlyInline):
    model = SurveyAnswer
    fields = ("question", "answer", "answered_at")
    readonly_fields = fields


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "active", "created_at")
    readonly_fields = ("results",)
    inlines = [SurveyAnswerInline]

    @admin.display(description=_("Results for service improvement"))
    def results(self, obj):
        # Without the customers whose objection to service improvement was upheld (R26).
        rows = [
            (question, answer, count)
            for question, counter in survey_results(survey=obj).items()
            for answer, count in counter.most_common()
        ]
        return format_html_join("\n", "<div>{} — {}: {}</div>", rows) if rows else "—"


@admin.register(ProcessingObjection)
class ProcessingObjectionAdmin(HideArchivedMixin, ReadOnlyAdmin):
    list_display = ("customer", "purpose", "upheld_at", "request_reference")
    list_filter = ("purpose",)
    search_fields = ("customer__email", "request_reference")
    list_select_related = ("customer",)
