"""factory-boy factories for every model. Later apps add theirs below."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from councils.models import (
    CoordinationFunction,
    Council,
    CouncilMember,
    County,
    Decision,
    LocalPoliceArea,
    Meeting,
    Membership,
    Municipality,
    Organisation,
    PoliceRegion,
    Role,
    User,
    VulnerableArea,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class PoliceRegionFactory(DjangoModelFactory):
    class Meta:
        model = PoliceRegion
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")


#: the letter codes a generated county may take: not those the shared fixtures give
#: their counties (tests/conftest.py), so no test's count of counties can collide
LETTER_CODES = [
    code
    for first in range(65, 91)
    for second in range(65, 91)
    if (code := f"{chr(first)}{chr(second)}") not in {"HH", "BB", "ZZ"}
]


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{60 + n % 40:02d}")
    letter_code = factory.Sequence(lambda n: LETTER_CODES[n % len(LETTER_CODES)])
    name = factory.Sequence(lambda n: f"Testlän {n}")
    short_name = factory.LazyAttribute(lambda c: c.name)
    police_region = factory.SubFactory(PoliceRegionFactory)


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    # 7000-7999: no real municipality and none a test names (they use 01xx-25xx and
    # 9xxx), so get_or_create by code never hands back a test's own municipality.
    code = factory.Sequence(lambda n: f"{7000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    county = factory.SubFactory(CountyFactory)


class LocalPoliceAreaFactory(DjangoModelFactory):
    class Meta:
        model = LocalPoliceArea
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Lokalpolisområde {n}")
    police_region = factory.SubFactory(PoliceRegionFactory)

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.municipalities.set(extracted)


class VulnerableAreaFactory(DjangoModelFactory):
    class Meta:
        model = VulnerableArea

    name = factory.Sequence(lambda n: f"Område {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    category = VulnerableArea.Category.VULNERABLE
    year_assessed = 2025


class OrganisationFactory(DjangoModelFactory):
    """A municipality's organisation by default; use the traits for other kinds."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MUNICIPALITY
    municipality = factory.SubFactory(MunicipalityFactory)

    class Params:
        police = factory.Trait(
            kind=Organisation.Kind.POLICE_AREA,
            municipality=None,
            local_police_area=factory.SubFactory(LocalPoliceAreaFactory),
        )
        county_board = factory.Trait(
            kind=Organisation.Kind.COUNTY_BOARD,
            municipality=None,
            county=factory.SubFactory(CountyFactory),
        )
        national = factory.Trait(kind=Organisation.Kind.NATIONAL, municipality=None)
        partner = factory.Trait(kind=Organisation.Kind.PARTNER, municipality=None)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COORDINATOR


# --- councils: councils, members, meetings, decisions, coordination function -------


class CouncilFactory(DjangoModelFactory):
    class Meta:
        model = Council

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Council.Kind.CRIME_PREVENTION
    name = factory.Sequence(lambda n: f"Brottsförebyggande rådet {n}")
    mandate = "Rådet samordnar kommunens och polisens brottsförebyggande arbete."


class CouncilMemberFactory(DjangoModelFactory):
    """A member for an organisation not in the system; pass ``organisation=`` for one that is."""

    class Meta:
        model = CouncilMember

    council = factory.SubFactory(CouncilFactory)
    person_name = factory.Faker("name", locale="sv_SE")
    organisation_name = factory.LazyAttribute(
        lambda m: "" if m.organisation else "Bostadsbolaget AB"
    )
    organisation = None
    role = CouncilMember.Role.MEMBER
    email = factory.Sequence(lambda n: f"ledamot{n}@example.se")
    from_date = datetime.date(2025, 1, 1)
    to_date = None


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    council = factory.SubFactory(CouncilFactory)
    held_on = datetime.date(2026, 3, 12)
    agenda = "1. Lägesbild\n2. Medborgarlöfte\n3. Övrigt"
    minutes = ""


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = "Rådet ställer sig bakom förslaget till medborgarlöfte."
    order = factory.Sequence(lambda n: n + 1)


