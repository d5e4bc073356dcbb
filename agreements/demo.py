"""Demo lägesbilder, problems, action plans and agreements in every state.

- Uppsala: a decided, current lägesbild with three problems, an action plan in
  force and a signed agreement in force (2025–2028), plus a draft renewal.
- Enköping: a current lägesbild and an agreement awaiting the police signature.
- Håbo: an expired agreement (2020–2023) and a draft of its successor; no current
  lägesbild.

Idempotent: a municipality that already has agreements is left as it is.
"""

from __future__ import annotations

import datetime as dt

from agreements import services
from agreements.models import (
    ActionPlan,
    Agreement,
    FocusArea,
    Goal,
    PriorityProblem,
    SituationalPicture,
    Source,
)
from councils.models import Municipality, User, VulnerableArea


def _picture(municipality, *, title, year, current, decided=True):
    return SituationalPicture.objects.create(
        municipality=municipality,
        owner=SituationalPicture.Owner.JOINT,
        title=title,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        mapping=(
            f"Anmälda brott i {municipality.name} {year}: våldsbrott i offentlig miljö har ökat "
            "med 12 procent, främst fredag–lördag kvällar i centrum. Narkotikabrotten är "
            "koncentrerade till ett fåtal platser. Skadegörelse och klotter minskar."
        ),
        other_information=(
            "Polisens trygghetsmätning visar att fler kvinnor än män avstår från att gå ut "
            "kvällstid. Skolorna rapporterar oro för att yngre elever rekryteras in i "
            "kriminella nätverk."
        ),
        analysis=(
            "Troliga orsaker: dålig belysning och få vuxna i rörelse i centrum kvällstid, "
            "tidiga riskfaktorer hos en mindre grupp unga, och en öppen narkotikahandel som "
            "lockar yngre."
        ),
        decided_by="Kommunstyrelsen och lokalpolisområdet" if decided else "",
        decided_on=dt.date(year + 1, 2, 15) if decided else None,
        next_review=dt.date(year + 2, 2, 15),
        is_current=current,
    )


def _sources(picture):
    for kind, note, day in (
        (Source.Kind.CRIME_STATISTICS, "Polisens anmälningsstatistik", dt.date(2025, 1, 20)),
        (Source.Kind.SAFETY_SURVEY, "Polisens trygghetsmätning", dt.date(2024, 11, 1)),
        (
            Source.Kind.CITIZEN_DIALOGUE,
            "Medborgardialog på torget, 140 deltagare",
            dt.date(2024, 9, 14),
        ),
        (Source.Kind.EST, "EST-rapportering vecka 1–52", dt.date(2025, 1, 10)),
    ):
        Source.objects.create(picture=picture, kind=kind, note=note, dated=day)


def _problems(picture, area=None):
    problems = [
        (
            "Otrygghet i centrum kvällstid",
            PriorityProblem.Perspective.SITUATIONAL,
            "Stora torget och resecentrum",
            None,
        ),
        ("Unga som rekryteras till kriminalitet", PriorityProblem.Perspective.SOCIAL, "", area),
        ("Våld i nära relationer", PriorityProblem.Perspective.VICTIMS, "", None),
    ]
    return [
        PriorityProblem.objects.create(
            picture=picture,
            title=title,
            perspective=perspective,
            place=place,
            vulnerable_area=vulnerable,
            description="Återkommande i anmälningar, trygghetsmätning och medborgardialog.",
            cause_analysis="Få vuxna i rörelse, bristande belysning, tidiga riskfaktorer.",
            rank=rank,
        )
        for rank, (title, perspective, place, vulnerable) in enumerate(problems, start=1)
    ]


