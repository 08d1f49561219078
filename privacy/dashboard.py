"""The DPO's dashboard on the admin index: queue counts, median time to answer, and requests per month by kind.

Plain functions of the database and a moment; each runs a fixed number of queries whatever the queue's size.
The chart is an SVG string built here, with presentation attributes only: the CSP forbids inline styles.
"""

import math
import statistics
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from privacy.deadlines import add_months, local_date
from privacy.models import DataSubjectRequest
from privacy.models.requests import Kind, Status

MONTHS = 12
ANSWERED = (Status.COMPLETED, Status.REJECTED)
# One colour per kind, in Kind's order, so a kind keeps its colour from one month (and one visit) to the next.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#79706e",
)
COLOURS = dict(zip(Kind.values, PALETTE, strict=True))


def _window_start(now):
    """Midnight, site time, on the first day of the month eleven months before this one."""
    tz = settings.SITE_TIME_ZONE
    first = add_months(local_date(now, tz).replace(day=1), -(MONTHS - 1))
    return datetime.combine(first, time.min, tzinfo=ZoneInfo(tz))


def queue_counts(now=None):
    """Open, overdue and due-soon requests, by the same rules as the queue's filters, in one query."""
    return DataSubjectRequest.objects.counts(now or timezone.now())


class _MedianSeconds(Aggregate):
    """PostgreSQL's interpolated median of an interval, in seconds (what statistics.median gives)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()


def median_days_to_answer(now=None):
    """Median of closed_at - received_at, in days, over requests completed or rejected in the last 12 months."""
    now = now or timezone.now()
    since = datetime.combine(
        add_months(local_date(now, settings.SITE_TIME_ZONE), -MONTHS), time.min, ZoneInfo(settings.SITE_TIME_ZONE)
    )
    spans = DataSubjectRequest.objects.filter(status__in=ANSWERED, closed_at__gte=since, closed_at__lte=now)
    if connection.vendor == "postgresql":
        # In the database: fetching a year of answered requests to Python grew with the queue (bench/web.py).
        seconds = spans.aggregate(median=_MedianSeconds(F("closed_at") - F("received_at")))["median"]
        return None if seconds is None else seconds / 86400
    # SQLite has no percentile function: one query, the median in Python.
    days = [
        (closed - received).total_seconds() / 86400
        for received, closed in spans.values_list("received_at", "closed_at")
    ]
    return statistics.median(days) if days else None


def requests_per_month(now=None):
    """[(first day of month, {kind: count})] for the last 12 months, oldest first, months in site time (1 query)."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.SITE_TIME_ZONE)
    start = _window_start(now)
    months = [add_months(start.date(), i) for i in range(MONTHS)]
    counts = {month: {} for month in months}
    rows = (
        DataSubjectRequest.objects.filter(received_at__gte=start, received_at__lte=now)
        .annotate(month=TruncMonth("received_at", tzinfo=tz))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):
            month = month.astimezone(tz).date()
        if month in counts:
            counts[month][row["kind"]] = counts[month].get(row["kind"], 0) + row["n"]
    return [(month, counts[month]) for month in months]


