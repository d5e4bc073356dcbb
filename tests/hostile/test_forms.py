"""Hostile input, part 1: every form of the project fuzzed with hypothesis, and the main
edit pages fed generated bodies through their real views.

The module finds every ``forms.Form``/``ModelForm`` subclass in the project's apps by
importing their modules and walking the subclasses; a form without an entry in
``FORMS`` below fails ``test_every_form_has_constructor_arguments``, so a new form
cannot be missed. Each field gets either a value its type expects or a hostile one
(NUL, Unicode, very long text, HTML and script, formulas, junk ids).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.extra.django import from_field, from_form

from accessibility.models import Statement
from agreements.models import SituationalPicture
from councils.models import Organisation
from est.models import Category, EstMeeting, Measure, Place, Report, TertialAnalysis
from followup.models import CountyAnalysis, MunicipalityComment
from pledges.models import Pledge
from tests import factories as f
from tests.apps import FEATURE_APPS
from tests.hostile.nasty import nasty_text

APPS = tuple(app for app in FEATURE_APPS if app != "search")

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,  # deterministic: no examples replayed from earlier runs
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


# --- finding every form --------------------------------------------------------------


def _import_app_modules() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> dict[str, type[forms.BaseForm]]:
    """Every concrete form class defined in the project's apps, by qualified name.

    A ModelForm without a model (a shared base such as VersionedModelForm) cannot be
    built and is left out; every other class must have an entry in FORMS.
    """
    _import_app_modules()
    found = {}
    for cls in set(_subclasses(forms.BaseForm)):
        if cls.__module__.split(".")[0] not in APPS:
            continue
        if issubclass(cls, forms.BaseModelForm) and cls._meta.model is None:
            continue
        found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


# --- the world the forms are built in ----------------------------------------------


@pytest.fixture
def world(owner, home, home_org, police_org, away):
    from agreements.models import ActionPlan, FocusArea, Goal, PriorityProblem, Source
    from councils.models import CoordinationFunction, CouncilMember, Decision, Meeting
    from followup.models import FollowUp
    from pledges.models import Activity, Dialogue

    picture = f.SituationalPictureFactory(municipality=home, is_current=True)
    problem = f.PriorityProblemFactory(picture=picture)
    agreement = f.AgreementFactory(municipality=home)
    agreement.problems.add(problem)
    pledge = f.PledgeFactory(municipality=home, agreement=agreement)
    activity = f.ActivityFactory(pledge=pledge, problem=problem)
    published = f.PledgeFactory(
        municipality=home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )
    followed = f.ActivityFactory(pledge=published)
    council = f.CouncilFactory(municipality=home)
    meeting = f.MeetingFactory(council=council)
    f.DecisionFactory(meeting=meeting)
    f.FocusAreaFactory(agreement=agreement)
    f.IndicatorFactory()
    f.VulnerableAreaFactory(municipality=home)
    request = RequestFactory().post("/login/")
    return SimpleNamespace(
        owner=owner,
        home=home,
        picture=picture,
        agreement=agreement,
        pledge=pledge,
        activity=activity,
        published=published,
        followed=followed,
        council=council,
        meeting=meeting,
        request=request,
        # fresh instances for the model forms that create
        new=SimpleNamespace(
            member=lambda: CouncilMember(council=council),
            meeting=lambda: Meeting(council=council),
            decision=lambda: Decision(meeting=meeting, order=99),
            coordination=lambda: CoordinationFunction(municipality=home),
            source=lambda: Source(picture=picture),
            problem=lambda: PriorityProblem(picture=picture, rank=99),
            plan=lambda: ActionPlan(municipality=home),
            focus=lambda: FocusArea(agreement=agreement),
            goal=lambda: Goal(agreement=agreement),
            dialogue=lambda: Dialogue(pledge=pledge),
            activity=lambda: Activity(pledge=pledge),
            follow_up=lambda: FollowUp(activity=followed, reported_by=owner),
        ),
        organisations=Organisation.objects.filter(
            Q(municipality=home) | Q(local_police_area__municipalities=home)
        ).order_by("name"),
    )


Kwargs = Callable[[SimpleNamespace], dict]

#: how each form is built: the constructor arguments it needs besides data/files
FORMS: dict[str, Kwargs] = {
    # attachments
    "attachments.forms.AttachmentForm": lambda w: {"may_be_public": True},
    # councils
    "councils.forms.LoginForm": lambda w: {"request": w.request},
    "councils.forms.CouncilForm": lambda w: {
        "instance": f.CouncilFactory.build(municipality=w.home)
    },
    "councils.forms.CouncilMemberForm": lambda w: {
        "instance": w.new.member(),
        "organisations": w.organisations,
    },
    "councils.forms.MeetingForm": lambda w: {"instance": w.new.meeting()},
    "councils.forms.DecisionForm": lambda w: {"instance": w.new.decision()},
    "councils.forms.CoordinationFunctionForm": lambda w: {"instance": w.new.coordination()},
    "councils.forms.TokenForm": lambda w: {},
    "councils.forms.TwoFactorRequiredForm": lambda w: {},
    "councils.forms.SignForm": lambda w: {},
    "councils.forms.BoundedForm": lambda w: {},  # the kit's base: no fields of its own
    "councils.forms.EmailAddressForm": lambda w: {},
    "councils.partner_forms.PartnerCreateForm": lambda w: {},
    "councils.partner_forms.PartnershipStartForm": lambda w: {"municipality": w.home},
    "councils.partner_forms.InvitationForm": lambda w: {},
    "councils.partner_forms.AcceptInvitationForm": lambda w: {},
    # sso
    "sso.forms.LoginForm": lambda w: {"request": w.request},
    "sso.forms.PasswordResetForm": lambda w: {},
    "sso.forms.PasswordChangeForm": lambda w: {"user": w.owner},
    "sso.forms.SetPasswordForm": lambda w: {"user": w.owner},
    "sso.forms.FindProviderForm": lambda w: {},
    # agreements
    "agreements.forms.SituationalPictureForm": lambda w: {"instance": w.picture},
    "agreements.forms.SourceForm": lambda w: {"instance": w.new.source()},
    "agreements.forms.PriorityProblemForm": lambda w: {
        "instance": w.new.problem(),
        "municipality": w.home,
    },
    "agreements.forms.ActionPlanForm": lambda w: {"instance": w.new.plan(), "municipality": w.home},
    "agreements.forms.AgreementCreateForm": lambda w: {},
    "agreements.forms.AgreementBasicsForm": lambda w: {"instance": w.agreement},
    "agreements.forms.AgreementProblemsForm": lambda w: {"instance": w.agreement},
    "agreements.forms.AgreementFollowUpForm": lambda w: {"instance": w.agreement},
    "agreements.forms.AgreementSignatoriesForm": lambda w: {"instance": w.agreement},
    "agreements.forms.FocusAreaForm": lambda w: {"instance": w.new.focus()},
    "agreements.forms.GoalForm": lambda w: {"instance": w.new.goal()},
    "agreements.forms.CommentForm": lambda w: {},
    # pledges
    "pledges.forms.PledgeCreateForm": lambda w: {"municipality": w.home},
    "pledges.forms.PledgeForm": lambda w: {"instance": w.pledge},
    "pledges.forms.PledgeBasicsForm": lambda w: {"instance": w.pledge},
    "pledges.forms.PledgeTextForm": lambda w: {"instance": w.pledge},
    "pledges.forms.PledgeProblemsForm": lambda w: {"instance": w.pledge},
    "pledges.forms.DialogueForm": lambda w: {"instance": w.new.dialogue()},
    "pledges.forms.ActivityForm": lambda w: {"instance": w.new.activity(), "pledge": w.pledge},
    "pledges.forms.ActivityImportForm": lambda w: {},
    "pledges.forms_review.CommentForm": lambda w: {"pledge": w.pledge},
    "pledges.forms_review.ApproveForm": lambda w: {},
    "pledges.forms_review.RequestChangesForm": lambda w: {},
    # est
    "est.forms.PlaceForm": lambda w: {"instance": Place(municipality=w.home)},
    "est.forms.CategoryForm": lambda w: {},
    "est.forms.ReportForm": lambda w: {
        "instance": Report(municipality=w.home),
        "places": Place.objects.filter(municipality=w.home),
        "categories": Category.objects.all(),
        "organisations": w.organisations,
    },
    "est.forms.ImportForm": lambda w: {"organisations": w.organisations},
    "est.forms.ChecklistForm": lambda w: {"organisations": w.organisations},
    "est.forms.MeetingForm": lambda w: {
        "instance": EstMeeting(municipality=w.home),
        "organisations": w.organisations,
    },
    "est.forms.MeasureForm": lambda w: {
        "instance": Measure(meeting=EstMeeting(municipality=w.home)),
        "places": Place.objects.filter(municipality=w.home),
        "organisations": w.organisations,
    },
    "est.forms.MeasureFollowUpForm": lambda w: {
        "instance": Measure(meeting=EstMeeting(municipality=w.home))
    },
    "est.forms.TertialForm": lambda w: {"instance": TertialAnalysis(municipality=w.home)},
    "est.forms.AttachForm": lambda w: {"pictures": SituationalPicture.objects.all()},
    # followup
    "followup.forms.FollowUpForm": lambda w: {
        "instance": w.new.follow_up(),
        "activity": w.followed,
    },
    "followup.forms.PartnerFollowUpForm": lambda w: {
        "instance": w.new.follow_up(),
        "activity": w.followed,
    },
    "followup.forms.MarkFollowedUpForm": lambda w: {"pledge": w.published},
    "followup.forms_plan.PlanPeriodForm": lambda w: {
        "periods": [(w.published.period_start, w.published.period_end)]
    },
    "followup.forms_plan.PlanRowForm": lambda w: {"activity": w.followed},
    "followup.forms_indicators.IndicatorImportForm": lambda w: {},
    "followup.forms_indicators.GoalIndicatorForm": lambda w: {},
    "followup.forms.CountySummaryForm": lambda w: {"today": timezone.localdate()},
    "followup.forms.CountyAnalysisForm": lambda w: {
        "instance": CountyAnalysis(county=w.home.county, year=timezone.localdate().year)
    },
    "followup.forms.MunicipalityCommentForm": lambda w: {
        "instance": MunicipalityComment(
            analysis=CountyAnalysis(county=w.home.county, year=timezone.localdate().year),
            municipality=w.home,
        )
    },
    "followup.forms.PreferenceForm": lambda w: {
        "instance": f.ReminderPreferenceFactory.build(user=w.owner)
    },
    "followup.forms.YearlyReportForm": lambda w: {"today": timezone.localdate()},
    # accessibility
    "accessibility.forms.FeedbackForm": lambda w: {},
    "accessibility.forms.StatementAdminForm": lambda w: {"instance": Statement()},
    # residents
    "residents.forms.FollowForm": lambda w: {},
    # api
    "api.forms.ApiTokenForm": lambda w: {},
}


def test_every_form_has_constructor_arguments():
    found = set(project_forms())
    missing = sorted(found - set(FORMS))
    assert not missing, f"Forms without an entry in tests/hostile/test_forms.py FORMS: {missing}"
    stale = sorted(set(FORMS) - found)
    assert not stale, f"FORMS entries for forms that no longer exist: {stale}"


# --- strategies for a form's fields ----------------------------------------------------

NASTY_IDS = ("0", "-1", "9" * 30, "1.5", "abc", "\x00", "1 OR 1=1")
FILE_NAMES = ("a.csv", "a.json", "a.xlsx", "a.exe", "<script>.csv", "a\x00.csv", "å" * 300 + ".csv")
FILE_BODIES = (
    b"",
    b"\x00\xff\xfe garbage",
    b"titel;beskrivning\n<script>alert(1)</script>;=1+1\n",
    b'{"values": [null, {"x": "\\u0000"}]}',
    b"\xef\xbb\xbf" + b"a,b,c\n1,2,3\n" * 10,
)


def _choices(field: forms.ModelChoiceField) -> list[str]:
    return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]


def field_strategy(field: forms.Field) -> st.SearchStrategy:
    """A value the field expects, or a hostile one."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(st.sampled_from([*_choices(field), *NASTY_IDS]), max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        return st.sampled_from(["", *_choices(field), *NASTY_IDS])
    if isinstance(field, forms.FileField):
        return st.builds(
            SimpleUploadedFile, st.sampled_from(FILE_NAMES), st.sampled_from(FILE_BODIES)
        )
    try:
        expected = from_field(field)
    except HypothesisException:
        expected = st.nothing()
    if isinstance(field, forms.MultipleChoiceField):
        return st.one_of(expected, st.lists(nasty_text, max_size=3))
    return st.one_of(expected, nasty_text)