def _agreement(municipality, coordinator, *, years, problems):
    """An agreement over whole calendar years (``years``: first, last)."""
    start, end = dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)
    title = f"Samverkansöverenskommelse {municipality.name} {years[0]}–{years[1]}"
    agreement = services.agreement_create(
        user=coordinator, municipality=municipality, title=title, start_date=start, end_date=end
    )
    agreement.problems.set(problems)
    for order, (focus, goal) in enumerate(
        (
            (
                "Trygg stadsmiljö",
                {
                    "text": "Ökad trygghet i centrum kvällstid",
                    "indicator_name": "Problemindex, polisens trygghetsmätning",
                    "indicator_source": "Polisens trygghetsmätning",
                    "indicator_unit": "index 0–6",
                    "baseline_value": "2.40",
                    "target_value": "2.00",
                    "latest_value": "2.25",
                    "latest_year": start.year,
                },
            ),
            (
                "Unga i riskzon",
                {
                    "text": "Färre unga misstänkta för narkotikabrott",
                    "indicator_name": "Misstänkta 15–20 år, narkotikabrott",
                    "indicator_source": "Polisen",
                    "indicator_unit": "antal",
                    "baseline_value": "48",
                    "target_value": "35",
                },
            ),
        ),
        start=1,
    ):
        area = FocusArea.objects.create(agreement=agreement, title=focus, order=order)
        Goal.objects.create(
            agreement=agreement,
            focus_area=area,
            baseline_year=start.year - 1,
            target_year=end.year,
            order=order,
            **goal,
        )
    Agreement.objects.filter(pk=agreement.pk).update(
        documentation=(
            "Aktiviteter och uppföljningar dokumenteras i Samverkan; lägesbilden revideras årligen."
        ),
        follow_up_by="Det lokala brottsförebyggande rådet",
        follow_up_frequency=Agreement.Frequency.TERTIAL,
        municipality_signatory_name="Kommunstyrelsens ordförande",
        municipality_signatory_title="KSO",
        police_signatory_name="Lokalpolisområdeschef",
        police_signatory_title="LPO-chef",
    )
    agreement.refresh_from_db()
    return agreement


def _sign(agreement, coordinator, liaison, *, on, police=True):
    services.agreement_submit_for_signature(user=coordinator, agreement=agreement)
    signers = [("municipality", coordinator, agreement.municipality_signatory_name, "KSO")]
    if police:
        signers.append(("police", liaison, agreement.police_signatory_name, "LPO-chef"))
    for party, user, name, title in signers:
        services.agreement_sign(
            user=user, agreement=agreement, party=party, name=name, title=title, signed_on=on
        )


def seed(stdout) -> None:
    admin = User.objects.get(username="admin")
    uppsala = Municipality.objects.get(code="0380")
    if not uppsala.agreements.exists():
        coordinator = User.objects.get(username="samordnare")
        picture = _picture(
            uppsala, title="Gemensam lägesbild Uppsala 2024", year=2024, current=True
        )
        _sources(picture)
        area = VulnerableArea.objects.filter(municipality=uppsala).first()
        problems = _problems(picture, area)
        plan = ActionPlan.objects.create(
            municipality=uppsala,
            picture=picture,
            title="Åtgärdsplan 2025–2026",
            decided_by="Kommunfullmäktige",
            decided_on=dt.date(2025, 3, 24),
            valid_from=dt.date(2025, 4, 1),
            valid_until=dt.date(2026, 12, 31),
        )
        plan.problems.set(problems)
        agreement = _agreement(uppsala, coordinator, years=(2025, 2028), problems=problems)
        liaison = User.objects.get(username="kommunpolis")
        _sign(agreement, coordinator, liaison, on=dt.date(2024, 12, 12))
    stdout.write("  Uppsala: current lägesbild, action plan and a signed agreement in force")

    enkoping = Municipality.objects.get(code="0381")
    if not enkoping.agreements.exists():
        coordinator = User.objects.get(username="samordnare.enkoping")
        picture = _picture(enkoping, title="Lägesbild Enköping 2025", year=2025, current=True)
        _sources(picture)
        agreement = _agreement(
            enkoping, coordinator, years=(2026, 2029), problems=_problems(picture)
        )
        _sign(agreement, coordinator, None, on=dt.date(2025, 12, 1), police=False)
    stdout.write("  Enköping: an agreement awaiting the police signature")

    habo = Municipality.objects.get(code="0305")
    if not habo.agreements.exists():
        picture = _picture(habo, title="Lägesbild Håbo 2019", year=2019, current=False)
        old = _agreement(habo, admin, years=(2020, 2023), problems=_problems(picture))
        _sign(old, admin, admin, on=dt.date(2019, 12, 10))
        services.agreement_renew(user=admin, agreement=old)
    stdout.write("  Håbo: an expired agreement and a draft successor; no current lägesbild")
