"""What the API answers: one schema per resource (internal fields only where the token
holds INTERNAL on the record's municipality)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from api.base import MAX_LIMIT, Page


class Filters(Schema):
    cursor: str | None = Field(None, max_length=500, description="Nästa sida / next page")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    municipality: str | None = Field(None, max_length=4, description="SCB-kod / SCB code")
    county: str | None = Field(None, max_length=2, description="Länskod / county code")


class StatusFilters(Filters):
    status: str | None = Field(None, max_length=30)


class UpdatedFilters(Filters):
    updated_since: dt.datetime | None = None


class StatusUpdatedFilters(StatusFilters):
    updated_since: dt.datetime | None = None


class ComplianceOut(Schema):
    label: str
    ok: bool
    detail: str
    warning: str


class MunicipalityOut(Schema):
    code: str
    name: str
    county: str
    county_name: str


class MunicipalityDetail(MunicipalityOut):
    compliance: list[ComplianceOut]


class MunicipalityPage(Page):
    items: list[MunicipalityOut]


class CouncilOut(Schema):
    id: int
    municipality: str
    kind: str
    name: str
    mandate: str
    version: int


class CouncilPage(Page):
    items: list[CouncilOut]


class MeetingOut(Schema):
    id: int
    council: int
    municipality: str
    held_on: dt.date
    agenda: str
    minutes: str
    version: int


class MeetingPage(Page):
    items: list[MeetingOut]


class PictureOut(Schema):
    id: int
    municipality: str
    owner: str
    title: str
    period_start: dt.date
    period_end: dt.date
    mapping: str
    other_information: str
    analysis: str
    decided_by: str
    decided_on: dt.date | None
    next_review: dt.date | None
    is_current: bool
    updated_at: dt.datetime
    version: int


class PicturePage(Page):
    items: list[PictureOut]


class ProblemOut(Schema):
    id: int
    picture: int
    municipality: str
    title: str
    description: str
    place: str
    cause_analysis: str
    perspective: str
    rank: int
    updated_at: dt.datetime
    version: int


class ProblemPage(Page):
    items: list[ProblemOut]


class GoalIndicatorOut(Schema):
    indicator: int
    name: str
    area: str


class GoalOut(Schema):
    id: int
    text: str
    indicator_name: str
    indicator_unit: str
    baseline_value: str | None
    baseline_year: int | None
    target_value: str | None
    target_year: int | None
    latest_value: str | None
    latest_year: int | None
    #: the indicator that measures the goal, if one does
    indicator: GoalIndicatorOut | None


class AgreementOut(Schema):
    id: int
    municipality: str
    title: str
    status: str
    start_date: dt.date
    end_date: dt.date
    signed_at: dt.datetime | None
    updated_at: dt.datetime
    version: int
    goals: list[GoalOut]


class AgreementPage(Page):
    items: list[AgreementOut]


class ActivityOut(Schema):
    id: int
    pledge: int
    title: str
    description: str
    type: str
    status: str
    responsible_party: str
    partner_name: str
    start_date: dt.date | None
    end_date: dt.date | None
    recurrence: str
    cadence: str
    next_follow_up: dt.date | None
    order: int
    version: int
    updated_at: dt.datetime


class ActivityPage(Page):
    items: list[ActivityOut]


class PledgeOut(Schema):
    id: int
    municipality: str
    title: str
    status: str
    period_start: dt.date
    period_end: dt.date
    public_text: str
    version: int
    updated_at: dt.datetime


class PledgeDetail(PledgeOut):
    activities: list[ActivityOut]


class PledgePage(Page):
    items: list[PledgeOut]


class FollowUpOut(Schema):
    id: int
    activity: int
    period_start: dt.date
    period_end: dt.date
    status: str
    progress: int
    done: str
    effect: str
    #: only where the token holds INTERNAL
    obstacles: str | None
    published: bool
    reported_at: dt.datetime
    version: int
    updated_at: dt.datetime


class FollowUpPage(Page):
    items: list[FollowUpOut]


class IndicatorValueOut(Schema):
    id: int
    indicator: int
    indicator_name: str
    municipality: str
    area: str
    year: int
    gender: str
    value: str


class IndicatorValuePage(Page):
    items: list[IndicatorValueOut]


class ReportOut(Schema):
    id: int
    kind: str
    object_id: int
    status: str
    progress: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    #: the PDF's address once it is done
    download: str | None


class ReportPage(Page):
    items: list[ReportOut]
