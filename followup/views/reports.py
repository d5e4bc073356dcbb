"""PDF reports: request one (agreement, pledge public/internal, county summary), watch
it render, download it.

Every view checks access against the report's object, not against who asked for it:
whoever may read the object may see its reports, everyone else gets 404. Files are
served only here, as attachments.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from agreements.models import Agreement
from councils import access, dates, exports
from councils.access import Capability
from councils.http import only
from followup import report_jobs, reports
from followup.forms import CountySummaryForm
from followup.models import Report
from pledges.models import Pledge

SIGNED = (Agreement.Status.SIGNED, Agreement.Status.REPLACED)
PLEDGE_KINDS = {
    "public": Report.Kind.PLEDGE_PUBLIC,
    "internal": Report.Kind.PLEDGE_INTERNAL,
}


# --- access: the object behind a report, or 404 --------------------------------------


def _check_access(kind: str, object_id: int, user) -> None:
    """Nothing when ``user`` may read reports of (kind, object); 404 otherwise."""
    if other := report_jobs.OTHER_KINDS.get(kind):
        other.check_access(user, object_id)
        return
    if kind == Report.Kind.COUNTY_SUMMARY:
        access.get_county_or_404(user, pk=object_id)
        return
    if kind == Report.Kind.AGREEMENT:
        objects, capability = Agreement.objects.filter(status__in=SIGNED), Capability.READ
    else:
        objects = Pledge.objects.public()
        capability = Capability.INTERNAL if kind == Report.Kind.PLEDGE_INTERNAL else Capability.READ
    # the check needs no more of the row than its key
    access.get_object_or_404(user, objects.only("pk"), capability, pk=object_id)


def _report(user, pk: int) -> Report:
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        raise Http404
    _check_access(report.kind, report.object_id, user)
    return report


# --- views ---------------------------------------------------------------------------


@login_required
def agreement_report(request: HttpRequest, pk: int) -> HttpResponse:
    _check_access(Report.Kind.AGREEMENT, pk, request.user)
    if not_allowed := only(request, "POST"):
        return not_allowed
    report = report_jobs.request_report(request.user, Report.Kind.AGREEMENT, pk)
    return redirect("report-detail", pk=report.pk)


@login_required
def pledge_report(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in PLEDGE_KINDS:
        raise Http404
    _check_access(PLEDGE_KINDS[kind], pk, request.user)
    if not_allowed := only(request, "POST"):
        return not_allowed
    report = report_jobs.request_report(request.user, PLEDGE_KINDS[kind], pk, {"version": kind})
    return redirect("report-detail", pk=report.pk)


@login_required
def county_report(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for the county summary PDF of a year (GET: the form; POST: queue it)."""
    county = access.get_county_or_404(request.user, code=code)
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    today = dates.today()
    form = CountySummaryForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        report = report_jobs.request_report(
            request.user,
            Report.Kind.COUNTY_SUMMARY,
            county.pk,
            {"year": form.cleaned_data["year"]},
        )
        return redirect("report-detail", pk=report.pk)
    return render(
        request,
        "followup/county_report.html",
        {"county": county, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's state; an htmx request gets only the status part (polled). A
    render without a sign of life for too long (its worker died) is queued again or
    marked failed here too, not only by the periodic sweep."""
    report = _report(request.user, pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    if report.active:
        recovered = report_jobs.recover_stale([report.pk])
        if recovered.requeued or recovered.failed:
            report.refresh_from_db()
    template = "followup/report_status.html" if request.htmx else "followup/report.html"
    return render(
        request, template, {"report": report, "other": report_jobs.OTHER_KINDS.get(report.kind)}
    )


@login_required
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """A failed report is rendered again, as a new report (the failed one stays)."""
    report = _report(request.user, pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    if report.status != Report.Status.FAILED:
        return redirect("report-detail", pk=report.pk)
    again = report_jobs.request_report(
        request.user, report.kind, report.object_id, report.parameters
    )
    return redirect("report-detail", pk=again.pk)


@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request.user, pk)
    if not_allowed := only(request, "GET"):
        return not_allowed
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    if other := report_jobs.OTHER_KINDS.get(report.kind):
        return exports.file_download(handle, fmt=other.fmt, filename=other.filename(report))
    return exports.file_download(handle, fmt="pdf", filename=reports.filename(report))
