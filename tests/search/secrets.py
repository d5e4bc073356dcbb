"""Records planted with a unique word, for the search's isolation cases and tests:
drafts and internal records of ``home`` that only its own organisations (INTERNAL)
may find, and internal fields no search may find."""

from __future__ import annotations

from django.utils import timezone

from agreements.models import Agreement
from pledges.models import Activity, Pledge
from tests import factories as f

#: a word no other record holds
WORD = "Hemlighetsfullt"


def plant_drafts(home, word: str = WORD) -> dict[str, str]:
    """Drafts and internal records of ``home`` with ``word`` in what the search reads;
    their titles by kind."""
    draft = f.PledgeFactory(municipality=home, title=f"Utkastlöfte {word}")
    activity = f.ActivityFactory(pledge=draft, title=f"Utkastaktivitet {word}")
    problem = f.PriorityProblemFactory(
        picture=f.SituationalPictureFactory(municipality=home),
        title="Skadegörelse vid skolan",
        description=f"Beskrivning {word}",
    )
    agreement = f.AgreementFactory(
        municipality=home, title=f"Utkastavtal {word}", status=Agreement.Status.DRAFT
    )
    return {
        "pledges": draft.title,
        "activities": activity.title,
        "problems": problem.title,
        "agreements": agreement.title,
    }


def plant_internal_fields(home, author, word: str = WORD) -> Pledge:
    """A published pledge of ``home`` whose internal parts (a review comment, an
    activity's responsible person) hold ``word``; its public parts do not."""
    published = f.PledgeFactory(
        municipality=home,
        title="Publicerat löfte",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    activity = f.ActivityFactory(
        pledge=published,
        title="Publicerad aktivitet",
        responsible_party=Activity.Party.JOINT,
        responsible_name=f"Handläggare {word}",
    )
    f.PledgeCommentFactory(pledge=published, activity=activity, author=author, text=word)
    return published
