import pytest
from django.core import mail

from tests.residents.helpers import LOCMEM


@pytest.fixture
def outbox(settings):
    """E-mails kept in memory, with links to the https site."""
    settings.MAILERS = LOCMEM
    settings.SITE_URL = "https://samverkan.example"
    return mail.outbox


@pytest.fixture(autouse=True)
def _tasks_run_at_once(eager_tasks):
    """The confirmation and digest tasks run in the test, with or without Redis."""