class CoordinationFunctionFactory(DjangoModelFactory):
    class Meta:
        model = CoordinationFunction

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "Trygghetsenheten, kommunledningskontoret"
    contact_email = "trygghet@example.se"
    contact_phone = "018-727 00 00"
    since = datetime.date(2023, 7, 1)


# --- agreements ------------------------------------------------------------------

import datetime as _dt  # noqa: E402

from agreements.models import (  # noqa: E402
    ActionPlan,
    Agreement,
    FocusArea,
    Goal,
    PriorityProblem,
    SituationalPicture,
    Source,
)


class SituationalPictureFactory(DjangoModelFactory):
    class Meta:
        model = SituationalPicture

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Lägesbild {2020 + n % 10}")
    period_start = _dt.date(2025, 1, 1)
    period_end = _dt.date(2025, 12, 31)
    mapping = "Anmälda våldsbrott i centrum har ökat, särskilt helgkvällar."
    other_information = "Trygghetsmätningen visar oro för ungdomsgrupper."
    analysis = "Troliga orsaker: bristande belysning och få vuxna ute kvällstid."
    is_current = False


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    picture = factory.SubFactory(SituationalPictureFactory)
    kind = Source.Kind.CRIME_STATISTICS
    note = "Polisens anmälningsstatistik"


class PriorityProblemFactory(DjangoModelFactory):
    class Meta:
        model = PriorityProblem

    picture = factory.SubFactory(SituationalPictureFactory)
    title = factory.Sequence(lambda n: f"Problem {n}")
    description = "Otrygghet i centrum kvällstid."
    perspective = PriorityProblem.Perspective.SITUATIONAL
    rank = factory.Sequence(lambda n: n + 1)


class ActionPlanFactory(DjangoModelFactory):
    class Meta:
        model = ActionPlan

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "Åtgärdsplan 2026–2027"
    decided_by = "Kommunstyrelsen"
    decided_on = _dt.date(2026, 1, 15)
    valid_from = _dt.date(2026, 1, 1)
    valid_until = _dt.date(2027, 12, 31)


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Samverkansöverenskommelse {n}")
    start_date = _dt.date(2026, 1, 1)
    end_date = _dt.date(2029, 12, 31)


class FocusAreaFactory(DjangoModelFactory):
    class Meta:
        model = FocusArea

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Fokusområde {n}")


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    agreement = factory.SubFactory(AgreementFactory)
    text = "Ökad trygghet i centrum"
    indicator_name = "Problemindex, polisens trygghetsmätning"
    indicator_source = "Polisens trygghetsmätning"
    indicator_unit = "index 0–6"
    baseline_value = "2.40"
    baseline_year = 2025
    target_value = "2.00"
    target_year = 2029


# --- pledges ----------------------------------------------------------------------

from pledges.models import (  # noqa: E402
    Activity,
    Dialogue,
    Notification,
    Pledge,
    RegionalTheme,
)
from pledges.models import Comment as PledgeComment  # noqa: E402


class RegionalThemeFactory(DjangoModelFactory):
    class Meta:
        model = RegionalTheme

    police_region = factory.SubFactory(PoliceRegionFactory)
    code = factory.Sequence(lambda n: f"tema-{n}")
    title = factory.Sequence(lambda n: f"Regionalt tema {n}")


class PledgeFactory(DjangoModelFactory):
    class Meta:
        model = Pledge

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Medborgarlöfte {n}")
    period_start = _dt.date(2026, 1, 1)
    period_end = _dt.date(2026, 12, 31)
    public_text = "Vi lovar att tillsammans arbeta för en tryggare stadskärna."


