"""The test SAML IdP (tests/sso/saml_idp.py) served over HTTP on 127.0.0.1 for the
browser journeys: its sign-in page answers our AuthnRequest with a signed response
posted to our ACS by a button; its single logout service reads our LogoutRequest and
sends the browser back to ours with a signed LogoutResponse."""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_REDIRECT

from tests.sso import saml_idp

PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


@dataclass
class HttpIdp:
    base: str
    keys: saml_idp.Keys
    server: ThreadingHTTPServer
    idp: saml_idp.Idp | None = None
    logouts: list = field(default_factory=list)

    def know_sp(self, sp_metadata: bytes) -> None:
        self.idp = saml_idp.Idp.for_sp(self.keys, sp_metadata, self.base)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(folder: Path) -> HttpIdp:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    served = HttpIdp(base, saml_idp.make_keys(folder, base), server)
    server.served = served
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return served


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        served: HttpIdp = self.server.served
        path = urlsplit(self.path).path
        if path == "/saml/sso":
            acs, xml = served.idp.answer(served.base + self.path)
            encoded = saml_idp.post_binding(xml)["SAMLResponse"]
            body = (
                f'<form method="post" action="{html.escape(acs)}">'
                f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
                "<button>Fortsätt som kommunpolis</button></form>"
            )
            self._page("Polisens inloggning", body)
        elif path == "/saml/slo":
            query = parse_qs(urlsplit(self.path).query)
            request = served.idp.server.parse_logout_request(
                query["SAMLRequest"][0], BINDING_HTTP_REDIRECT
            )
            served.logouts.append(request.message.name_id.text)
            # logged out here: back to the SP's single logout service with a signed answer
            self.send_response(302)
            self.send_header("Location", served.idp.logout_answer(served.base + self.path))
            self.end_headers()
        else:
            self.send_error(404)

    def _page(self, title: str, body: str) -> None:
        content = PAGE.format(title=title, body=body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass
