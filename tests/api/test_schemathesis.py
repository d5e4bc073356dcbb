"""Schemathesis runs the OpenAPI document against the app: every operation, a few
generated requests each (with a read-write token), no 5xx and every documented answer as
the document says."""

from __future__ import annotations

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.base import api
from config.wsgi import application
from councils import dates
from est import services
from est.models import Category, Place, Report
from est.usual import put_usual_categories
from tests import factories as f

EXAMPLES = 6


def test_every_operation_keeps_to_the_document(
    owner, bearer, published, draft, activity, home, home_org, settings
):
    settings.API_RATE_LIMIT = 0
    f.FollowUpFactory(activity=activity, published=True)
    f.IndicatorValueFactory(municipality=home)
    f.AgreementFactory(municipality=home)
    f.MeetingFactory(council=f.CouncilFactory(municipality=home))
    f.PriorityProblemFactory(picture=f.SituationalPictureFactory(municipality=home))
    place = Place.objects.create(municipality=home, name="Stortorget", area="Centrum")
    incident = Report(
        municipality=home,
        organisation=home_org,
        place=place,
        category=put_usual_categories(Category)["klotter"],
        occurred_on=dates.today(),
    )
    services.report_save(user=owner, report=incident)
    headers = bearer(owner)
    # the app is called in this thread, inside the test's transaction: keep the connection
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        operations = [result.ok() for result in schema.get_all_operations()]
        document = api.get_openapi_schema()
        assert len(operations) == sum(len(item) for item in document["paths"].values()) >= 24
        for operation in operations:
            run(operation, headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run(operation, headers: dict) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(
            headers={**headers, "If-Match": '"1"'},
            checks=[not_a_server_error, response_schema_conformance],
        )

    check()
