"""The weekly EST meeting (who met, the analysis, the decided measures and their
follow-up at the next meeting) and the tertial analysis attached to the lägesbild."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.models import SituationalPicture
from councils import access, dates, editing
from councils.access import Capability
from councils.models import Organisation
from councils.views import by_code, by_pk, record_view
from est import selectors, services
from est.forms import AttachForm, MeasureFollowUpForm, MeasureForm, MeetingForm, TertialForm
from est.models import EstMeeting, Measure, Place, TertialAnalysis
from est.views import delete_page, deleting, form_page

INTERNAL, EDIT = Capability.INTERNAL, Capability.EDIT
MEETINGS = EstMeeting.objects.select_related("municipality")
MEASURES = Measure.objects.select_related("meeting__municipality", "place", "responsible")
TERTIALS = TertialAnalysis.objects.select_related("municipality", "picture")


def _organisations(municipality) -> Any:
    """The organisations that can sit at the municipality's EST table: those whose roles
    reach it (the municipality, its police, partners working there)."""
    return Organisation.objects.filter(
        pk__in=[
            org.pk
            for org in Organisation.objects.all()
            if access.organisation_scope(org).filter(pk=municipality.pk).exists()
        ]
    ).order_by("name") | Organisation.objects.filter(
        kind=Organisation.Kind.PARTNER, municipality=municipality
    )


def _meeting_url(meeting: EstMeeting) -> str:
    return reverse("est-meeting-detail", args=[meeting.pk])


@record_view(by_code(INTERNAL), "GET")
def meeting_list(request: HttpRequest, municipality: Any) -> HttpResponse:
    return render(
        request,
        "est/meeting_list.html",
        {
            "municipality": municipality,
            "meetings": EstMeeting.objects.filter(municipality=municipality),
            "can_edit": access.can(request.user, EDIT, municipality),
            "tertials": TertialAnalysis.objects.filter(municipality=municipality),
        },
    )


def _meeting_page(request: HttpRequest, meeting: EstMeeting, title: str) -> HttpResponse:
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        instance=meeting,
        organisations=_organisations(meeting.municipality),
        initial={"held_on": dates.today()} if meeting.pk is None else None,
    )

    def save() -> EstMeeting:
        values = form.values()
        organisations = values.pop("organisations")
        for name, value in values.items():
            setattr(meeting, name, value)
        version = form.expected_version if meeting.pk else None
        return services.meeting_save(
            user=request.user,
            meeting=meeting,
            organisations=organisations,
            expected_version=version,
        )

    return form_page(
        request,
        form,
        save=save,
        done=_meeting_url,
        instance=meeting,
        title=title,
        lead=meeting.municipality.name,
        back_url=reverse("est-meeting-list", args=[meeting.municipality.code]),
    )


@record_view(by_code(EDIT), "GET", "POST")
def meeting_create(request: HttpRequest, municipality: Any) -> HttpResponse:
    return _meeting_page(request, EstMeeting(municipality=municipality), _("New EST meeting"))


@record_view(by_pk(MEETINGS, EDIT), "GET", "POST")
def meeting_edit(request: HttpRequest, meeting: EstMeeting) -> HttpResponse:
    return _meeting_page(request, meeting, _("Change the EST meeting"))


@record_view(by_pk(MEETINGS, EDIT), "GET", "POST")
def meeting_delete(request: HttpRequest, meeting: EstMeeting) -> HttpResponse:
    """A meeting is deleted with its decided measures; one whose measures are
    activities in the citizen pledge is kept."""
    measures = meeting.measures.all()
    more = {}
    if services.decided_activities(measures):
        more = {"blocked": services.MEETING_KEPT}
    elif count := measures.count():
        more = {
            "consequence": ngettext(
                "Its %(count)d decided measure is deleted with it.",
                "Its %(count)d decided measures are deleted with it.",
                count,
            )
            % {"count": count}
        }
    return delete_page(
        request,
        meeting,
        delete=deleting(request, services.meeting_delete, meeting=meeting),
        back=_meeting_url(meeting),
        done=reverse("est-meeting-list", args=[meeting.municipality.code]),
        title=_("Delete the EST meeting"),
        **more,
    )


@record_view(by_pk(MEASURES, EDIT), "GET", "POST")
def measure_delete(request: HttpRequest, measure: Measure) -> HttpResponse:
    """A task is deleted; a measure that is an activity in the citizen pledge is kept."""
    more = {}
    if services.decided_activities(Measure.objects.filter(pk=measure.pk)):
        more = {"blocked": services.MEASURE_KEPT}
    return delete_page(
        request,
        measure,
        delete=deleting(request, services.measure_delete, measure=measure),
        back=_meeting_url(measure.meeting),
        title=_("Delete the decided measure"),
        **more,
    )


def _measure_form(request: HttpRequest, meeting: EstMeeting, place: str | None) -> MeasureForm:
    return MeasureForm(
        request.POST if request.method == "POST" else None,
        instance=Measure(meeting=meeting),
        places=Place.objects.filter(municipality=meeting.municipality),
        organisations=_organisations(meeting.municipality),
        initial={"place": place} if place else None,
    )


@record_view(by_pk(MEETINGS, INTERNAL), "GET")
def meeting_detail(request: HttpRequest, meeting: EstMeeting) -> HttpResponse:
    """The meeting, the picture of the week before it and, to follow up, the measures
    of the meetings before it that are not done."""
    municipality = meeting.municipality
    can_edit = access.can(request.user, EDIT, municipality)
    filters = selectors.Filters(week=services.week_of(meeting.held_on) - dt.timedelta(weeks=1))
    data = selectors.picture(municipality, filters)
    earlier = Measure.objects.filter(
        meeting__municipality=municipality, meeting__held_on__lt=meeting.held_on, done=False
    ).select_related("meeting", "place", "responsible", "activity")
    return render(
        request,
        "est/meeting_detail.html",
        {
            "municipality": municipality,
            "meeting": meeting,
            "organisations": meeting.organisations.all(),
            "measures": meeting.measures.select_related("place", "responsible", "activity"),
            "to_follow_up": earlier,
            "rows": data.place_rows()[:10],
            "weeks": [selectors.week_label(w) for w in data.weeks],
            "week_label": selectors.week_label(filters.week),
            "can_edit": can_edit,
            "measure_form": _measure_form(request, meeting, request.GET.get("place"))
            if can_edit
            else None,
            "pledge": services.current_pledge(municipality) if can_edit else None,
        },
    )


@record_view(by_pk(MEETINGS, EDIT), "GET", "POST")
def measure_create(request: HttpRequest, meeting: EstMeeting) -> HttpResponse:
    form = _measure_form(request, meeting, request.GET.get("place"))

    def save() -> Measure:
        values = form.values()
        description = values.pop("description", "")
        measure = Measure(meeting=meeting, **values)
        return services.measure_add(user=request.user, measure=measure, description=description)

    return form_page(
        request,
        form,
        save=save,
        done=lambda saved: _meeting_url(meeting),
        title=_("A decided measure"),
        lead=str(meeting),
        back_url=_meeting_url(meeting),
    )


@record_view(by_pk(MEASURES, EDIT), "GET", "POST")
def measure_follow_up(request: HttpRequest, measure: Measure) -> HttpResponse:
    form = MeasureFollowUpForm(request.POST if request.method == "POST" else None, instance=measure)

    def save() -> Measure:
        values = form.values()
        return services.measure_follow_up(
            user=request.user,
            measure=measure,
            done=values["done"],
            outcome=values["outcome"],
            expected_version=form.expected_version,
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda saved: _meeting_url(measure.meeting),
        instance=measure,
        title=_("Follow up the measure"),
        lead=measure.title,
        back_url=_meeting_url(measure.meeting),
    )


# --- the tertial analysis -----------------------------------------------------------------


def _tertial_url(analysis: TertialAnalysis) -> str:
    return reverse("est-tertial-detail", args=[analysis.pk])


@record_view(by_code(EDIT), "GET", "POST")
def tertial_create(request: HttpRequest, municipality: Any) -> HttpResponse:
    today = dates.today()
    analysis = TertialAnalysis(municipality=municipality)
    form = TertialForm(
        request.POST if request.method == "POST" else None,
        instance=analysis,
        initial={"year": today.year, "tertial": (today.month - 1) // 4 + 1},
    )
    return form_page(
        request,
        form,
        save=lambda: services.tertial_save(user=request.user, analysis=form.save(commit=False)),
        done=_tertial_url,
        title=_("New tertial analysis"),
        lead=municipality.name,
        back_url=reverse("est-meeting-list", args=[municipality.code]),
    )


@record_view(by_pk(TERTIALS, EDIT), "GET", "POST")
def tertial_edit(request: HttpRequest, analysis: TertialAnalysis) -> HttpResponse:
    form = TertialForm(request.POST if request.method == "POST" else None, instance=analysis)
    return form_page(
        request,
        form,
        save=lambda: services.tertial_save(
            user=request.user,
            analysis=form.save(commit=False),
            expected_version=form.expected_version,
        ),
        done=_tertial_url,
        instance=analysis,
        title=_("Change the tertial analysis"),
        lead=analysis.municipality.name,
        back_url=_tertial_url(analysis),
    )


def _pictures(municipality):
    return SituationalPicture.objects.filter(municipality=municipality)


@record_view(by_pk(TERTIALS, INTERNAL), "GET", "POST")
def tertial_detail(request: HttpRequest, analysis: TertialAnalysis) -> HttpResponse:
    """The tertial's numbers now; POST (coordinators) attaches them to a lägesbild's
    mapping, frozen as they are."""
    can_edit = access.can(request.user, EDIT, analysis.municipality)
    form = None
    status = 200
    if can_edit:
        pictures = _pictures(analysis.municipality)
        current = pictures.filter(is_current=True).first()
        form = AttachForm(
            request.POST if request.method == "POST" else None,
            pictures=pictures,
            initial={"version": analysis.version, "picture": current},
        )
        if request.method == "POST":
            outcome = editing.submit(
                form,
                lambda: services.tertial_attach(
                    user=request.user,
                    analysis=analysis,
                    picture=form.cleaned_data["picture"],
                    numbers=selectors.tertial_numbers(analysis),
                    expected_version=form.cleaned_data.get("version"),
                ),
            )
            if outcome.ok:
                messages.success(request, _("The analysis is attached to the lägesbild."))
                return redirect(_tertial_url(analysis))
            status = outcome.status
    elif request.method == "POST":
        return HttpResponse(status=405)
    start, end = selectors.tertial_period(analysis.year, analysis.tertial)
    return render(
        request,
        "est/tertial_detail.html",
        {
            "municipality": analysis.municipality,
            "analysis": analysis,
            "numbers": selectors.tertial_numbers(analysis),
            "start": start,
            "end": end,
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )
