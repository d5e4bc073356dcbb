"""Two-party signing, shared by cooperation agreements and citizen pledges.

A signed document is a ``Signed`` model: for each party ("municipality", "police"),
``<party>_signatory_name``, ``<party>_signatory_title`` and ``<party>_signed_on``.

- ``check_signed_on``: the one rule for a signing date (not in the future), used by
  ``councils.forms.SignForm`` and by ``record_signature``.
- ``may_sign``: who may sign for a party. For the municipality, its coordinators; for
  the police, a police liaison of one of the document's own local police areas
  (``Signed.signing_police_area_ids``: an agreement's are those it names, a pledge's
  those that cover its municipality).
- ``signer_or_404`` and ``signatory``: a signing page's check (404 for anyone who may
  not sign for that party) and the name, title and date its form starts from.
- ``signatures``: the rows ``templates/components/signatures.html`` shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils import access, dates
from councils.access import Capability
from councils.dates import PLAUSIBLE_DATE
from councils.models import LocalPoliceArea
from councils.prepared import Prepared
from councils.validators import single_line

PARTIES = ("municipality", "police")


def _signatory_fields(name: str, title: str, title_help: str, signed_on: str) -> tuple:
    """One party's signatory: their name, their title and the day they signed."""
    return (
        models.CharField(name, max_length=200, blank=True, validators=[single_line]),
        models.CharField(
            title, max_length=200, blank=True, help_text=title_help, validators=[single_line]
        ),
        models.DateField(signed_on, null=True, blank=True, validators=PLAUSIBLE_DATE),
    )


class Signed(models.Model):
    """The signatories of a document signed by the municipality and the police.

    The concrete model has a ``municipality`` foreign key.
    """

    municipality_signatory_name, municipality_signatory_title, municipality_signed_on = (
        _signatory_fields(
            gettext_lazy("signatory for the municipality"),
            gettext_lazy("title of the municipality's signatory"),
            gettext_lazy("For example: chair of the municipal executive board (KSO)."),
            gettext_lazy("signed by the municipality on"),
        )
    )
    police_signatory_name, police_signatory_title, police_signed_on = _signatory_fields(
        gettext_lazy("signatory for the police"),
        gettext_lazy("title of the police signatory"),
        gettext_lazy("For example: head of the local police area (LPO chief)."),
        gettext_lazy("signed by the police on"),
    )

    class Meta:
        abstract = True

    def signing_police_area_ids(self):
        """The local police areas whose liaisons sign for the police: by default those
        that cover the document's municipality."""
        return [pk for (pk,) in _AREAS_OF.rows(municipality=self.municipality_id)]


#: the local police areas that cover a municipality, by SQL made once
_AREAS_OF = Prepared(
    lambda municipality: LocalPoliceArea.objects.filter(municipalities=municipality).values_list(
        "pk"
    )
)


def check_signed_on(signed_on: date) -> None:
    """A signing date is not in the future (a ValidationError if it is)."""
    if signed_on > dates.today():
        raise ValidationError(_("The signing date cannot be in the future."), code="future")


def may_sign(user, document: Signed, party: str) -> bool:
    """Whether ``user`` may sign ``document`` for ``party``."""
    if party == "municipality":
        return access.can(user, Capability.EDIT, document.municipality_id)
    if party == "police":
        return access.reviews_for_police_areas(user, document.signing_police_area_ids())
    return False


def require_signer(user, document: Signed, party: str) -> None:
    """PermissionDenied unless ``user`` may sign ``document`` for ``party``."""
    if party not in PARTIES or not may_sign(user, document, party):
        raise PermissionDenied


def signer_or_404(user, document: Signed, party: str) -> None:
    """A signing page answers 404 to anyone who may not sign ``document`` for ``party``."""
    try:
        require_signer(user, document, party)
    except PermissionDenied as denied:
        raise Http404 from denied


def signatory(document: Signed, party: str, user=None) -> dict:
    """Where ``party``'s signature form starts: the name and title stored for the party
    (an agreement names its signatories while it is drafted), else those of ``user``
    who signs (their name and job title from their account), and today's date."""
    name = getattr(document, f"{party}_signatory_name")
    title = getattr(document, f"{party}_signatory_title")
    if user is not None and not name:
        name, title = user.get_full_name(), title or user.title
    return {"name": name, "title": title, "signed_on": dates.today()}


def record_signature(document, *, party: str, name: str, title: str, signed_on: date) -> bool:
    """Set one party's signature on ``document`` (not saved); True when both have signed."""
    try:
        check_signed_on(signed_on)
    except ValidationError as error:
        raise ValidationError({"signed_on": error}) from error
    if getattr(document, f"{party}_signed_on"):
        raise ValidationError(_("This party has already signed."))
    setattr(document, f"{party}_signatory_name", name)
    setattr(document, f"{party}_signatory_title", title)
    setattr(document, f"{party}_signed_on", signed_on)
    return all(getattr(document, f"{p}_signed_on") for p in PARTIES)


#: how each party is named in the signatures block, and its link to sign
PARTY_LABELS = {
    "municipality": (gettext_lazy("The municipality"), gettext_lazy("sign for the municipality")),
    "police": (gettext_lazy("The police"), gettext_lazy("sign for the police")),
}


@dataclass(frozen=True)
class Signature:
    party: str
    label: str
    name: str
    title: str
    signed_on: date | None
    #: where the user signs for this party, "" if they may not
    sign_url: str = ""
    sign_label: str = ""


def signatures(document: Signed, may_sign: Mapping[str, bool], url_name: str) -> list[Signature]:
    """One row per party for ``templates/components/signatures.html``; ``may_sign`` says
    for which parties the user may sign (through the URL named ``url_name``)."""
    rows = []
    for party in PARTIES:
        label, sign_label = PARTY_LABELS[party]
        rows.append(
            Signature(
                party=party,
                label=label,
                name=getattr(document, f"{party}_signatory_name"),
                title=getattr(document, f"{party}_signatory_title"),
                signed_on=getattr(document, f"{party}_signed_on"),
                sign_url=reverse(url_name, args=[document.pk, party])
                if may_sign.get(party)
                else "",
                sign_label=sign_label,
            )
        )
    return rows
