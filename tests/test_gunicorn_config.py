"""The web process runs gunicorn's sync workers, as many as WEB_CONCURRENCY says
(issue 16: on 2 cores, 3 sync workers beat every threaded set-up)."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "config" / "gunicorn.conf.py"


def test_sync_workers_three_by_default(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    conf = runpy.run_path(str(CONF))
    assert conf["worker_class"] == "sync"
    assert conf["workers"] == 3
    assert conf["wsgi_app"] == "config.wsgi:application"


def test_the_worker_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert runpy.run_path(str(CONF))["workers"] == 5


def test_the_image_and_compose_start_gunicorn_with_this_file():
    for name in ("Dockerfile", "docker-compose.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "gunicorn -c config/gunicorn.conf.py" in text.replace('", "', " ").replace(
            '["', ""
        ), name
        assert "--workers" not in text, name
