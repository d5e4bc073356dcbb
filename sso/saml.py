"""SAML 2.0 service provider on pysaml2 (xmlsec1 checks the signatures).

pysaml2 refuses unsigned assertions (``want_assertions_signed``), wrong signatures, a
wrong audience, a Destination other than our ACS, expired conditions, an answer to no
request of ours, more than one assertion, and parses with defusedxml (no DTDs, no
external entities). Here, besides: the request ids we sent (server-side: the IdP's
cross-site POST carries no Lax session cookie), an audience restriction at all, the
assertion's Recipient (pysaml2 leaves it unchecked without a conversation), each
assertion id used once, and only a persistent NameID links an account.
tests/sso/test_refusals_proven.py shows each refusal is caused by its own check.
"""

from __future__ import annotations

import base64
import calendar
import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.s_utils import UnsupportedBinding, success_status_factory
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import STATUS_SUCCESS
from saml2.time_util import str_to_time

from councils import dates, imports
from sso.models import Provider, UsedAssertion
from sso.services import Profile

log = logging.getLogger(__name__)
REQUEST_TTL = 600


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _url(request, name: str, provider: Provider) -> str:
    return request.build_absolute_uri(reverse(name, args=[provider.pk]))


def entity_id(request, provider: Provider) -> str:
    return provider.sp_entity_id or _url(request, "sso-saml-metadata", provider)


def config(request, provider: Provider, *, idp: bool = True) -> SPConfig:
    """Our SP's configuration; ``idp=False`` leaves the IdP's metadata out (our own)."""
    metadata: dict = {}
    if not idp:
        pass
    elif provider.metadata_file:
        metadata["local"] = [provider.metadata_file]
    elif provider.metadata_url:
        metadata["remote"] = [{"url": provider.metadata_url}]
    acs = _url(request, "sso-saml-acs", provider)
    slo = _url(request, "sso-saml-slo", provider)
    settings = {
        "entityid": entity_id(request, provider),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "metadata": metadata,
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,
        "service": {
            "sp": {
                "name": str(provider.organisation),
                "endpoints": {
                    "assertion_consumer_service": [(acs, BINDING_HTTP_POST)],
                    "single_logout_service": [(slo, BINDING_HTTP_REDIRECT)],
                },
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": bool(provider.key_file),
                "logout_requests_signed": bool(provider.key_file),
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            }
        },
    }
    if provider.key_file and provider.cert_file:
        settings["key_file"] = provider.key_file
        settings["cert_file"] = provider.cert_file
        settings["encryption_keypairs"] = [
            {"key_file": provider.key_file, "cert_file": provider.cert_file}
        ]
    conf = SPConfig()
    conf.load(settings)
    return conf


def _client(request, provider: Provider) -> Saml2Client:
    try:
        return Saml2Client(config=config(request, provider))
    except Exception as error:  # unreadable metadata or keys
        raise Refused(f"SAML set-up: {str(error)[:200]}") from error


def _idp(client: Saml2Client) -> str:
    idps = list(client.metadata.identity_providers())
    if len(idps) != 1:
        raise Refused("the metadata must describe exactly one identity provider")
    return idps[0]


def start(request, provider: Provider, next_url: str) -> str:
    """The IdP's address with our AuthnRequest (HTTP-Redirect binding)."""
    client = _client(request, provider)
    request_id, info = client.prepare_for_authenticate(
        entityid=_idp(client), binding=BINDING_HTTP_REDIRECT
    )
    cache.set(
        f"sso:saml:request:{request_id}", {"provider": provider.pk, "next": next_url}, REQUEST_TTL
    )
    return dict(info["headers"])["Location"]