class DialogueFactory(DjangoModelFactory):
    class Meta:
        model = Dialogue

    pledge = factory.SubFactory(PledgeFactory)
    kind = Dialogue.Kind.CITIZEN
    held_on = _dt.date(2025, 9, 14)
    participants = "Cirka 140 invånare"
    summary = "Många upplever otrygghet vid resecentrum kvällstid."


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    pledge = factory.SubFactory(PledgeFactory)
    title = factory.Sequence(lambda n: f"Aktivitet {n}")
    description = "Gemensam trygghetsvandring med boende och fastighetsägare."
    responsible_party = Activity.Party.JOINT
    start_date = _dt.date(2026, 2, 1)
    end_date = _dt.date(2026, 11, 30)
    type = Activity.Type.SITUATIONAL
    order = factory.Sequence(lambda n: n + 1)


class PledgeCommentFactory(DjangoModelFactory):
    class Meta:
        model = PledgeComment

    pledge = factory.SubFactory(PledgeFactory)
    author = factory.SubFactory(UserFactory)
    text = "Kan ni förtydliga vem som ansvarar?"


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    pledge = factory.SubFactory(PledgeFactory)
    kind = Notification.Kind.SUBMITTED
    message = "Inskickat för granskning."


# --- followup: follow-ups of activities and pledges --------------------------------

from followup.models import FollowUp, PledgeFollowUp  # noqa: E402


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    activity = factory.SubFactory(ActivityFactory)
    period_start = _dt.date(2026, 1, 1)
    period_end = _dt.date(2026, 4, 30)
    status = Activity.Status.ONGOING
    progress = 40
    done = "Två trygghetsvandringar genomförda."
    effect = "Färre anmälningar om skadegörelse."
    obstacles = ""
    published = False
    reported_by = factory.SubFactory(UserFactory)


class PledgeFollowUpFactory(DjangoModelFactory):
    class Meta:
        model = PledgeFollowUp

    pledge = factory.SubFactory(PledgeFactory)
    period_start = _dt.date(2026, 1, 1)
    period_end = _dt.date(2026, 4, 30)
    summary = "Alla aktiviteter har följts upp."
    published_at = None
    marked_by = factory.SubFactory(UserFactory)


# --- followup: indicators ------------------------------------------------------------

from followup.models import GoalIndicator, Indicator, IndicatorValue  # noqa: E402


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    name = factory.Sequence(lambda n: f"Trygghetsindex {n}")
    source = Indicator.Source.SAFETY_SURVEY
    code = factory.Sequence(lambda n: f"TI{n:04d}")
    unit = "index 0–6"
    lower_is_better = True


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    area = ""
    year = factory.Sequence(lambda n: 2000 + n % 100)
    gender = IndicatorValue.Gender.TOTAL
    value = "2.4000"


class GoalIndicatorFactory(DjangoModelFactory):
    class Meta:
        model = GoalIndicator

    goal = factory.SubFactory(GoalFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    area = ""
    gender = IndicatorValue.Gender.TOTAL


# --- followup: reminders ----------------------------------------------------------

from followup.models import (  # noqa: E402
    DigestEmail,
    Reminder,
    ReminderPreference,
    ReminderSettings,
)


class ReminderSettingsFactory(DjangoModelFactory):
    class Meta:
        model = ReminderSettings

    organisation = factory.SubFactory(OrganisationFactory)
    days_before_follow_up = 7


class ReminderPreferenceFactory(DjangoModelFactory):
    class Meta:
        model = ReminderPreference

    user = factory.SubFactory(UserFactory)
    frequency = ReminderPreference.Frequency.DAILY


class ReminderFactory(DjangoModelFactory):
    class Meta:
        model = Reminder

    kind = Reminder.Kind.FOLLOW_UP_DUE
    user = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"activity:{n}")
    due_date = _dt.date(2026, 3, 2)
    municipality = factory.SubFactory(MunicipalityFactory)
    text = factory.Sequence(lambda n: f"Uppföljning {n} ska göras")
    url = "/pledges/1/"


class DigestEmailFactory(DjangoModelFactory):
    class Meta:
        model = DigestEmail

    user = factory.SubFactory(UserFactory)
    day = _dt.date(2026, 3, 2)
