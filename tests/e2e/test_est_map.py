"""The EST weekly picture's map in the browser (issue 17), against a tile server of the
test's own on 127.0.0.1: with ``MAP_TILE_URL`` set, Leaflet (from our static files)
asks that server for tiles and draws each place with a point as a marker whose
tooltip holds its count; without it the page is complete with no map and asks
nothing of any other server. axe finds nothing at 375 and 1280 px. Nothing leaves
the loopback interface.
"""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from councils import dates
from est import services
from est.models import Category, Place, Report
from tests.e2e.a11y import assert_accessible

TILE_PATH = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def _png(size: int = 256) -> bytes:
    """A plain grey-blue PNG tile, made without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xdd\xe6\xee" * size  # filter byte, then RGB pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """Serves the same PNG for any ``/{z}/{x}/{y}.png`` and counts the requests; any
    other path is 404 (and counted apart)."""

    def __init__(self) -> None:
        self.tiles: list[tuple[int, int, int]] = []
        self.other: list[str] = []
        tile = _png()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                match = TILE_PATH.match(urlsplit(self.path).path)
                if match is None:
                    server.other.append(self.path)
                    self.send_error(404)
                    return
                server.tiles.append(tuple(int(n) for n in match.groups()))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, format: str, *args) -> None:
                pass  # quiet: the test counts the requests

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return self.origin + "/{z}/{x}/{y}.png"


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    server.thread.join(timeout=5)


@pytest.fixture
def places(home, owner, home_org):
    """Two places with map points and counts this week, and one without a point."""
    torget = Place.objects.create(
        municipality=home,
        name="Stortorget",
        area="Centrum",
        latitude=Decimal("59.85800"),
        longitude=Decimal("17.63890"),
    )
    backvagen = Place.objects.create(
        municipality=home,
        name="Bäckvägen 4",
        area="Gottsunda",
        kind="stairwell",
        vulnerable=True,
        latitude=Decimal("59.80300"),
        longitude=Decimal("17.59400"),
    )
    Place.objects.create(municipality=home, name="Skolgården", area="Gottsunda")
    # a live server's test flushes the migration's categories
    klotter = Category.objects.get_or_create(
        code="klotter", municipality=None, defaults={"name": "Klotter"}
    )[0]
    for place, count in ((torget, 3), (backvagen, 7)):
        services.report_save(
            user=owner,
            report=Report(
                municipality=home,
                organisation=home_org,
                place=place,
                category=klotter,
                occurred_on=dates.today(),
                count=count,
            ),
        )
    return torget, backvagen


def _record_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def _elsewhere(seen: list[str], *origins: str) -> list[str]:
    """The requests that went to none of ``origins`` (data: addresses aside)."""
    return [url for url in seen if not url.startswith("data:") and not url.startswith(origins)]


def _picture(page: Page, live_server, home) -> None:
    page.goto(live_server.url + reverse("est-picture", args=[home.code]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_map_draws_the_places_on_tiles_from_the_local_server(
    page: Page, log_in, owner, home, places, live_server, settings, tile_server, width
):
    settings.MAP_TILE_URL = tile_server.url
    settings.MAP_TILE_ATTRIBUTION = "Testkartan"
    # as config/settings.py does for a configured tile server: its origin may serve images
    settings.SECURE_CSP = settings.SECURE_CSP | {
        "img-src": [*settings.SECURE_CSP["img-src"], tile_server.origin]
    }
    seen = _record_requests(page)
    log_in(owner)
    page.set_viewport_size({"width": width, "height": 800})
    _picture(page, live_server, home)

    holder = page.locator("#est-map")
    expect(page.get_by_role("heading", name="Karta över platserna")).to_be_visible()
    # the two places with a point (the third has none) are drawn, once Leaflet has run
    expect(holder).to_have_attribute("data-est-map-ready", "2")
    markers = holder.locator("path.leaflet-interactive")
    expect(markers).to_have_count(2)
    expect(holder.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(holder).to_contain_text("Testkartan")

    assert tile_server.tiles, "Leaflet asked the local tile server for no tiles"
    assert tile_server.other == []
    assert all(0 <= z <= 19 for z, _x, _y in tile_server.tiles)
    assert {url for url in seen if url.startswith(tile_server.origin)}, seen
    assert _elsewhere(seen, live_server.url, tile_server.origin) == []

    # each marker's tooltip holds the place's count, as the table of places does
    counts = set()
    for index in range(2):
        markers.nth(index).hover()
        tooltip = holder.locator(".leaflet-tooltip")
        expect(tooltip).to_be_visible()
        counts.add(tooltip.inner_text())
        page.mouse.move(0, 0)
        expect(tooltip).to_have_count(0)
    assert counts == {"Stortorget (Centrum): 3", "Bäckvägen 4 (Gottsunda): 7"}
    if width == 375:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_without_a_tile_server_the_page_has_no_map_and_asks_no_one_else(
    page: Page, log_in, owner, home, places, live_server, settings, tile_server, width
):
    settings.MAP_TILE_URL = ""
    seen = _record_requests(page)
    log_in(owner)
    page.set_viewport_size({"width": width, "height": 800})
    _picture(page, live_server, home)

    # the table of places holds the counts the map would have shown
    main = page.locator("main")
    expect(main).to_contain_text("Stortorget")
    expect(main).to_contain_text("Bäckvägen 4")
    expect(page.locator("#est-map")).to_have_count(0)
    expect(page.get_by_role("heading", name="Karta över platserna")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert not any("leaflet" in url for url in seen), seen
    assert _elsewhere(seen, live_server.url) == []
    assert tile_server.tiles == [] and tile_server.other == []
    if width == 375:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    assert_accessible(page)
