"""The history gate: every model users edit keeps a history (django-simple-history through
councils.history.tracked) with who, for which organisation and when.

A new model in councils, agreements, pledges or followup fails this test until it has
``history = tracked()`` or a line in NOT_USER_EDITED saying why it needs none.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.apps import apps

from councils import services
from councils.history import HistoryOrganisation
from councils.models import Council, Organisation, Role
from followup import indicators
from tests import factories as f
from tests.apps import FEATURE_APPS

PROJECT_APPS = list(FEATURE_APPS)

#: Concrete models nobody edits as such, and why they keep no history of their own.
NOT_USER_EDITED = {
    # An API token: made, used and revoked, never edited; its row keeps created_at,
    # revoked_at and last_used_at (a history would keep every last use).
    "api.apitoken": "a credential with its own times",
    # Accounts: a history table would keep every old password hash. Administrators' changes
    # are in the Django admin's log; deactivation ends the sessions (councils.services).
    "councils.user": "accounts",
    # Reference data loaded from councils/data/ by `manage.py load_reference_data`.
    "councils.policeregion": "reference data",
    "councils.county": "reference data",
    "councils.municipality": "reference data",
    # The police's own organisation and list of vulnerable areas, kept up to date by the
    # system administrators in the Django admin (whose log records who and when).
    "councils.localpolicearea": "police reference data",
    "councils.vulnerablearea": "police reference data",
    # Regional themes are loaded by `manage.py load_regional_themes`.
    "pledges.regionaltheme": "reference data",
    # Written once and never edited: the row itself holds author, organisation and time
    # (a pledge comment's resolution too: resolved_by, resolved_at).
    "agreements.comment": "append-only",
    "pledges.comment": "append-only",
    "pledges.review": "append-only",
    "followup.pledgefollowup": "append-only (marked_by, marked_at)",
    # The version of a draft as it was shared (councils.sharing): written once, never
    # changed; the row holds who shared it, with whom and when.
    "agreements.sharedagreement": "append-only (shared_by, shared_at, shared_with)",
    "pledges.sharedpledge": "append-only (shared_by, shared_at, shared_with)",
    # A user's own secret calendar address: a history table would keep revoked secrets;
    # the row holds created_at and revoked_at.
    "councils.calendarfeed": "a secret (created_at, revoked_at)",
    # What a visitor sent about accessibility: kept as it came, never edited (the row
    # holds created_at and emailed_at).
    "accessibility.feedback": "append-only (created_at, emailed_at)",
    # A resident's address: a history table would keep the address that unsubscribing
    # deletes; the row holds requested_at, confirmed_at and unsubscribed_at.
    "residents.follower": "personal data deleted on request (its own times)",
    # Made by the system, not by a person.
    "residents.event": "generated",
    "residents.digest": "generated",
    "residents.delivery": "generated",
    "pledges.notification": "generated",
    "followup.reminder": "generated",
    "followup.digestemail": "generated",
    "followup.report": "generated",
    # Kept by est.services in the same transaction as each report (whose history is kept).
    "est.weeklytotal": "generated",
    # Statistics imported from CSV or Kolada; each import is repeatable from its source.
    "followup.indicator": "imported statistics",
    "followup.indicatorvalue": "imported statistics",
    # Single sign-on: made by sign-ins, not by people. The row holds its own when and who;
    # a membership a sign-in gives keeps its history in councils.membership.
    "sso.identity": "made by a sign-in (created_at); the admin's log has any change",
    "sso.provisionedmembership": "generated (the membership itself keeps its history)",
    "sso.signin": "append-only audit trail (at, user, provider, address)",
    "sso.usedassertion": "generated (replay protection)",
}


def _project_models():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if not model.__name__.startswith("Historical"):
                yield model


def _keeps_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def test_every_user_edited_model_keeps_a_history():
    missing = [
        model._meta.label_lower
        for model in _project_models()
        if model._meta.label_lower not in NOT_USER_EDITED and not _keeps_history(model)
    ]
    assert not missing, (
        "Models without a history (add `history = tracked()` from councils.history, or "
        f"say in NOT_USER_EDITED why they need none): {missing}"
    )


def test_every_history_records_user_organisation_and_time():
    for model in _project_models():
        if not _keeps_history(model):
            continue
        historical = getattr(model, model._meta.simple_history_manager_attribute).model
        assert issubclass(historical, HistoryOrganisation), f"{model}: use tracked()"
        names = {field.name for field in historical._meta.get_fields()}
        assert {"history_user", "history_organisation", "history_date"} <= names, model
        assert hasattr(model, "scope_municipality_id"), f"{model}: say which municipality"


def test_the_exclusions_are_real_models_without_a_history():
    labels = {model._meta.label_lower: model for model in _project_models()}
    stale = [label for label in NOT_USER_EDITED if label not in labels]
    assert not stale, f"NOT_USER_EDITED names models that no longer exist: {stale}"
    tracked_anyway = [label for label in NOT_USER_EDITED if _keeps_history(labels[label])]
    assert not tracked_anyway, f"Excluded but kept anyway, drop the exclusion: {tracked_anyway}"


MOMENT = dt.datetime(2026, 4, 1, 10, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_a_change_through_a_service_records_user_organisation_and_time(owner, home):
    with time_machine.travel(MOMENT, tick=False):
        council = services.council_create(user=owner, municipality=home, name="Trygghetsrådet")
        services.council_update(
            user=owner, council=council, expected_version=1, mandate="Beslutar om åtgärder"
        )
    latest = Council.history.filter(id=council.pk).latest("history_id")
    assert latest.history_type == "~"
    assert latest.history_user == owner
    assert latest.history_organisation == "Hemby kommun"
    assert latest.history_date == MOMENT
    assert latest.mandate == "Beslutar om åtgärder"


@pytest.mark.django_db
def test_organisation_rules_and_goal_indicators_record_who_changed_them(home_org, home):
    admin = f.UserFactory(username="org_admin")
    f.MembershipFactory(user=admin, organisation=home_org, role=Role.ORG_ADMIN)
    with time_machine.travel(MOMENT, tick=False):
        services.organisation_set_two_factor_required(
            user=admin, organisation=home_org, required=True
        )
    change = Organisation.history.filter(id=home_org.pk).latest("history_id")
    assert (change.history_user, change.history_organisation) == (admin, "Hemby kommun")
    assert change.two_factor_required and change.history_date == MOMENT

    coordinator = f.UserFactory(username="coordinator")
    f.MembershipFactory(user=coordinator, organisation=home_org, role=Role.COORDINATOR)
    goal = f.GoalFactory(agreement=f.AgreementFactory(municipality=home))
    indicator = f.IndicatorFactory()
    link = indicators.goal_indicator_set(user=coordinator, goal=goal, indicator=indicator)
    indicators.goal_indicator_set(user=coordinator, goal=goal, indicator=None)
    created, deleted = link.history.order_by("history_id")
    assert (created.history_type, deleted.history_type) == ("+", "-")
    assert {created.history_user, deleted.history_user} == {coordinator}
    assert deleted.history_organisation == "Hemby kommun"
