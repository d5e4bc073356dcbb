"""config.env helpers and the settings they build: environment only, *_FILE secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError

from config import env
from councils import background
from councils.models import Membership, Organisation, User
from pledges.models import Notification
from tests.broker import celery_on

ROOT = Path(__file__).resolve().parent.parent


def test_helpers_read_typed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.se, b.se,,")
    assert env.env_bool("X_BOOL") is True
    assert env.env_int("X_INT", 1) == 42
    assert env.env_list("X_LIST") == ["a.se", "b.se"]
    assert env.env_str("X_MISSING", "default") == "default"
    assert env.env_int("X_MISSING", 7) == 7


def test_helpers_refuse_malformed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "perhaps")
    monkeypatch.setenv("X_INT", "many")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env.env_bool("X_BOOL")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env.env_int("X_INT", 1)


def test_secrets_can_come_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n", encoding="utf-8")
    monkeypatch.delenv("X_SECRET", raising=False)
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.env_str("X_SECRET") == "s3cret-value"
    monkeypatch.setenv("X_SECRET", "from-env")
    assert env.env_str("X_SECRET") == "from-env"
    monkeypatch.delenv("X_SECRET")
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_SECRET_FILE"):
        env.env_str("X_SECRET")


def _settings_in_subprocess(
    extra_env: dict[str, str], expression: str
) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "REDIS_DB", "ALLOWED_HOSTS"}
    }
    environment.update(extra_env)
    code = f"import config.settings as s; print({expression})"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess({"DEBUG": "false"}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_default_is_sqlite_and_eager_celery():
    result = _settings_in_subprocess(
        {"DEBUG": "true"},
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.LANGUAGE_CODE, s.TIME_ZONE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("django.db.backends.sqlite3 True sv Europe/Stockholm")


def test_production_values_come_from_the_environment():
    result = _settings_in_subprocess(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://u:p@db.example:5432/samverkan",
            "REDIS_URL": "redis://cache.example:6379/0",
            "ALLOWED_HOSTS": "samverkan.example.se",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.ALLOWED_HOSTS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.db.backends.postgresql db.example False redis://cache.example:6379/0 "
        "['samverkan.example.se'] True True 31536000"
    )


def test_redis_db_replaces_the_database_number_of_redis_url():
    base = {"DEBUG": "true", "REDIS_URL": "redis://cache.example:6379/15"}
    result = _settings_in_subprocess({**base, "REDIS_DB": "14"}, "s.CELERY_BROKER_URL")
    assert result.stdout.strip() == "redis://cache.example:6379/14", result.stderr
    result = _settings_in_subprocess({**base, "REDIS_DB": "x"}, "s.CELERY_BROKER_URL")
    assert result.returncode != 0
    assert "REDIS_DB must be a database number" in result.stderr


def test_the_lagesbild_limit_comes_from_the_environment():
    default = _settings_in_subprocess({"DEBUG": "true"}, "s.LAGESBILD_STALE_MONTHS")
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "12"
    set_ = _settings_in_subprocess(
        {"DEBUG": "true", "LAGESBILD_STALE_MONTHS": "18"}, "s.LAGESBILD_STALE_MONTHS"
    )
    assert set_.stdout.strip() == "18", set_.stderr
    for wrong in ("0", "a year"):
        refused = _settings_in_subprocess(
            {"DEBUG": "true", "LAGESBILD_STALE_MONTHS": wrong}, "s.LAGESBILD_STALE_MONTHS"
        )
        assert refused.returncode != 0
        assert "LAGESBILD_STALE_MONTHS" in refused.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_users(settings):
    settings.DEBUG = True
    call_command("load_reference_data", stdout=StringIO())
    first = StringIO()
    call_command("seed_demo", stdout=first)
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert "samverkan-demo" in first.getvalue()
    for username in ("samordnare", "kommunpolis", "lansstyrelsen", "bra", "admin"):
        assert username in first.getvalue()
        assert User.objects.get(username=username).check_password("samverkan-demo")
    assert first.getvalue() == second.getvalue()


def test_a_day_of_the_year_is_read_as_month_and_day(monkeypatch):
    monkeypatch.setenv("X_DAY", "10-15")
    assert env.env_month_day("X_DAY", (9, 1)) == (10, 15)
    monkeypatch.setenv("X_DAY", "02-29")
    assert env.env_month_day("X_DAY", (9, 1)) == (2, 29)
    assert env.env_month_day("X_MISSING", (9, 1)) == (9, 1)
    for wrong in ("13-01", "09-31", "1 september", "09"):
        monkeypatch.setenv("X_DAY", wrong)
        with pytest.raises(ImproperlyConfigured, match="X_DAY"):
            env.env_month_day("X_DAY", (9, 1))


@pytest.mark.django_db
def test_seed_demo_refuses_a_production_shaped_set_up_without_the_flag(settings):
    settings.DEBUG = False
    call_command("load_reference_data", stdout=StringIO())
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="samordnare").exists()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_with_a_broker_queues_no_e_mail_and_leaves_none_for_the_sweep(settings):
    """REDIS_URL set (here a broker that is a closed port, so any attempt to queue is
    seen): the demo's notices are neither queued for a worker nor left for beat's sweep.
    A transactional test, so that the seed's transaction really commits (and its
    e-mails are started then, as in production)."""
    settings.DEBUG = False
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    call_command("load_reference_data", stdout=StringIO())
    # a URL of its own: kombu keeps one pool per URL, closed by earlier tests' celery_on
    with celery_on("redis://127.0.0.1:1/15"), background.watching() as not_queued:
        call_command("seed_demo", "--allow-production", stdout=StringIO())
        assert not_queued == []
    made = Notification.objects.filter(email=True)
    assert made.exists()  # the demo's workflow told people …
    assert not made.filter(emailed_at__isnull=True).exists()  # … and nothing is left to send
    assert RefusingBackend.sent == 0


class RefusingBackend(BaseEmailBackend):
    """The set-up's real mailer: the test fails if the demo sends through it."""

    sent = 0

    def send_messages(self, email_messages):
        RefusingBackend.sent += len(email_messages)
        raise AssertionError("the demo sent e-mail through the real mailer")