def _assert_valid_or_explained(form: forms.BaseForm) -> None:
    if form.is_valid():
        for name, value in form.cleaned_data.items():
            assert not (isinstance(value, str) and "\x00" in value), f"NUL kept in {name}"
        return
    assert form.errors, "an invalid form must say why"
    for name, messages in form.errors.items():
        assert messages, f"no message for {name}"
        for message in messages:
            assert isinstance(message, str) and message.strip(), f"{name}: {message!r}"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_form_survives_generated_input(world, name):
    form_class = project_forms()[name]
    kwargs = FORMS[name](world)
    fields = form_class(**kwargs).fields
    strategies = {field: field_strategy(fields[field]) for field in fields}

    @FUZZ
    @given(form=from_form(form_class, form_kwargs=kwargs, **strategies))
    def fuzz(form):
        _assert_valid_or_explained(form)

    fuzz()


# --- the real views of the main edit pages ---------------------------------------------


def _edit_pages(world) -> list[tuple[str, type[forms.BaseForm], dict, str]]:
    """(url, form class, constructor kwargs, prefix) of each main edit page."""
    from agreements.forms import AgreementBasicsForm, AgreementFollowUpForm
    from followup.forms import FollowUpForm
    from pledges.forms import ActivityForm, PledgeBasicsForm, PledgeTextForm

    activity, pledge, agreement = world.activity, world.pledge, world.agreement
    return [
        (
            reverse("activity-edit", args=[activity.pk]),
            ActivityForm,
            {"instance": activity, "pledge": pledge},
            f"activity-{activity.pk}",
        ),
        (
            reverse("activity-create", args=[pledge.pk]),
            ActivityForm,
            {"instance": world.new.activity(), "pledge": pledge},
            "activity-new",
        ),
        (
            reverse("pledge-section", args=[pledge.pk, "basics"]),
            PledgeBasicsForm,
            {"instance": pledge},
            "",
        ),
        (
            reverse("pledge-section", args=[pledge.pk, "text"]),
            PledgeTextForm,
            {"instance": pledge},
            "",
        ),
        (
            reverse("agreement-section", args=[agreement.pk, "basics"]),
            AgreementBasicsForm,
            {"instance": agreement},
            "",
        ),
        (
            reverse("agreement-section", args=[agreement.pk, "follow-up"]),
            AgreementFollowUpForm,
            {"instance": agreement},
            "",
        ),
        (
            reverse("follow-up-create", args=[world.followed.pk]),
            FollowUpForm,
            {"instance": world.new.follow_up(), "activity": world.followed},
            "",
        ),
    ]


