"""The editor's forms: every choice limited to the pledge's municipality and region,
and the services refusing the same things when a form is bypassed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from councils.models import Role
from pledges import services
from pledges.forms import ActivityForm, ActivityImportForm, PledgeBasicsForm, PledgeProblemsForm
from pledges.models import Activity
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def links(home, away, region, police_org):
    """One of each linkable thing in ``home`` and one in ``away``."""

    def make(municipality, name):
        picture = f.SituationalPictureFactory(municipality=municipality)
        council = f.CouncilFactory(municipality=municipality)
        return {
            "problem": f.PriorityProblemFactory(picture=picture, title=f"Problem {name}"),
            "goal": f.GoalFactory(
                agreement=f.AgreementFactory(municipality=municipality), text=f"Mål {name}"
            ),
            "action_plan": f.ActionPlanFactory(municipality=municipality, title=f"Plan {name}"),
            "decision": f.DecisionFactory(meeting=f.MeetingFactory(council=council)),
        }

    return {"home": make(home, "hemma"), "away": make(away, "borta")}


def test_activity_form_offers_only_the_municipalitys_links(
    pledge, links, themes, owner, liaison, outsider
):
    form = ActivityForm(pledge=pledge)
    for name, obj in links["home"].items():
        assert list(form.fields[name].queryset) == [obj], name
    other_region = f.RegionalThemeFactory(title="Annan region")
    assert set(form.fields["themes"].queryset) == set(themes)
    assert other_region not in form.fields["themes"].queryset
    people = set(form.fields["responsible_user"].queryset)
    assert {owner, liaison} <= people
    assert outsider not in people


@pytest.mark.parametrize("name", ["problem", "goal", "action_plan", "decision"])
def test_a_posted_link_of_another_municipality_is_refused_by_the_form(pledge, links, name):
    data = {
        "title": "Nattvandring",
        "type": "social",
        "status": "planned",
        "responsible_party": "joint",
        "recurrence": "Varje fredag",
        "cadence": "tertial",
        name: links["away"][name].pk,
    }
    form = ActivityForm(data, instance=Activity(pledge=pledge), pledge=pledge)
    assert not form.is_valid()
    assert name in form.errors


@pytest.mark.parametrize("name", ["problem", "goal", "action_plan", "decision"])
def test_the_service_refuses_links_of_another_municipality_too(owner, pledge, links, name):
    activity = f.ActivityFactory.build(pledge=pledge, **{name: links["away"][name]})
    with pytest.raises(ValidationError) as error:
        services.activity_save(user=owner, activity=activity)
    assert name in error.value.error_dict
    assert not pledge.activities.exists()


def test_the_service_refuses_themes_of_another_region(owner, pledge, themes):
    activity = f.ActivityFactory.build(pledge=pledge)
    with pytest.raises(ValidationError):
        services.activity_save(
            user=owner, activity=activity, themes=[f.RegionalThemeFactory(title="Annan")]
        )
    assert not pledge.activities.exists()


def test_activity_form_rules(pledge):
    base = {
        "title": "Nattvandring",
        "type": "social",
        "status": "planned",
        "responsible_party": "partner",
        "cadence": "tertial",
        "start_date": "2026-05-01",
        "end_date": "2026-04-01",
    }
    form = ActivityForm(base, instance=Activity(pledge=pledge), pledge=pledge)
    assert not form.is_valid()
    assert {"partner_name", "end_date"} <= set(form.errors)
    form = ActivityForm(
        {**base, "start_date": "", "end_date": "", "partner_name": "Bostadsbolaget"},
        instance=Activity(pledge=pledge),
        pledge=pledge,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"start_date"}  # a date or a recurrence


def test_without_regional_themes_the_form_has_no_theme_field(home):
    pledge = f.PledgeFactory(municipality=home)
    form = ActivityForm(pledge=pledge)
    assert "themes" not in form.fields


def test_pledge_forms_limit_choices_to_the_municipality(pledge, links, away, home):
    foreign_agreement = f.AgreementFactory(municipality=away)
    own_agreement = f.AgreementFactory(municipality=home)
    form = PledgeBasicsForm(instance=pledge)
    assert own_agreement in form.fields["agreement"].queryset
    assert foreign_agreement not in form.fields["agreement"].queryset
    problems = PledgeProblemsForm(
        {"problems": [links["away"]["problem"].pk], "version": pledge.version}, instance=pledge
    )
    assert not problems.is_valid()


def test_the_service_refuses_problems_of_another_municipality(owner, pledge, links):
    with pytest.raises(ValidationError):
        services.pledge_save(
            user=owner,
            pledge=pledge,
            expected_version=pledge.version,
            problems=[links["away"]["problem"]],
        )
    assert not pledge.problems.exists()


def test_import_form_refuses_size_and_type_before_reading(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("plan.csv", b"x" * (2 * 1024 * 1024 + 1), content_type="text/csv")
    form = ActivityImportForm({}, {"file": big})
    assert not form.is_valid()
    assert form.errors.as_data()["file"][0].code == "too_large"
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")
    form = ActivityImportForm({}, {"file": pdf})
    assert not form.is_valid()
    assert form.errors.as_data()["file"][0].code == "file_type"


def test_responsible_people_are_members_there(pledge, home_org, owner):
    reader = f.UserFactory(username="lasare")
    f.MembershipFactory(user=reader, organisation=home_org, role=Role.READER)
    gone = f.UserFactory(username="slutat", is_active=False)
    f.MembershipFactory(user=gone, organisation=home_org, role=Role.COORDINATOR)
    people = set(ActivityForm(pledge=pledge).fields["responsible_user"].queryset)
    assert {owner, reader} <= people
    assert gone not in people
