"""Gate: the Django admin never changes or deletes a versioned record.

A record with a ``version`` is changed and deleted in the app, at the version the
user saw (``councils.concurrency``); the admin knows no version, so a change or a
delete there could overwrite or lose someone's edit without a conflict. Every admin
registered for a versioned model (and every inline of one) must refuse both — use
``councils.admin.ReadOnlyAdmin`` — unless it is named in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from pledges.models import Activity, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db

#: "app_label.model" -> why its admin may change or delete it without the version
EXEMPT: dict[str, str] = {
    "accessibility.statement": (
        "edited only in the admin, by the operator: accessibility.forms.StatementAdminForm "
        "carries the version it showed and refuses a stale save "
        "(tests/accessibility/test_statement_admin.py)"
    ),
}


def _versioned(model) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def _admins_of_versioned_models():
    for model, model_admin in admin.site._registry.items():
        if _versioned(model):
            yield model._meta.label_lower, model_admin
        for inline in model_admin.inlines:
            if _versioned(inline.model):
                yield inline.model._meta.label_lower, inline(model, admin.site)


def test_the_gate_finds_the_versioned_models_in_the_admin():
    found = {label for label, _admin in _admins_of_versioned_models()}
    assert {"pledges.pledge", "pledges.activity"} <= found


def test_no_admin_changes_or_deletes_a_versioned_record(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    allowing = [
        f"{label} ({type(model_admin).__name__}): {verb}"
        for label, model_admin in _admins_of_versioned_models()
        if label not in EXEMPT
        for verb, permitted in (
            (
                "add",
                model_admin.has_add_permission(request, None)
                if isinstance(model_admin, admin.options.InlineModelAdmin)
                else model_admin.has_add_permission(request),
            ),
            ("change", model_admin.has_change_permission(request, None)),
            ("delete", model_admin.has_delete_permission(request, None)),
        )
        if permitted
    ]
    assert allowing == [], (
        "admins that write versioned records without the version (use "
        "councils.admin.ReadOnlyAdmin): " + ", ".join(allowing)
    )


def test_exemptions_name_registered_versioned_models():
    labels = {label for label, _admin in _admins_of_versioned_models()}
    assert set(EXEMPT) <= labels, "stale exemptions: " + ", ".join(set(EXEMPT) - labels)


@pytest.mark.parametrize("factory", [f.PledgeFactory, f.ActivityFactory])
def test_a_superuser_cannot_delete_or_change_one_through_the_admin(client, superuser, factory):
    record = factory()
    meta = record._meta
    client.force_login(superuser)
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[record.pk])

    assert client.get(change).status_code == 200, "staff may still look"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change, {"title": "Ändrad i admin"}).status_code == 403
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert bulk.status_code in {200, 302, 403}
    stored = type(record).objects.get(pk=record.pk)
    assert (stored.title, stored.version) == (record.title, record.version)


def test_the_models_under_test_are_versioned():
    assert _versioned(Pledge) and _versioned(Activity)