def finish(request, provider: Provider) -> tuple[Profile, dict]:
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded:
        raise Refused("no SAMLResponse")
    client = _client(request, provider)
    in_response_to = _in_response_to(encoded)
    key = f"sso:saml:request:{in_response_to}"
    sent = cache.get(key) if in_response_to else None
    if not sent or sent.get("provider") != provider.pk:
        raise Refused("an answer to no request of ours")
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding={in_response_to: sent["next"]}
        )
    except Exception as error:
        raise Refused(
            f"the response is not valid: {type(error).__name__}: {str(error)[:200]}"
        ) from error
    if response is None or response.assertion is None:
        raise Refused("the response holds no valid assertion")
    cache.delete(key)
    assertion = response.assertion
    _check_audience(assertion)
    _check_recipient(assertion, _url(request, "sso-saml-acs", provider))
    _use_once(assertion.id)
    name_id = response.name_id
    if name_id is None or name_id.format != NAMEID_FORMAT_PERSISTENT or not name_id.text:
        raise Refused("no persistent NameID")
    issuer = response.issuer()
    attributes = response.ava or {}
    groups = attributes.get(provider.groups_claim, [])
    class_refs = [info[0] for info in response.authn_info() if info and info[0]]

    def first(*names):
        for name in names:
            if attributes.get(name):
                return str(attributes[name][0])
        return ""

    profile = Profile(
        issuer=issuer,
        subject=name_id.text,
        email=first("mail", "email", "emailAddress"),
        first_name=first("givenName", "given_name"),
        last_name=first("sn", "surname", "family_name"),
        groups=frozenset(str(g) for g in groups),
        mfa=provider.accepts_mfa(class_refs),
    )
    logout_data = {
        "next": sent["next"],
        "name_id": name_id.text,
        "name_id_format": name_id.format,
        "name_qualifier": name_id.name_qualifier or "",
        "sp_name_qualifier": name_id.sp_name_qualifier or "",
        "session_index": _session_index(assertion),
        "idp": issuer,
    }
    return profile, logout_data


def _check_audience(assertion) -> None:
    """pysaml2 compares the audiences given with our entity id but lets an assertion with
    no audience restriction through; the Web SSO profile requires one, so do we."""
    conditions = assertion.conditions
    restrictions = conditions.audience_restriction if conditions else []
    if not any(audience.text for r in restrictions for audience in r.audience or []):
        raise Refused("the assertion names no audience")


def _check_recipient(assertion, acs: str) -> None:
    """The signed assertion must be meant for our assertion consumer service: pysaml2 only
    compares the Recipient when given a conversation, so the check is here."""
    confirmations = assertion.subject.subject_confirmation if assertion.subject else []
    recipients = [
        c.subject_confirmation_data.recipient if c.subject_confirmation_data else None
        for c in confirmations
    ]
    if not recipients or any(recipient != acs for recipient in recipients):
        raise Refused("the assertion is meant for another recipient")


def _session_index(assertion) -> str:
    statements = assertion.authn_statement or []
    return str(statements[0].session_index or "") if statements else ""


def _in_response_to(encoded: str) -> str:
    """The InResponseTo of the response, read with the same safe parser pysaml2 uses."""
    try:
        text = base64.b64decode(encoded, validate=False).decode("utf-8")
        root = imports.parse_xml(
            text, refusal="not a SAML response", declared="a SAML response with declarations"
        )
    except (ValueError, imports.ImportRefused) as error:
        raise Refused(f"not a SAML response: {type(error).__name__}") from error
    return str(root.get("InResponseTo", ""))[:200]


def _use_once(message_id: str, refusal: str = "the assertion was used before") -> None:
    until = dates.now() + timedelta(hours=1)
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(assertion_id=message_id[:200], not_on_or_after=until)
    except IntegrityError as error:
        raise Refused(refusal) from error
    UsedAssertion.objects.filter(not_on_or_after__lt=dates.now()).delete()


def metadata(request, provider: Provider) -> str:
    try:
        conf = config(request, provider, idp=False)
        return create_metadata_string(None, config=conf, valid=24 * 7, sign=False).decode()
    except Exception as error:  # unreadable key or certificate files
        raise Refused(f"SAML set-up: {str(error)[:200]}") from error


