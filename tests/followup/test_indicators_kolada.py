"""The import_kolada command: from a saved file, and fetched from a local HTTP server
on 127.0.0.1 standing in for Kolada. Never the internet."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from followup import kolada
from followup.models import Indicator, IndicatorValue
from tests import factories as f
from tests.followup.test_indicators import KOLADA_FILE


@pytest.fixture
def superuser_for_command(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_command_imports_a_saved_file(superuser_for_command, home, capsys):
    call_command("import_kolada", "--file", str(KOLADA_FILE))
    assert IndicatorValue.objects.filter(indicator__code="N07403").count() == 3
    assert "3 values created" in capsys.readouterr().out


def test_the_command_fails_clearly_on_a_bad_file(superuser_for_command, home, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(
        '{"values": [{"kpi": "N07403", "municipality": "0000", "period": 2023, '
        '"values": [{"gender": "T", "value": 1}]}]}'
    )
    with pytest.raises(CommandError, match="Nothing has been imported"):
        call_command("import_kolada", "--file", str(broken))
    with pytest.raises(CommandError):
        call_command("import_kolada", "--file", str(tmp_path / "missing.json"))
    assert not IndicatorValue.objects.exists()


class _Kolada(BaseHTTPRequestHandler):
    """Answers /v2/data/kpi/N07403/municipality/9101/year/… in two pages."""

    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        document = json.loads(KOLADA_FILE.read_text())
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path.endswith("?page=2"):
            body = {"count": 1, "values": document["values"][2:], "next_page": None}
        elif self.path == "/v2/data/kpi/N07403/municipality/9101/year/2021,2022,2023":
            body = {
                "count": 2,
                "values": document["values"][:2],
                "next_page": f"{base}{self.path}?page=2",
            }
        else:
            self.send_error(404)
            return
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def kolada_server():
    _Kolada.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Kolada)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v2"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_command_fetches_every_page_from_the_api(
    superuser_for_command, home, kolada_server, capsys
):
    call_command(
        "import_kolada",
        "--kpi", "N07403",
        "--municipality", "9101",
        "--year", "2021", "--year", "2022", "--year", "2023",
        "--base-url", kolada_server,
    )  # fmt: skip
    assert _Kolada.requests == [
        "/v2/data/kpi/N07403/municipality/9101/year/2021,2022,2023",
        "/v2/data/kpi/N07403/municipality/9101/year/2021,2022,2023?page=2",
    ]
    assert sorted(IndicatorValue.objects.values_list("year", flat=True)) == [2021, 2022, 2023]
    assert Indicator.objects.get(code="N07403").source == Indicator.Source.KOLADA


def test_the_base_url_comes_from_the_setting(settings, kolada_server):
    settings.KOLADA_BASE_URL = kolada_server
    document = kolada.kolada_fetch(kpi="N07403", municipality="9101", years=[2021, 2022, 2023])
    assert document["count"] == 3
    assert kolada.kolada_url(kpi="N07403", municipality="0180", years=[2023], base_url="") == (
        f"{kolada_server}/data/kpi/N07403/municipality/0180/year/2023"
    )


def test_the_default_is_the_real_kolada_address():
    assert kolada.kolada_url(kpi="N07403", municipality="0180", years=[2023]) == (
        "https://api.kolada.se/v2/data/kpi/N07403/municipality/0180/year/2023"
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_kolada_gives_a_clear_error(superuser_for_command, home):
    base = f"http://127.0.0.1:{_closed_port()}/v2"
    with pytest.raises(CommandError, match="Det gick inte att nå Kolada"):
        call_command(
            "import_kolada",
            "--kpi", "N07403", "--municipality", "9101", "--year", "2023",
            "--base-url", base, "--timeout", "2",
        )  # fmt: skip
    assert not IndicatorValue.objects.exists()


def test_an_error_answer_gives_a_clear_error(kolada_server):
    with pytest.raises(kolada.KoladaUnavailable, match="404"):
        kolada.kolada_fetch(
            kpi="X", municipality="9101", years=[2023], base_url=kolada_server, timeout=2
        )


def test_only_http_addresses_are_fetched():
    with pytest.raises(kolada.KoladaUnavailable):
        kolada.kolada_fetch(kpi="N07403", municipality="9101", years=[2023], base_url="file:///etc")


def test_the_command_needs_a_staff_user(db, home):
    with pytest.raises(CommandError, match="staff"):
        call_command("import_kolada", "--file", str(KOLADA_FILE))
