"""Which stored text READ-only users may see: the classification of every text field.

READ-only users (county officers, county readers, national readers and
administrators: ``councils.access.GRANTS`` gives them ``READ`` and nothing more) see
what the public pages show plus statuses and counts. What ``INTERNAL`` guards —
drafts, comments, responsible persons, the lägesbild, obstacles, unpublished
follow-ups, council meetings' papers — they never see. Pages ask
``access.can(user, INTERNAL, municipality)`` (most pass it to their template as
``internal``) before they show any field classified here as internal.

Every text field (``CharField``/``TextField`` without choices) of every model of the
project is classified once, in ``FIELDS``, as one of:

- ``internal``: never shown to READ-only users, whatever the record's state;
- ``until_public``: the content of a document (a pledge, an agreement, a follow-up):
  internal while the document is a draft (not published, not signed); once it is,
  READ-only users see what residents or the signatories see. ``document`` is the ORM
  path from the model to that document ("" for the document itself);
- ``shown``: not internal content: reference data (counties, indicators), statuses, the
  names of organisations and people where they act in the open.

Foreign keys to people may be classified too (``internal``: who is responsible, who
wrote a comment): the gate plants its values in the person's name.

tests/test_internal_values_gate.py plants a marker in every internal field (and in
every ``until_public`` field of drafts), opens every page, export and PDF a READ-only
user can reach and fails on any marker it finds; it also fails when a model gains a
text field classified nowhere here, so a new field must be decided.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Visibility:
    #: never shown to READ-only users
    internal: frozenset[str] = frozenset()
    #: shown to READ-only users once ``document`` is published or signed
    until_public: frozenset[str] = frozenset()
    #: the path from the model to the document whose state decides ``until_public``
    document: str = ""
    #: not internal content
    shown: frozenset[str] = frozenset()

    def classified(self) -> frozenset[str]:
        return self.internal | self.until_public | self.shown


def _fields(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _visibility(
    *, internal: str = "", until_public: str = "", document: str = "", shown: str = ""
) -> Visibility:
    return Visibility(_fields(internal), _fields(until_public), document, _fields(shown))


SIGNATORIES = (
    "municipality_signatory_name municipality_signatory_title "
    "police_signatory_name police_signatory_title"
)

#: model label -> the classification of its text fields (and of its links to people)
FIELDS: dict[str, Visibility] = {
    # --- councils: who and where ----------------------------------------------------
    # who a person is shows where they act in the open (signatures, their own
    # organisation's members); the people on internal records are classified there
    "councils.user": _visibility(
        internal="password email_failed_address email_failure",
        shown="username email first_name last_name title",
    ),
    # a personal calendar address is its owner's secret
    "councils.calendarfeed": _visibility(internal="token"),
    # an invitation's address and the secret of its link are for who manages the partner
    "councils.invitation": _visibility(internal="email nonce"),
    "councils.policeregion": _visibility(shown="name"),
    "councils.county": _visibility(shown="code letter_code name short_name"),
    "councils.municipality": _visibility(shown="code name"),
    "councils.localpolicearea": _visibility(shown="name"),
    "councils.vulnerablearea": _visibility(shown="name"),
    "councils.organisation": _visibility(shown="name"),
    # a council, its mandate and the organisations at its table are known; the people
    # on it, its agendas, minutes and decisions are the municipality's and police's own
    "councils.council": _visibility(shown="name mandate"),
    "councils.councilmember": _visibility(internal="person_name email", shown="organisation_name"),
    "councils.meeting": _visibility(internal="agenda minutes"),
    "councils.decision": _visibility(internal="text"),
    # the law makes the coordination function the residents' contact point
    "councils.coordinationfunction": _visibility(shown="name contact_email contact_phone"),
    # --- agreements: the lägesbild is internal; the agreement once signed -----------
    "agreements.situationalpicture": _visibility(
        internal="title mapping other_information analysis decided_by"
    ),
    "agreements.source": _visibility(internal="note"),
    # the problems in focus of a signed agreement are read from its signed copy
    "agreements.priorityproblem": _visibility(internal="title description place cause_analysis"),
    # the compliance panel says which body decided the plan, and when
    "agreements.actionplan": _visibility(internal="title", shown="decided_by"),
    # whom a draft was shared with (an organisation's name) is not internal content
    "agreements.agreement": _visibility(
        until_public=f"title documentation follow_up_by {SIGNATORIES}", shown="shared_with"
    ),
    "agreements.sharedagreement": _visibility(shown="shared_with"),
    "agreements.focusarea": _visibility(until_public="title description", document="agreement"),
    "agreements.goal": _visibility(
        until_public="text indicator_name indicator_source indicator_unit", document="agreement"
    ),
    "agreements.comment": _visibility(internal="organisation_name text author"),
    # --- pledges: public once published; review, comments and dialogues internal ----
    "pledges.regionaltheme": _visibility(shown="code title description"),
    "pledges.pledge": _visibility(
        until_public=f"title area public_text {SIGNATORIES}", shown="shared_with"
    ),
    "pledges.sharedpledge": _visibility(shown="shared_with"),
    # the public page says what a published pledge rests on: its dialogues
    "pledges.dialogue": _visibility(until_public="participants summary", document="pledge"),
    "pledges.activity": _visibility(
        internal="responsible_name responsible_email responsible_user",
        until_public="title description partner_name recurrence",
        document="pledge",
    ),
    "pledges.comment": _visibility(internal="organisation_name text author"),
    "pledges.review": _visibility(internal="message"),
    "pledges.notification": _visibility(internal="message email_error"),
    # --- followup: a follow-up is public once published; obstacles never -------------
    "followup.followup": _visibility(internal="obstacles reported_by", until_public="done effect"),
    "followup.pledgefollowup": _visibility(until_public="summary"),
    "followup.indicator": _visibility(shown="name code unit description"),
    "followup.indicatorvalue": _visibility(shown="area"),
    "followup.goalindicator": _visibility(shown="area"),
    # a person's own reminders, digests and reports' errors: shown to nobody else
    "followup.reminder": _visibility(internal="subject text url send_error"),
    "followup.digestemail": _visibility(internal="error"),
    "followup.report": _visibility(internal="error"),
    # the county board's own words on its county's year: written by its officers (who
    # read only) and printed in the county summary they ask for
    "followup.countyanalysis": _visibility(shown="introduction"),
    "followup.municipalitycomment": _visibility(shown="text"),
    # --- accessibility: the public statement; what visitors report is the operator's
    "accessibility.statement": _visibility(
        shown="operator not_accessible not_covered assessment contact contact_email contact_phone"
    ),
    "accessibility.feedback": _visibility(internal="message page email email_error"),
    # --- residents: a follower's address is theirs alone; events name public things ---
    "residents.follower": _visibility(internal="email"),
    "residents.event": _visibility(shown="key"),
    "residents.digest": _visibility(internal="error"),
    # --- api: a token is its owner's (and its organisation administrators') alone -------
    # (the prefix names a token in lists and logs, never opens anything: the secret is
    # only in the digest)
    "api.apitoken": _visibility(internal="name digest", shown="prefix"),
    # --- est: places and categories are the picture's labels (counts are shown to all who
    # see the picture); a report's description, the meetings' analyses and measures and
    # the tertial analyses are internal to those who may see the reports
    "est.place": _visibility(shown="name area"),
    "est.category": _visibility(shown="name code"),
    "est.report": _visibility(internal="description reported_by"),
    "est.estmeeting": _visibility(internal="analysis"),
    "est.measure": _visibility(internal="title outcome"),
    "est.tertialanalysis": _visibility(internal="summary"),
    # --- files: names the code chooses, never shown ------------------------------------
    "files.storedfile": _visibility(internal="name"),
    # an attachment's title and file name are internal until its uploader makes it
    # public (only on a published pledge or a signed agreement)
    "attachments.attachment": _visibility(until_public="title original_name", shown="content_type"),
    # --- sso: sign-in set-up, seen in the Django admin only; secrets and subjects internal
    "sso.signinpolicy": _visibility(shown="email_domains contact"),
    "sso.provider": _visibility(
        internal="client_id client_secret client_secret_file key_file cert_file metadata_file",
        shown="name issuer scopes groups_claim mfa_values metadata_url sp_entity_id",
    ),
    "sso.rolerule": _visibility(internal="value"),
    "sso.identity": _visibility(internal="issuer subject"),
    "sso.signin": _visibility(internal="subject reason"),
    "sso.usedassertion": _visibility(internal="assertion_id"),
}
