"""report.pdf: the copy a person reads, made with WeasyPrint in the subject's language (R64, R20).

It is fed from bounded summaries: long sections print their newest rows and say where the complete
list is, so the PDF stays readable (and its build flat in memory) however long the history.
"""

import io
import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from exports.builder.rows import Display
from privacy.categories import AUTHORITY_DISCLOSURES
from privacy.models.requests import Kind
from privacy.policy_page import art15_context
from retention.rules import RULES

# Records with more columns than this are too wide for a portrait table: a few are printed as cards
# (label: value), many on landscape pages.
WIDE_COLUMNS = 7
CARDS_UP_TO = 5
# A category with more rows than this starts on a new page; short ones follow each other.
LONG_CATEGORY = 25

# WeasyPrint logs every layout step at INFO; a worker's log needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
PDF_VARIANT = "pdf/ua-1"


def css_string(text):
    """`text` as a quoted CSS string, for the page margins."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def includes_access_information(job):
    """The R20 information goes with an answer to access, and with the client area's own button."""
    return job.request_id is None or job.request.kind == Kind.ACCESS


def _entry(summary):
    display = Display(summary.entry, summary.fields)
    columns = [capfirst(summary.entry.column_label(f)) for f in summary.fields]
    rows = [display.row(row) for row in reversed(summary.newest)]
    wide = len(columns) > WIDE_COLUMNS
    as_cards = summary.entry.owner == "" or (wide and len(rows) <= CARDS_UP_TO)
    return {
        "label": capfirst(str(summary.entry.label)),
        "anchor": "rec-" + summary.entry.model._meta.label_lower.replace(".", "-"),
        "columns": columns,
        "rows": rows,
        "cards": [list(zip(columns, row, strict=True)) for row in rows] if as_cards else None,
        "wide": wide and not as_cards,
        "total": summary.total,
        "shown": len(rows),
        "truncated": summary.truncated,
        "first_at": display.moment(summary.first_at),
        "last_at": display.moment(summary.last_at),
    }


def _category(summary):
    category = summary.category
    rules = {e.entry.retention: RULES[e.entry.retention] for e in summary.entries if e.entry.retention in RULES}
    # Kinds of record with nothing held are named on one line, not printed as a section each: a page of
    # WeasyPrint layout costs about 0.2 s of CPU, and most of a short history's report was empty sections.
    entries = [_entry(e) for e in summary.entries if e.total]
    return {
        "slug": category.slug,
        "label": category.label,
        "purpose": category.purpose,
        "legal_basis": category.legal_basis,
        "recipients": category.recipients,
        "source": category.source,
        "rules": list(rules.values()),
        "total": summary.total,
        "long": summary.total > LONG_CATEGORY,
        "entries": entries,
        "several": len(summary.entries) > 1,
        "empty_labels": [capfirst(str(e.entry.label)) for e in summary.entries if not e.total],
        # A category with a landscape table is printed landscape as a whole, heading included.
        "wide": any(e["wide"] for e in entries),
    }


def _disclosures(categories):
    """R20, R30: the authorities that received the subject's data, named again among the recipients of the Art. 15
    part (the category's own rows already left out those still under secrecy)."""
    keys = ("when", "authority", "reference", "data")
    return [
        dict(zip(keys, row, strict=False))
        for category in categories
        if category["slug"] == AUTHORITY_DISCLOSURES.slug
        for entry in category["entries"]
        for row in entry["rows"]
    ]


def report_html(context):
    """The report's HTML, as WeasyPrint gets it; call inside translation.override(subject's language)."""
    job = context["job"]
    categories = [_category(c) for c in context["categories"]]
    # Categories holding nothing about the subject are listed together at the end; the Article 15 part
    # describes the processing of what is held.
    empty = [c for c in categories if not c["total"]]
    categories = [c for c in categories if c["total"]]
    title = _("Copy of your personal data")
    return render_to_string(
        "pdf/export_report.html",
        {
            **context,
            # Only the Article 15 part uses them (and they read the processors from the database).
            **(art15_context() if context["access_information"] else {}),
            "title": title,
            "categories": categories,
            "empty_categories": empty,
            "authority_disclosures": _disclosures(categories),
            "requested_by_staff": bool(job.requested_by_id and job.requested_by.is_staff),
            "margin_title": css_string(title),
            "margin_page": css_string(_("Page")),
            "margin_of": css_string(" / "),
        },
    )


def write(html, target):
    """The PDF of `html` into `target` (a path or a binary file)."""
    from weasyprint import HTML  # imported here: it takes a second, and only workers need it

    # PDF/UA-1: tagged (headings, tables, reading order), with its language and title, so a screen reader reads it.
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(target, pdf_variant=PDF_VARIANT)


def render(context, path):
    """Write the PDF to `path`; call inside translation.override(subject's language)."""
    write(report_html(context), path)


def warm_up(language=None):
    """Render a one-page report in memory, so that the first customer's export does not pay what a process pays once.

    An export worker calls it as each of its processes starts (exports/tasks.py, worker_process_init), and
    bench/export.py before it times a build. What it loads: WeasyPrint (a second to import), fontconfig's font
    list and the faces of our font, fontTools' subsetter (the first PDF's fonts), our template compiled, the
    catalogue of every language we speak, and Django's URL resolver (built by the first reverse() of a process: the
    Article 15 part links to the request form). It reads nothing from the database (a worker process may not
    have its own connection yet) and writes no file.
    """
    from django.urls import reverse
    from django.utils import timezone, translation

    from exports.builder.rows import Subject
    from exports.models import ExportJob

    language = language or settings.LANGUAGE_CODE
    job = ExportJob(language=language)  # never saved
    context = {
        "job": job,
        "subject": Subject(None, "warm-up@example.invalid", "Warm-up", language),
        "categories": [],
        "generated_at": timezone.now(),
        "limit": settings.EXPORT_PDF_ROWS,
        "access_information": False,
        "dpo_email": settings.DPO_EMAIL,
        "files": [],
    }
    with translation.override(language):
        reverse("privacy:public_request")
        write(report_html(context), io.BytesIO())
    for code in dict(settings.LANGUAGES):
        with translation.override(code):
            _("Copy of your personal data")
