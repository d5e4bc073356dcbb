import pytest


@pytest.fixture(autouse=True)
def _tasks_run_at_once(eager_tasks):
    """The feedback e-mail task runs in the test, with or without Redis."""