def logout_url(request, provider: Provider, signed_in: dict) -> str | None:
    """Single logout at the IdP (HTTP-Redirect), where its metadata offers it."""
    try:
        client = _client(request, provider)
        idp = _idp(client)
        try:
            destinations = client.metadata.single_logout_service(
                idp, BINDING_HTTP_REDIRECT, "idpsso"
            )
        except UnsupportedBinding:  # the IdP offers no single logout by redirect
            return None
        if not destinations:
            return None
        destination = destinations[0]["location"]
        name_id = NameID(
            format=signed_in.get("name_id_format"),
            text=signed_in.get("name_id"),
            name_qualifier=signed_in.get("name_qualifier") or None,
            sp_name_qualifier=signed_in.get("sp_name_qualifier") or None,
        )
        request_id, logout_request = client.create_logout_request(
            destination,
            idp,
            name_id=name_id,
            session_indexes=[signed_in["session_index"]]
            if signed_in.get("session_index")
            else None,
            sign=False,
        )
        info = client.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(logout_request),
            destination,
            sign=bool(provider.key_file),
            sigalg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
            if provider.key_file
            else None,
        )
    except Exception:  # no logout at the IdP then: ours is done
        log.warning(
            "SAML single logout could not start for provider %s", provider.pk, exc_info=True
        )
        return None
    cache.set(f"sso:saml:logout:{request_id}", provider.pk, REQUEST_TTL)
    return dict(info["headers"])["Location"]


# Single logout, the IdP's side of it, on our SLO service (HTTP-Redirect binding). pysaml2
# as an SP checks a redirect signature only when told it must, and only with a key of our
# own, so the check is here: every message must carry a signature, with SHA-2, by a signing
# certificate in the IdP's metadata, over the query's octets exactly as they came.
SIGNATURE_ALGORITHMS = {
    f"http://www.w3.org/2001/04/xmldsig-more#rsa-sha{bits}": getattr(hashes, f"SHA{bits}")
    for bits in (256, 384, 512)
}
SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def _signed_octets(raw_query: str, kind: str) -> bytes:
    """``kind=…&RelayState=…&SigAlg=…`` as sent (the binding signs the encoded values); a
    parameter given twice is refused, so the one checked is the one read."""
    wanted = (kind, "RelayState", "SigAlg", "Signature")
    found: dict[str, str] = {}
    for piece in raw_query.split("&"):
        name, _, value = piece.partition("=")
        if name in wanted:
            if name in found:
                raise Refused(f"the logout message repeats {name}")
            found[name] = value
    return "&".join(f"{name}={found[name]}" for name in wanted[:3] if name in found).encode()


def _signed_by_idp(request, client: Saml2Client, idp: str, kind: str) -> None:
    query = request.GET
    if not query.get(kind):
        raise Refused(f"no {kind}")
    octets = _signed_octets(request.META.get("QUERY_STRING", ""), kind)
    sigalg, signature = query.get("SigAlg", ""), query.get("Signature", "")
    if not sigalg or not signature:
        raise Refused("the logout message is not signed")
    if sigalg not in SIGNATURE_ALGORITHMS:
        raise Refused("the logout message is signed with an algorithm we do not accept")
    try:
        signature_bytes = base64.b64decode(signature, validate=True)
        keys = [
            x509.load_der_x509_certificate(base64.b64decode(cert)).public_key()
            for _name, cert in client.metadata.certs(idp, "idpsso", "signing")
        ]
    except (ValueError, TypeError) as error:
        raise Refused(f"the logout signature cannot be read: {type(error).__name__}") from error
    for key in keys:
        try:
            key.verify(signature_bytes, octets, padding.PKCS1v15(), SIGNATURE_ALGORITHMS[sigalg]())
        except (InvalidSignature, TypeError, AttributeError):
            continue
        return
    raise Refused("the logout message's signature is not the identity provider's")