ERROR_SUMMARY = re.compile(r'class="error-summary"[^>]*data-error-summary')


def _fuzz_page(client, headers, url, form_class, kwargs, prefix) -> None:
    probe = form_class(prefix=prefix or None, **kwargs)
    strategies = {
        probe.add_prefix(name): field_strategy(field)
        for name, field in probe.fields.items()
        if name != "version"
    }
    version_key = probe.add_prefix("version")

    @FUZZ
    @given(body=st.fixed_dictionaries(strategies))
    def post(body):
        instance = kwargs["instance"]
        if instance.pk:
            instance.refresh_from_db()
            body[version_key] = str(instance.version)
        response = client.post(url, body, headers=headers)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if not form_class(body, prefix=prefix or None, **kwargs).is_valid():
            assert response.status_code == 400, f"{url} answered {response.status_code}"
            assert ERROR_SUMMARY.search(response.content.decode()), f"{url}: no error summary"

    post()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_edit_pages_answer_generated_bodies_without_5xx(world, client_of, htmx):
    client = client_of(world.owner)
    headers = {"HX-Request": "true"} if htmx else {}
    for url, form_class, kwargs, prefix in _edit_pages(world):
        _fuzz_page(client, headers, url, form_class, kwargs, prefix)


# --- dates outside the plausible range ------------------------------------------------

