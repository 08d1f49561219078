"""The client area's support pages: open a ticket, read and answer one, download its files (R56).

Every ticket, attachment and transcript is reached through accounts.ownership: another customer's id is a 404.
Files are sent as downloads with the type checked at upload, never shown inline.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms_tickets import ReplyForm, TicketForm
from accounts.models import ChatTranscript, SupportTicket, TicketAttachment
from accounts.ownership import get_owned_or_404, owned
from accounts.services_support import TicketClosed, ticket_open, ticket_reply


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    form = TicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Nothing was sent: please correct the fields marked below."))
            return render(request, "accounts/ticket_new.html", {"form": form}, status=400)
        ticket = ticket_open(
            customer=request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            upload=form.cleaned_data["attachment"],
        )
        messages.success(request, _("Your ticket is open. We will answer on this page."))
        return redirect("accounts:ticket_detail", pk=ticket.pk)
    return render(request, "accounts/ticket_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, pk):
    ticket = get_owned_or_404(request, SupportTicket, pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket_reply(
                    ticket=ticket,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    upload=form.cleaned_data["attachment"],
                )
            except TicketClosed:
                messages.error(request, _("This ticket is closed and takes no more replies: please open a new one."))
                return redirect("accounts:ticket_detail", pk=ticket.pk)
            messages.success(request, _("Your reply was sent."))
            return redirect("accounts:ticket_detail", pk=ticket.pk)
        messages.error(request, _("Nothing was sent: please correct the fields marked below."))
        status = 400
    # Staff are shown by role only (R67): the template never reads message.author.
    attachments = TicketAttachment.objects.only("original_name", "size", "message_id")
    msgs = ticket.messages.only("author_role", "body", "created_at").prefetch_related(
        Prefetch("attachments", queryset=attachments)
    )
    transcripts = ticket.transcripts.only("source", "channel", "message_count", "first_at", "last_at", "ticket_id")
    context = {"ticket": ticket, "ticket_messages": msgs, "transcripts": transcripts, "form": form}
    return render(request, "accounts/ticket_detail.html", context, status=status)


def _download(row):
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = getattr(row, "content_type", "") or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_download(request, pk, attachment_pk):
    ticket = get_owned_or_404(request, SupportTicket, pk)
    queryset = owned(request, TicketAttachment).filter(message__ticket=ticket)
    return _download(get_owned_or_404(request, TicketAttachment, attachment_pk, queryset=queryset))


@login_required
def transcript_download(request, pk, transcript_pk):
    ticket = get_owned_or_404(request, SupportTicket, pk)
    queryset = owned(request, ChatTranscript).filter(ticket=ticket)
    return _download(get_owned_or_404(request, ChatTranscript, transcript_pk, queryset=queryset))