def _from_idp(message, idp: str, slo: str) -> None:
    issuer = message.issuer.text if message.issuer is not None else None
    issuer = (issuer or "").strip()
    if issuer != idp:
        raise Refused("the logout message comes from another issuer")
    if message.destination and message.destination != slo:
        raise Refused("the logout message is meant for another destination")


def logged_out(request, provider: Provider) -> None:
    """The IdP's LogoutResponse to the LogoutRequest we sent: signed by it, addressed to
    us, answering a request of ours for this provider (once), and a success."""
    client = _client(request, provider)
    idp = _idp(client)
    _signed_by_idp(request, client, idp, "SAMLResponse")
    try:
        response = client.parse_logout_request_response(
            request.GET["SAMLResponse"], BINDING_HTTP_REDIRECT
        )
    except Exception as error:
        raise Refused(f"the logout response is not valid: {type(error).__name__}") from error
    if response is None:
        raise Refused("the logout response is not valid")
    message = response.response
    _from_idp(message, idp, _url(request, "sso-saml-slo", provider))
    key = f"sso:saml:logout:{message.in_response_to}"
    if not message.in_response_to or cache.get(key) != provider.pk:
        raise Refused("a logout response to no request of ours")
    cache.delete(key)
    if message.status is None or message.status.status_code.value != STATUS_SUCCESS:
        raise Refused("the identity provider did not log the person out")


def _expired(not_on_or_after: str) -> bool:
    try:
        until = calendar.timegm(str_to_time(not_on_or_after))
    except (ValueError, TypeError, OverflowError):
        return True  # a time that cannot be read is no promise of freshness
    return until <= dates.now().timestamp()


@dataclass(frozen=True)
class LogoutRequest:
    """An IdP-initiated logout: whom it ends, and the signed answer to send back."""

    issuer: str
    subject: str
    session_indexes: tuple[str, ...]
    answer_url: str


def logout_request(request, provider: Provider) -> LogoutRequest:
    """Reads the IdP's LogoutRequest (signed, addressed to us, fresh, used once) and makes
    our LogoutResponse (Success), sent back by redirect, signed when we have a key."""
    client = _client(request, provider)
    idp = _idp(client)
    _signed_by_idp(request, client, idp, "SAMLRequest")
    relay_state = request.GET.get("RelayState", "")
    try:
        parsed = client.parse_logout_request(request.GET["SAMLRequest"], BINDING_HTTP_REDIRECT)
    except Exception as error:
        raise Refused(f"the logout request is not valid: {type(error).__name__}") from error
    if parsed is None or parsed.message is None:
        raise Refused("the logout request is not valid")
    message = parsed.message
    _from_idp(message, idp, _url(request, "sso-saml-slo", provider))
    if message.not_on_or_after and _expired(message.not_on_or_after):
        raise Refused("the logout request has expired")
    name_id = message.name_id
    if name_id is None or not name_id.text:
        raise Refused("the logout request names nobody")
    _use_once(f"logout:{message.id}", "the logout request was used before")
    try:
        answer = client.create_logout_response(
            message, bindings=[BINDING_HTTP_REDIRECT], status=success_status_factory()
        )
        destination = client.response_args(message, [BINDING_HTTP_REDIRECT])["destination"]
        info = client.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(answer),
            destination,
            relay_state,
            response=True,
            sign=bool(provider.key_file),
            sigalg=SHA256 if provider.key_file else None,
        )
    except Exception as error:
        raise Refused(f"no logout response can be sent: {type(error).__name__}") from error
    return LogoutRequest(
        issuer=idp,
        subject=name_id.text,
        session_indexes=tuple(str(index.text) for index in message.session_index or []),
        answer_url=dict(info["headers"])["Location"],
    )