#: typing mistakes and dates that break date arithmetic
BAD_DATES = ("0001-01-05", "1989-12-31", "2101-01-01", "9999-12-31")


def _date_fields(form: forms.BaseForm) -> list[str]:
    return [name for name, field in form.fields.items() if isinstance(field, forms.DateField)]


def test_the_date_gate_sees_the_date_forms(world):
    with_dates = [
        name for name in FORMS if _date_fields(project_forms()[name](**FORMS[name](world)))
    ]
    assert len(with_dates) >= 12, with_dates


@pytest.mark.parametrize("name", sorted(FORMS))
@pytest.mark.parametrize("value", BAD_DATES)
def test_every_date_field_refuses_implausible_dates_in_swedish(world, name, value):
    """Every date field of every form answers a date outside 1990–2100 with a Swedish
    message at the field (never an exception, never a silent save)."""
    form_class = project_forms()[name]
    kwargs = FORMS[name](world)
    for field in _date_fields(form_class(**kwargs)):
        form = form_class(data={field: value}, **FORMS[name](world))
        assert not form.is_valid()
        assert form.errors.get(field) == ["Ange ett datum mellan 1990-01-01 och 2100-12-31."], (
            f"{name}.{field}={value}: {form.errors.get(field)}"
        )


# --- text areas: bounded, said to the browser, one height -------------------------------


def test_every_text_area_has_maxlength_and_the_same_rows(world):
    """Every text area of every form says its bound to the browser (``maxlength``, at most
    MAX_TEXT) and is TEXT_ROWS high, unless the form asks for other rows for it."""
    from councils.forms import MAX_TEXT, TEXT_ROWS

    seen = 0
    for name in sorted(FORMS):
        form_class = project_forms()[name]
        form = form_class(**FORMS[name](world))
        for field_name, field in form.fields.items():
            if not isinstance(field.widget, forms.Textarea):
                continue
            seen += 1
            where = f"{name}.{field_name}"
            assert field.max_length and field.max_length <= MAX_TEXT, where
            assert field.widget.attrs.get("maxlength") == str(field.max_length), where
            asked = form_class.base_fields[field_name].widget.attrs.get("rows")
            assert field.widget.attrs.get("rows") == (asked or TEXT_ROWS), where
            assert f'maxlength="{field.max_length}"' in str(form[field_name]), where
            too_long = form_class(
                data={field_name: "x" * (field.max_length + 1)}, **FORMS[name](world)
            )
            assert field_name in too_long.errors, where
    assert seen >= 20, seen