def _num(value):
    """A coordinate as SVG wants it: at most one decimal, no trailing zero."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_step(top):
    """A step of 1, 2 or 5 times a power of ten giving at most five gridlines up to `top`."""
    magnitude = 10 ** max(0, math.floor(math.log10(max(top, 1))) - 1)
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if top / step <= 5:
                return step
        magnitude *= 10


def chart_svg(per_month, *, labels=None):
    """A stacked bar chart of `per_month` (as requests_per_month returns it), with axes and a legend.

    Every text goes through format_html, so a label holding markup comes out escaped.
    """
    labels = labels or dict(Kind.choices)
    kinds = [k for k in labels if any(counts.get(k) for _, counts in per_month)]
    width, left, right, top, plot_h = 600, 40, 8, 14, 180
    axis_y = top + plot_h
    legend_top = axis_y + 64
    columns, row_h = 2, 20
    height = legend_top + row_h * max(1, math.ceil(len(kinds) / columns)) + 6
    slot = (width - left - right) / max(1, len(per_month))
    bar = slot * 0.62

    highest = max((sum(c.values()) for _, c in per_month), default=0)
    step = _nice_step(highest)
    y_max = max(step, step * math.ceil(highest / step))

    def y(value):
        return axis_y - plot_h * value / y_max

    title = _("Requests received per month, by kind")
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
            'aria-labelledby="queue-chart-title" font-family="sans-serif" font-size="12" class="queue-chart-svg">'
            '<title id="queue-chart-title">{t}</title>',
            w=_num(width),
            h=_num(height),
            t=title,
        )
    ]
    # Gridlines and the count axis.
    for value in range(0, y_max + 1, step):
        parts.append(
            format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="currentColor" stroke-opacity="{o}"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" fill="currentColor">{v}</text>',
                x1=_num(left),
                x2=_num(width - right),
                y=_num(y(value)),
                o="0.6" if value == 0 else "0.15",
                tx=_num(left - 6),
                ty=_num(y(value) + 4),
                v=value,
            )
        )
    parts.append(
        format_html(
            '<text transform="translate(12 {cy}) rotate(-90)" text-anchor="middle" fill="currentColor">{t}</text>',
            cy=_num(top + plot_h / 2),
            t=_("Requests"),
        )
    )
    for i, (month, counts) in enumerate(per_month):
        x = left + slot * i + (slot - bar) / 2
        month_name = formats.date_format(month, "M Y")
        total = sum(counts.values())
        parts.append(format_html('<g class="month" data-month="{}">', month.isoformat()))
        running = 0
        for kind in kinds:
            n = counts.get(kind, 0)
            if not n:
                continue
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}">'
                    "<title>{month} – {label}: {n}</title></rect>",
                    x=_num(x),
                    y=_num(y(running + n)),
                    w=_num(bar),
                    h=_num(plot_h * n / y_max),
                    fill=COLOURS.get(kind, PALETTE[-1]),
                    month=month_name,
                    label=labels[kind],
                    n=n,
                )
            )
            running += n
        if total:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle" fill="currentColor">{n}</text>',
                    x=_num(x + bar / 2),
                    y=_num(y(total) - 4),
                    n=total,
                )
            )
        parts.append(
            format_html(
                '<text x="{x}" y="{y1}" text-anchor="middle" fill="currentColor">{m}</text>'
                '<text x="{x}" y="{y2}" text-anchor="middle" fill="currentColor" fill-opacity="0.7">{yr}</text>'
                "</g>",
                x=_num(x + bar / 2),
                y1=_num(axis_y + 15),
                y2=_num(axis_y + 28),
                m=formats.date_format(month, "M"),
                yr=month.year if (i == 0 or month.month == 1) else "",
            )
        )
    parts.append(
        format_html(
            '<text x="{x}" y="{y}" text-anchor="middle" fill="currentColor">{t}</text>',
            x=_num(left + (width - left - right) / 2),
            y=_num(axis_y + 46),
            t=_("Month received (site time)"),
        )
    )
    if not kinds:
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="middle" fill="currentColor">{t}</text>',
                x=_num(left + (width - left - right) / 2),
                y=_num(top + plot_h / 2),
                t=_("No requests in the last 12 months."),
            )
        )
    column_w = (width - left) / columns
    parts.append(
        format_html_join(
            "",
            '<g class="legend-item"><rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
            '<text x="{}" y="{}" fill="currentColor">{}</text></g>',
            (
                (
                    _num(left + column_w * (i % columns)),
                    _num(legend_top + row_h * (i // columns)),
                    COLOURS.get(kind, PALETTE[-1]),
                    _num(left + column_w * (i % columns) + 18),
                    _num(legend_top + row_h * (i // columns) + 10),
                    labels[kind],
                )
                for i, kind in enumerate(kinds)
            ),
        )
    )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a constant closing tag
    return mark_safe("".join(parts))  # noqa: S308 - every part above went through format_html


HISTORY_CACHE_KEY = "privacy:dashboard-history:{language}"


def _history(now):
    """The last 12 months (the chart and the median), computed (2 queries)."""
    per_month = requests_per_month(now)
    return {
        "median": median_days_to_answer(now),
        "received": sum(sum(c.values()) for _, c in per_month),
        "chart": chart_svg(per_month),
        "as_of": now,
    }


def _history_cached(now):
    """The last 12 months as of at most DASHBOARD_HISTORY_SECONDS ago, in the shared cache: they change slowly, and
    they are the dashboard's costly part (two passes over a year of requests). The page says as of when."""
    key = HISTORY_CACHE_KEY.format(language=translation.get_language())
    history = cache.get(key)
    if history is not None:
        return {**history, "cached": True}
    history = _history(now)
    cache.set(key, history, settings.DASHBOARD_HISTORY_SECONDS)
    return history


def summary(now=None):
    """Everything the admin index shows the DPO: the queue's counts, live (3 queries), and the last 12 months.

    Given a moment, it computes everything for that moment; without one, the 12 months may come from the cache."""
    history = _history(now) if now else _history_cached(timezone.now())
    now = now or timezone.now()
    median = history["median"]
    return {
        "counts": queue_counts(now),
        "median_days": median,
        "median_display": "—" if median is None else formats.number_format(round(median, 1), 1),
        "received_12_months": history["received"],
        "due_soon_days": settings.DSR_DUE_SOON_DAYS,
        "chart": history["chart"],
        "as_of": now,
        "history_as_of": history["as_of"],
        "history_cached": history.get("cached", False),
    }
