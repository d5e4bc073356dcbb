"""factory-boy factories for every model. Later apps add theirs below."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from councils.models import (
    County,
    LocalPoliceArea,
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


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{60 + n % 40:02d}")
    letter_code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Testlän {n}")
    short_name = factory.LazyAttribute(lambda c: c.name)
    police_region = factory.SubFactory(PoliceRegionFactory)


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
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
