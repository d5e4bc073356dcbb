"""The accessibility statement, public (no login), with the feedback form: a report is
kept and e-mailed to the operator; a client sending too many within the hour is asked
to wait (429), with what they wrote kept in the form."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accessibility import feedback
from accessibility.forms import FeedbackForm
from accessibility.models import Statement
from councils.http import only

#: DIGG's form for complaints about the accessibility of public-sector services
DIGG_COMPLAINT_URL = "https://www.digg.se/tdosanmalan"


def _client(request: HttpRequest) -> str:
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def statement(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "GET", "POST"):
        return not_allowed
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        client = _client(request)
        if feedback.throttled(client):
            form.is_valid()  # the errors of the text, if any, beside the wait
            form.add_error(
                None,
                _(
                    "You have sent several reports in a short time. Please wait an hour "
                    "and send it again; what you wrote is still here."
                ),
            )
            status = 429
        elif form.is_valid():
            feedback.feedback_receive(**form.cleaned_data)
            feedback.count(client)
            messages.success(
                request,
                _("Thank you. Your report is received and passed on to those who run the service."),
            )
            return redirect(reverse("accessibility-statement") + "#feedback-heading")
        else:
            status = 400
    return render(
        request,
        "accessibility/statement.html",
        {
            "statement": Statement.current(),
            "form": form,
            "digg_url": DIGG_COMPLAINT_URL,
        },
        status=status,
    )
