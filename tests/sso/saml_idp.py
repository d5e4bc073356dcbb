"""A SAML identity provider for the tests, built on pysaml2's ``Server`` in-process: it
reads our AuthnRequest and answers with responses signed by its test key (xmlsec1), or
crafted to be refused. Keys and certificates are made once per test session."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import saml2.entity
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

ENTITY_ID = "https://idp.polisen.test/saml"
SSO_URL = "https://idp.polisen.test/saml/sso"
SLO_URL = "https://idp.polisen.test/saml/slo"
SP_ENTITY_ID = "http://testserver/saml/sp"
MFA = "http://id.elegnamnden.se/loa/1.0/loa3"
PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def key_pair(folder: Path, name: str) -> tuple[str, str]:
    """A new RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * 30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def idp_config(key: tuple[str, str], sp_metadata: str | None, base: str | None = None) -> IdPConfig:
    """``base``: the IdP's own address when it is served over HTTP (the browser tests)."""
    sso_url, slo_url = (f"{base}/saml/sso", f"{base}/saml/slo") if base else (SSO_URL, SLO_URL)
    settings = {
        "entityid": ENTITY_ID,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "key_file": key[0],
        "cert_file": key[1],
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [(sso_url, BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(slo_url, BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
            }
        },
        "metadata": {"local": [sp_metadata]} if sp_metadata else {},
    }
    config = IdPConfig()
    config.load(settings)
    return config


@dataclass
class Keys:
    folder: Path
    idp: tuple[str, str]
    rogue: tuple[str, str]
    metadata_file: str


def make_keys(folder: Path, base: str | None = None) -> Keys:
    idp, rogue = key_pair(folder, "idp"), key_pair(folder, "rogue")
    metadata = create_metadata_string(None, config=idp_config(idp, None, base), valid=24 * 365)
    metadata_file = folder / "idp-metadata.xml"
    metadata_file.write_bytes(metadata)
    return Keys(folder, idp, rogue, str(metadata_file))


@dataclass
class Idp:
    """The IdP as one test sees it: knows our SP from the metadata we publish."""

    server: Server
    rogue: Server

    @classmethod
    def for_sp(cls, keys: Keys, sp_metadata: bytes, base: str | None = None) -> Idp:
        path = keys.folder / "sp-metadata.xml"
        path.write_bytes(sp_metadata)
        return cls(
            Server(config=idp_config(keys.idp, str(path), base)),
            Server(config=idp_config(keys.rogue, str(path), base)),
        )

    def answer(
        self,
        location: str,
        *,
        subject: str = "kommunpolis-1",
        groups: tuple[str, ...] = ("polis-kommunpolis",),
        class_ref: str = PASSWORD,
        sign_assertion: bool = True,
        sign_response: bool = False,
        rogue: bool = False,
        audience: str | None = None,
        destination: str | None = None,
        tamper: Callable | None = None,
        response_key: str | None = None,
    ) -> tuple[str, str]:
        """(ACS URL, response XML) answering the AuthnRequest in our redirect ``location``.

        ``tamper`` changes the response (a ``samlp.Response``) before anything is signed,
        so one thing at a time can be wrong in an otherwise good, signed answer;
        ``response_key="rogue"`` signs the response (not the assertion) with the rogue key.
        """
        query = parse_qs(urlsplit(location).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        message = request.message
        acs = message.assertion_consumer_service_url
        server = self.rogue if rogue else self.server
        signing = _Signing(tamper, self.rogue.sec if response_key == "rogue" else None)
        if response_key:
            sign_response = True
        with mock.patch.object(saml2.entity, "signed_instance_factory", signing):
            response = server.create_authn_response(
                identity={"groups": list(groups), "mail": [f"{subject}@polisen.test"]},
                in_response_to=message.id,
                destination=destination or acs,
                sp_entity_id=audience or message.issuer.text,
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
                authn={"class_ref": class_ref, "authn_auth": ENTITY_ID},
                sign_assertion=sign_assertion,
                sign_response=sign_response,
            )
        if not signing.tampered and tamper and not isinstance(response, str):
            tamper(response)
        return acs, str(response)

    def logout_answer(
        self,
        location: str,
        *,
        rogue: bool = False,
        sign: bool = True,
        status=None,
        in_response_to: str | None = None,
    ) -> str:
        """Our SLO address with this IdP's LogoutResponse (HTTP-Redirect, signed by its key
        in the query, or by the rogue key, or not) to the LogoutRequest in ``location``."""
        query = parse_qs(urlsplit(location).query)
        request = self.server.parse_logout_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        message = request.message
        if in_response_to:
            message.id = in_response_to
        server = self.rogue if rogue else self.server
        response = server.create_logout_response(
            message, bindings=[BINDING_HTTP_REDIRECT], status=status
        )
        destination = server.response_args(message, [BINDING_HTTP_REDIRECT])["destination"]
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            response=True,
            sign=sign,
            sigalg=SHA256 if sign else None,
        )
        return dict(info["headers"])["Location"]

    def logout_request(
        self,
        slo: str,
        *,
        subject: str = "kommunpolis-1",
        session_indexes: tuple[str, ...] = (),
        rogue: bool = False,
        sign: bool = True,
        sigalg: str | None = None,
        expire: str | None = None,
        issuer: str | None = None,
        relay_state: str | None = None,
    ) -> str:
        """Our SLO address ``slo`` with a LogoutRequest this IdP starts (HTTP-Redirect)."""
        server = self.rogue if rogue else self.server
        _id, request = server.create_logout_request(
            slo,
            SP_ENTITY_ID,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            session_indexes=list(session_indexes) or None,
            expire=expire,
            sign=False,
        )
        if issuer:
            request.issuer.text = issuer
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(request),
            slo,
            relay_state=relay_state or "",
            sign=sign,
            sigalg=(sigalg or SHA256) if sign else None,
        )
        return dict(info["headers"])["Location"]


SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RESPONSE = "urn:oasis:names:tc:SAML:2.0:protocol:Response"


class _Signing:
    """pysaml2's ``signed_instance_factory`` with a tamper step before the signing, and
    the Response element signed with another key when asked."""

    def __init__(self, tamper: Callable | None, response_sec=None):
        self.tamper, self.response_sec, self.tampered = tamper, response_sec, False
        self.original = saml2.entity.signed_instance_factory

    def __call__(self, instance, seccont, elements_to_sign=None):
        if self.tamper and not self.tampered and not isinstance(instance, str | bytes):
            self.tamper(instance)
            self.tampered = True
        for node_name, node_id in elements_to_sign or []:
            sec = self.response_sec if node_name == RESPONSE and self.response_sec else seccont
            instance = self.original(instance, sec, [(node_name, node_id)])
        return instance


def post_binding(xml: str) -> dict[str, str]:
    return {"SAMLResponse": base64.b64encode(xml.encode()).decode()}


__all__ = ["BINDING_HTTP_POST", "Idp", "Keys", "make_keys", "post_binding"]
