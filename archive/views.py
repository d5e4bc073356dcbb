"""Ask for an archive package: POST queues it (or finds the one being made) and goes to
the report page, which shows its progress and then the download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from archive import jobs
from councils.http import only
from followup import report_jobs


@login_required
def agreement_archive(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = jobs.check_agreement(request.user, pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    report = report_jobs.request_report(request.user, jobs.AGREEMENT, agreement.pk)
    return redirect("report-detail", pk=report.pk)


@login_required
def pledge_archive(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = jobs.check_pledge(request.user, pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    report = report_jobs.request_report(request.user, jobs.PLEDGE, pledge.pk)
    return redirect("report-detail", pk=report.pk)


def _shared_pdf(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    shared = jobs.check_shared(kind)(request.user, pk)
    if not_allowed := only(request, "POST"):
        return not_allowed
    report = report_jobs.request_report(request.user, kind, shared.pk)
    return redirect("report-detail", pk=report.pk)


@login_required
def shared_agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _shared_pdf(request, jobs.SHARED_AGREEMENT, pk)


@login_required
def shared_pledge_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _shared_pdf(request, jobs.SHARED_PLEDGE, pk)
