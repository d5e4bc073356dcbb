"""The web process runs gunicorn's sync workers, as many as WEB_CONCURRENCY says
(issue 16: on 2 cores, 3 sync workers beat every threaded set-up)."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
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


def test_a_worker_loads_every_view_then_sets_it_aside_from_the_collector():
    """config.wsgi, as a worker imports it: every view module is loaded before the first
    request, and what is loaded is frozen (a full garbage collection does not walk it)."""
    probe = (
        "import gc, sys\n"
        "before = gc.get_freeze_count()\n"
        "import config.wsgi\n"
        "print(before, gc.get_freeze_count(), 'pledges.views.editor' in sys.modules,"
        " 'followup.views.today' in sys.modules)\n"
    )
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(  # noqa: S603 (the probe above, ours)
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    before, frozen, editor, today = done.stdout.split()
    assert before == "0" and int(frozen) > 100_000
    assert editor == today == "True"
